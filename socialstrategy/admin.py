from django.contrib import admin

from .models import Notification, NotificationPreference


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    list_display = ["user", "kind", "subject", "created_at", "read_at", "emailed_at"]
    list_filter = ["kind", "created_at"]
    search_fields = ["user__username", "subject", "text"]
    raw_id_fields = ["user"]


@admin.register(NotificationPreference)
class NotificationPreferenceAdmin(admin.ModelAdmin):
    list_display = ["user", "email_kinds"]
    raw_id_fields = ["user"]
