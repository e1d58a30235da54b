"""
What every app shares: notifications and the per-user preferences for them.

A notification is about any object (a post today, a content item later) through a
generic relation, and keeps what it said when it was made (a subject, where, and the
links), so that the bell and the email need no knowledge of the app it came from.
"""

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Notification(models.Model):
    """Something a user should know: shown in the app, and sent by email when they want it."""

    class Kind(models.TextChoices):
        BREACH = "breach", _("deadline breached")
        DUE_SOON = "due_soon", _("deadline in 30 minutes")
        ASSIGNED = "assigned", _("assigned to you")
        FORWARDED = "forwarded", _("forwarded to you")
        HANDED_BACK = "handed_back", _("handed back to you")
        APPROVAL = "approval", _("approval asked of you")
        SENT_BACK = "sent_back", _("your reply was sent back")
        UNCONFIRMED = "unconfirmed", _("a reply could not be confirmed")
        RELEASED = "released", _("a colleague took your post back")

    # The kinds told once per person and object, however often a sweep runs.
    ONCE = (Kind.BREACH, Kind.DUE_SOON, Kind.UNCONFIRMED)

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications", verbose_name=_("user")
    )
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    target_type = models.ForeignKey(
        ContentType, on_delete=models.CASCADE, null=True, blank=True, related_name="+", verbose_name=_("about a")
    )
    target_id = models.PositiveBigIntegerField(_("about id"), null=True, blank=True)
    target = GenericForeignKey("target_type", "target_id")
    subject = models.CharField(_("about"), max_length=300, blank=True)
    where = models.CharField(_("where"), max_length=200, blank=True)
    link = models.CharField(_("link in the product"), max_length=500, blank=True)
    external_link = models.URLField(_("link on the platform"), max_length=1000, blank=True)
    text = models.TextField(_("text"), blank=True)
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    read_at = models.DateTimeField(_("read"), null=True, blank=True)
    emailed_at = models.DateTimeField(_("emailed"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        indexes = [
            models.Index(fields=["user", "read_at"], name="notification_user_unread_idx"),
            models.Index(fields=["target_type", "target_id"], name="notification_target_idx"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "kind", "target_type", "target_id"],
                condition=Q(kind__in=["breach", "due_soon", "unconfirmed"]),
                name="notification_once_per_target",
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} → {self.user}"


class NotificationPreference(models.Model):
    """Which notifications a person also gets by email; without a row, all of them."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="notification_preference",
        verbose_name=_("user"),
    )
    email_kinds = models.JSONField(_("by email"), default=list, blank=True)
    # The weekly response digest (inbox.reports.digest), for those who may read the reports.
    weekly_digest = models.BooleanField(_("weekly digest by email"), default=True)

    class Meta:
        verbose_name = _("notification preference")
        verbose_name_plural = _("notification preferences")

    def __str__(self) -> str:
        return str(self.user)
