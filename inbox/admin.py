from django.contrib import admin, messages
from django.db import models
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from .ingest import deliveries
from .models import (
    Activity,
    Author,
    Forward,
    InboxSettings,
    Note,
    OutboxMessage,
    Post,
    ReplyApproval,
    SavedReply,
    TriageDecision,
    WebhookDelivery,
    YouTubePollState,
)


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
        count = deliveries.retry_deliveries(delivery_ids=list(queryset.values_list("pk", flat=True)))
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

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        if "target_group" in form.changed_data:
            # The posts keep their author's target group (the reports count by it).
            Post.objects.filter(author=obj).update(target_group=obj.target_group)


class TriageDecisionInline(admin.TabularInline):
    model = TriageDecision
    fk_name = "post"
    extra = 0
    can_delete = False
    fields = ["created_at", "decided_by", "categories", "must_reply", "priority", "due_at", "team", "assignee", "why"]
    readonly_fields = fields
    ordering = ["-created_at", "-pk"]

    @admin.display(description=_("why"))
    def why(self, obj: TriageDecision) -> str:
        return "; ".join(f"{r['rule']}: {', '.join(r['words'])}" for r in obj.reasons) or obj.note

    def has_add_permission(self, request, obj=None) -> bool:
        return False


# A link typed without a scheme is https (Django 6's default, asked for now).
HTTPS_LINKS = {models.URLField: {"assume_scheme": "https"}}


@admin.register(Post)
class PostAdmin(admin.ModelAdmin):
    inlines = [TriageDecisionInline]
    formfield_overrides = HTTPS_LINKS
    list_display = [
        "__str__",
        "kind",
        "author",
        "short_text",
        "published_at",
        "status",
        "must_reply",
        "priority",
        "due_at",
        "team",
        "breached_at",
        "is_ours",
    ]
    list_filter = ["channel", "kind", "status", "is_ours", "must_reply", "priority", "team", "published_at"]
    search_fields = ["text", "external_id", "author__name", "author__handle"]
    date_hierarchy = "published_at"
    list_select_related = ["channel", "author", "team"]
    raw_id_fields = ["parent", "thread_root", "author", "delivery", "assignee"]

    @admin.display(description=_("text"))
    def short_text(self, obj: Post) -> str:
        return (obj.text[:80] + "…") if len(obj.text) > 80 else obj.text


@admin.register(OutboxMessage)
class OutboxMessageAdmin(admin.ModelAdmin):
    list_display = ["__str__", "short_text", "in_reply_to", "created_by", "created_at", "sent_at", "short_error"]
    list_filter = ["channel", "action", "status", "created_at"]
    search_fields = ["text", "external_id", "error", "in_reply_to__external_id"]
    date_hierarchy = "created_at"
    list_select_related = ["channel", "in_reply_to__channel", "created_by"]
    # The outbox is the record of what was said in the organisation's name: read, never edited.
    readonly_fields = [
        "channel",
        "action",
        "in_reply_to",
        "text",
        "status",
        "external_id",
        "error",
        "response",
        "created_by",
        "created_at",
        "sent_at",
    ]

    @admin.display(description=_("text"))
    def short_text(self, obj: OutboxMessage) -> str:
        return (obj.text[:80] + "…") if len(obj.text) > 80 else obj.text

    @admin.display(description=_("error"))
    def short_error(self, obj: OutboxMessage) -> str:
        return (obj.error[:80] + "…") if len(obj.error) > 80 else obj.error

    def has_add_permission(self, request) -> bool:
        # Messages are written by sending (inbox.sending), which is what calls the platform.
        return False


@admin.register(YouTubePollState)
class YouTubePollStateAdmin(admin.ModelAdmin):
    list_display = ["channel", "high_water_mark", "last_polled_at", "quota_day", "quota_used", "short_error"]
    list_select_related = ["channel"]
    # The high-water mark stays editable: moving it back makes the next poll read further.
    readonly_fields = ["channel", "last_polled_at", "last_error", "quota_day", "quota_used"]

    @admin.display(description=_("last error"))
    def short_error(self, obj: YouTubePollState) -> str:
        return (obj.last_error[:80] + "…") if len(obj.last_error) > 80 else obj.last_error

    def has_add_permission(self, request) -> bool:
        # The poller creates a channel's state on its first poll.
        return False


@admin.register(TriageDecision)
class TriageDecisionAdmin(admin.ModelAdmin):
    list_display = ["post", "created_at", "decided_by", "must_reply", "priority", "due_at", "team"]
    list_filter = ["must_reply", "priority", "team", "created_at"]
    search_fields = ["post__text", "post__external_id", "note"]
    raw_id_fields = ["post", "assignee", "decided_by"]
    date_hierarchy = "created_at"


@admin.register(Activity)
class ActivityAdmin(admin.ModelAdmin):
    list_display = ["post", "kind", "actor", "created_at"]
    list_filter = ["kind", "created_at"]
    search_fields = ["post__text", "detail"]
    raw_id_fields = ["post", "actor"]
    date_hierarchy = "created_at"


@admin.register(Note)
class NoteAdmin(admin.ModelAdmin):
    list_display = ["post", "author", "created_at"]
    search_fields = ["text"]
    raw_id_fields = ["post", "author"]


@admin.register(Forward)
class ForwardAdmin(admin.ModelAdmin):
    list_display = ["post", "sent_by", "to_user", "to_team", "created_at", "outcome"]
    list_filter = ["outcome", "to_team", "created_at"]
    search_fields = ["note", "return_note"]
    raw_id_fields = ["post", "sent_by", "to_user"]


@admin.register(SavedReply)
class SavedReplyAdmin(admin.ModelAdmin):
    list_display = ["title", "category", "language", "enabled", "updated_at"]
    list_filter = ["language", "category", "enabled"]
    search_fields = ["title", "text"]


@admin.register(ReplyApproval)
class ReplyApprovalAdmin(admin.ModelAdmin):
    list_display = ["post", "written_by", "status", "reviewed_by", "created_at", "reviewed_at"]
    list_filter = ["status", "created_at"]
    raw_id_fields = ["post", "written_by", "reviewed_by", "message"]


@admin.register(InboxSettings)
class InboxSettingsAdmin(admin.ModelAdmin):
    list_display = ["__str__", "approval_for_negative", "updated_at"]
