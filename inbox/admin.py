from django.contrib import admin, messages
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from . import services
from .models import Author, Post, WebhookDelivery


@admin.register(WebhookDelivery)
class WebhookDeliveryAdmin(admin.ModelAdmin):
    list_display = [
        "id",
        "source",
        "status",
        "received_at",
        "attempts",
        "posts_created",
        "posts_updated",
        "short_error",
    ]
    list_filter = ["source", "status", "received_at"]
    search_fields = ["error", "id"]
    date_hierarchy = "received_at"
    actions = ["retry"]
    readonly_fields = [
        "source",
        "received_at",
        "headers",
        "body_as_text",
        "status",
        "attempts",
        "error",
        "processed_at",
        "posts_created",
        "posts_updated",
    ]
    exclude = ["body"]

    @admin.display(description=_("error"))
    def short_error(self, obj: WebhookDelivery) -> str:
        return (obj.error[:80] + "…") if len(obj.error) > 80 else obj.error

    @admin.display(description=_("body"))
    def body_as_text(self, obj: WebhookDelivery) -> str:
        return format_html("<pre style='white-space: pre-wrap'>{}</pre>", obj.body_text)

    @admin.action(description=_("Process the selected deliveries again"))
    def retry(self, request, queryset):
        count = services.retry_deliveries(delivery_ids=list(queryset.values_list("pk", flat=True)))
        self.message_user(
            request,
            ngettext("%(count)d delivery sent for processing.", "%(count)d deliveries sent for processing.", count)
            % {"count": count},
            messages.SUCCESS,
        )

    def has_add_permission(self, request) -> bool:
        # Deliveries arrive from the platforms; nobody writes one by hand.
        return False


@admin.register(Author)
class AuthorAdmin(admin.ModelAdmin):
    list_display = ["__str__", "platform", "handle", "external_id", "first_seen_at", "last_seen_at"]
    list_filter = ["platform"]
    search_fields = ["name", "handle", "external_id"]


@admin.register(Post)
class PostAdmin(admin.ModelAdmin):
    list_display = ["__str__", "kind", "author", "short_text", "published_at", "status", "is_ours", "deleted_at"]
    list_filter = ["channel", "kind", "status", "is_ours", "must_reply", "priority", "published_at"]
    search_fields = ["text", "external_id", "author__name", "author__handle"]
    date_hierarchy = "published_at"
    list_select_related = ["channel", "author"]
    raw_id_fields = ["parent", "thread_root", "author", "delivery", "assignee"]

    @admin.display(description=_("text"))
    def short_text(self, obj: Post) -> str:
        return (obj.text[:80] + "…") if len(obj.text) > 80 else obj.text
