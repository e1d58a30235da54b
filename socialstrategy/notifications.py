"""
Telling people: in-app notifications (the bell) and the email that goes with them.

`notify` writes the notifications in the caller's transaction, so that what is told
and what happened commit together; the emails are sent after that commit.
"""

import logging

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.mail import send_mail
from django.utils import timezone, translation
from django.utils.functional import SimpleLazyObject
from django.utils.translation import gettext as _

from . import tasks
from .models import Notification, NotificationPreference
from .queueing import enqueue_on_commit

logger = logging.getLogger(__name__)

EXCERPT_LENGTH = 120


def excerpt(text: str, length: int = EXCERPT_LENGTH) -> str:
    """The start of a text on one line, with an ellipsis when cut."""
    flat = " ".join(text.split())
    return flat[:length] + ("…" if len(flat) > length else "")


def mark_read(user, target) -> int:
    """The user's unread notifications about `target` are read (they opened or settled it); how many."""
    return Notification.objects.filter(
        user=user,
        read_at__isnull=True,
        target_type=ContentType.objects.get_for_model(target),
        target_id=target.pk,
    ).update(read_at=timezone.now())


def notify(
    *,
    users,
    kind: str,
    target=None,
    subject: str = "",
    where: str = "",
    link: str = "",
    external_link: str = "",
    text: str = "",
) -> int:
    """
    Notify these users about `target`; returns how many notifications were made.

    The kinds in Notification.ONCE are made once per person and target (a breach is
    told once, however often the sweep runs). Each is emailed after commit to those
    who want that kind by email.
    """
    about = {}
    if target is not None:
        about = {"target_type": ContentType.objects.get_for_model(target), "target_id": target.pk}
    fields = {"subject": subject[:300], "where": where[:200], "link": link, "external_link": external_link}
    recipients = {user.pk: user for user in users if user is not None}
    # Who chose which kinds by email, in one query (without a row: every kind).
    chosen = dict(
        NotificationPreference.objects.filter(
            user__in=[pk for pk, user in recipients.items() if user.email]
        ).values_list("user_id", "email_kinds")
    )
    created = 0
    for user in recipients.values():
        if kind in Notification.ONCE and about:
            notification, made = Notification.objects.get_or_create(
                user=user, kind=kind, **about, defaults={"text": text, **fields}
            )
        else:
            notification, made = Notification.objects.create(user=user, kind=kind, text=text, **about, **fields), True
        if made:
            created += 1
            if user.email and kind in chosen.get(user.pk, [kind]):
                enqueue_on_commit(tasks.email_notification_task, notification.pk)
    return created


def describe(notification: Notification) -> str:
    """One line saying what happened, in the active language, and the note that came with it."""
    lines = {
        Notification.Kind.BREACH: _("The deadline has passed without a reply: %(subject)s"),
        Notification.Kind.DUE_SOON: _("Due within 30 minutes: %(subject)s"),
        Notification.Kind.ASSIGNED: _("A post was given to you: %(subject)s"),
        Notification.Kind.FORWARDED: _("A post was forwarded to you: %(subject)s"),
        Notification.Kind.HANDED_BACK: _("A post you forwarded was handed back: %(subject)s"),
        Notification.Kind.APPROVAL: _("A reply waits for your approval: %(subject)s"),
        Notification.Kind.SENT_BACK: _("Your reply was sent back: %(subject)s"),
        Notification.Kind.UNCONFIRMED: _("We could not confirm that a reply was published: %(subject)s"),
    }
    line = lines[notification.kind] % {"subject": notification.subject}
    # The note that came with it (a forward's, a hand-back's, a reviewer's comment).
    return f"{line}\n{notification.text}" if notification.text else line


def email_notification(*, notification_id: int) -> bool:
    """Send the notification's email once; False when there is nothing to send."""
    notification = Notification.objects.select_related("user").filter(pk=notification_id).first()
    if notification is None or notification.emailed_at is not None or not notification.user.email:
        return False
    with translation.override(settings.LANGUAGE_CODE):
        subject = f"[socialstrategy] {notification.get_kind_display()}"
        body = describe(notification)
        if notification.link:
            body += f"\n\n{settings.SITE_URL.rstrip('/')}{notification.link}"
    send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, [notification.user.email])
    Notification.objects.filter(pk=notification.pk, emailed_at__isnull=True).update(emailed_at=timezone.now())
    return True


def unread_count(request) -> dict:
    """Context processor: the number on the bell, counted only when a page shows it."""
    if not request.user.is_authenticated:
        return {}
    return {
        "unread_notifications": SimpleLazyObject(
            lambda: Notification.objects.filter(user=request.user, read_at__isnull=True).count()
        )
    }
