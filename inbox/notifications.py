"""Telling people: the email that goes with an in-app notification."""

import logging

from django.conf import settings
from django.core.mail import send_mail
from django.urls import NoReverseMatch, reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from .models import Notification

logger = logging.getLogger(__name__)


def describe(notification: Notification) -> str:
    """One line saying what happened, in the active language."""
    post = notification.post
    excerpt = ""
    if post is not None:
        text = " ".join(post.text.split())
        excerpt = text[:120] + ("…" if len(text) > 120 else "")
    lines = {
        Notification.Kind.BREACH: _("The deadline has passed without a reply: %(excerpt)s"),
        Notification.Kind.DUE_SOON: _("Due within 30 minutes: %(excerpt)s"),
        Notification.Kind.ASSIGNED: _("A post was given to you: %(excerpt)s"),
        Notification.Kind.FORWARDED: _("A post was forwarded to you: %(excerpt)s"),
        Notification.Kind.HANDED_BACK: _("A post you forwarded was handed back: %(excerpt)s"),
        Notification.Kind.APPROVAL: _("A reply waits for your approval: %(excerpt)s"),
        Notification.Kind.SENT_BACK: _("Your reply was sent back: %(excerpt)s"),
    }
    line = lines[notification.kind] % {"excerpt": excerpt}
    # The note that came with it (a forward's, a hand-back's, a reviewer's comment).
    return f"{line}\n{notification.text}" if notification.text else line


def email_notification(*, notification_id: int) -> bool:
    """Send the notification's email once; False when there is nothing to send."""
    notification = Notification.objects.select_related("user", "post").filter(pk=notification_id).first()
    if notification is None or notification.emailed_at is not None or not notification.user.email:
        return False
    with translation.override(settings.LANGUAGE_CODE):
        subject = f"[socialstrategy] {notification.get_kind_display()}"
        body = describe(notification)
        link = _post_link(notification)
        if link:
            body += f"\n\n{link}"
    send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, [notification.user.email])
    Notification.objects.filter(pk=notification.pk, emailed_at__isnull=True).update(emailed_at=timezone.now())
    return True


def _post_link(notification: Notification) -> str:
    if notification.post_id is None:
        return ""
    try:
        path = reverse("inbox:post-detail", args=[notification.post_id])
    except NoReverseMatch:
        return ""
    return settings.SITE_URL.rstrip("/") + path
