"""
The outbox: replies and publications, sent exactly once.

Every reply is written `pending` with an idempotency key before the platform is
called ("reply:<post>:after:<the last reply the writer saw>"), in a transaction of its
own; the database lets one message hold a key, so two people answering the same post
at once, or one person's form sent twice, make one platform call. Then the message is
marked sent (or recorded, in sandbox mode: SOCIAL_SANDBOX) or failed, which frees its
key for another try. A timeout after the request went out leaves it `unknown`: the
platform may have published it, so it is not sent again until our own reply arrives
from the platform (ingest marks it sent) or a person has looked; the outbox sweep turns
messages left `pending` by a dead process into `unknown` and tells their writer.

The platform is called outside any transaction of ours. Do not call these inside an
atomic block: a SendError would roll back the record of the failure with it.
"""

import logging
from collections.abc import Callable
from datetime import datetime, timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from strategy.models import Channel

from ..connectors import facebook, x, youtube
from ..connectors.base import SendError, SendResult, SendUnknown
from ..models import OutboxMessage, Post
from ..notices import Kind, notify_about
from ..triage import labels

logger = logging.getLogger(__name__)

# platform -> the connector module with its send_reply(post, text) and publish(channel, text).
CONNECTORS = {
    Channel.Platform.FACEBOOK: facebook,
    Channel.Platform.X: x,
    Channel.Platform.YOUTUBE: youtube,
}
Status = OutboxMessage.Status


class AlreadySent(Exception):
    """Another message holds this reply's key: it was sent, is being sent, or may have been."""

    def __init__(self, message: OutboxMessage):
        super().__init__(f"outbox message {message.pk} holds the key")
        self.message = message


def reply_key(post: Post, after: int) -> str:
    """The idempotency key of a reply to the post by someone who saw its replies up to `after` (0: none)."""
    return f"reply:{post.pk}:after:{after}"


def last_reply_id(post: Post) -> int:
    """The id of the post's latest reply that went out or may have: what a writer sees before answering."""
    return (
        OutboxMessage.objects.filter(
            in_reply_to=post, action=OutboxMessage.Action.REPLY, status__in=OutboxMessage.HOLDS_KEY
        )
        .order_by("-pk")
        .values_list("pk", flat=True)
        .first()
        or 0
    )


def unconfirmed_replies(post: Post) -> list[OutboxMessage]:
    """The post's replies that may or may not be on the platform: a person must look."""
    return list(
        OutboxMessage.objects.filter(in_reply_to=post, status=Status.UNKNOWN)
        .select_related("created_by")
        .order_by("pk")
    )


def send_reply(
    *, post: Post, text: str, user=None, after: int | None = None, before_sending: Callable[[], None] | None = None
) -> OutboxMessage:
    """
    Answer a post on its platform (a comment reply, or a direct message back), once.
    A reply that went out, or was recorded in the sandbox, is the post's first response
    if it has none yet.

    `after` is the last reply the writer saw (default: the latest now). `before_sending`
    runs once the message holds its key, before the platform is called (the caller's
    claim on the post); what it raises fails the message and is raised.

    Raises ValidationError for an empty text (nothing is recorded), AlreadySent when
    the reply is already out or on its way, SendUnknown when the platform may have
    published it, and SendError when it refused or could not be reached.
    """
    text = text_to_send(text)
    after = last_reply_id(post) if after is None else after
    message = _send(
        channel=post.channel,
        action=OutboxMessage.Action.REPLY,
        text=text,
        user=user,
        in_reply_to=post,
        key=reply_key(post, after),
        before_sending=before_sending,
        call=lambda connector: connector.send_reply(post, text),
    )
    answered_at = message.sent_at or message.created_at
    # Conditional: a reply that lands at the same time as another (or as our own reply
    # arriving by webhook) never moves the first response later.
    if Post.objects.filter(pk=post.pk, first_response_at__isnull=True).update(
        first_response_at=answered_at, first_responder=user
    ):
        post.first_response_at, post.first_responder = answered_at, user
        # Answered though triage did not flag it: a labelled example for the learned triage.
        labels.label_reply(post, user=user)
    return message


def publish(*, channel: Channel, text: str, user=None, key: str = "") -> OutboxMessage:
    """
    Publish a post on the channel and record it; `key` makes it once-only (a content item's).

    Raises ValidationError for an empty text and SendError when the platform refuses,
    cannot publish text at all (YouTube) or does not answer; a failure is recorded first.
    """
    text = text_to_send(text)
    return _send(
        channel=channel,
        action=OutboxMessage.Action.PUBLISH,
        text=text,
        user=user,
        in_reply_to=None,
        key=key,
        call=lambda connector: connector.publish(channel, text),
    )


def text_to_send(text: str) -> str:
    text = (text or "").strip()
    if not text:
        raise ValidationError(_("Write something before sending: the text is empty."), code="empty")
    return text


def _send(
    *,
    channel: Channel,
    action: str,
    text: str,
    user,
    in_reply_to: Post | None,
    key: str,
    call: Callable[..., SendResult],
    before_sending: Callable[[], None] | None = None,
) -> OutboxMessage:
    message = _write_pending(
        channel=channel, action=action, text=text, in_reply_to=in_reply_to, created_by=user, idempotency_key=key
    )
    try:
        connector = CONNECTORS.get(channel.platform)
        if connector is None:
            raise SendError(_("Nothing can be sent to %(platform)s.") % {"platform": channel.platform})
        # What the platform can never do is refused in the sandbox too: the demo must
        # not promise what production cannot deliver.
        unsupported = getattr(connector, "PUBLISH_UNSUPPORTED", None)
        if action == OutboxMessage.Action.PUBLISH and unsupported:
            raise SendError(unsupported)
        if before_sending is not None:
            before_sending()
        if settings.SOCIAL_SANDBOX:
            _settle(message, Status.SANDBOX)
            logger.info("sandbox: %s on %s recorded as outbox message %s, not sent", action, channel, message.pk)
            return message
        result = call(connector)
    except SendUnknown as exc:
        _settle(message, Status.UNKNOWN, error=str(exc))
        logger.warning("%s on %s not confirmed (outbox message %s): %s", action, channel, message.pk, exc)
        raise
    except SendError as exc:
        _settle(message, Status.FAILED, error=str(exc), response=exc.response)
        logger.warning("%s on %s failed (outbox message %s): %s", action, channel, message.pk, exc)
        raise
    except BaseException as exc:
        # The claim was refused, or something broke before the call: nothing went out.
        _settle(message, Status.FAILED, error=f"{type(exc).__name__}: {exc}")
        raise
    _settle(
        message, Status.SENT, external_id=result.external_id[:128], response=result.response, sent_at=timezone.now()
    )
    return message


def _write_pending(**fields) -> OutboxMessage:
    """The message, committed as pending before anything is sent; AlreadySent when its key is held."""
    try:
        with transaction.atomic():
            return OutboxMessage.objects.create(status=Status.PENDING, **fields)
    except IntegrityError:
        holder = OutboxMessage.objects.filter(
            idempotency_key=fields["idempotency_key"], status__in=OutboxMessage.HOLDS_KEY
        ).first()
        if holder is None:  # the holder failed in the meantime, which freed the key: try once more
            with transaction.atomic():
                return OutboxMessage.objects.create(status=Status.PENDING, **fields)
        raise AlreadySent(holder) from None


def _settle(message: OutboxMessage, status: str, **fields) -> None:
    for name, value in {"status": status, **fields}.items():
        setattr(message, name, value)
    OutboxMessage.objects.filter(pk=message.pk).update(status=status, **fields)


def confirm(*, message: OutboxMessage, published: bool) -> OutboxMessage:
    """
    A person looked on the platform: the reply is there (sent) or not (failed, which
    frees the key so that it can be sent again). Only a message not confirmed, or left
    sending, can be settled so.
    """
    status = Status.SENT if published else Status.FAILED
    fields = {"sent_at": message.sent_at or timezone.now()} if published else {"error": message.error}
    settled = OutboxMessage.objects.filter(pk=message.pk, status__in=[Status.UNKNOWN, Status.PENDING]).update(
        status=status, **fields
    )
    if not settled:
        raise ValidationError(_("This reply is no longer waiting to be confirmed."))
    message.refresh_from_db()
    if published and message.in_reply_to_id:
        Post.objects.filter(pk=message.in_reply_to_id, first_response_at__isnull=True).update(
            first_response_at=message.sent_at, first_responder_id=message.created_by_id
        )
    return message


def sweep_outbox(*, now: datetime | None = None) -> int:
    """
    Every minute (beat): a message left sending longer than the platform call can take
    belonged to a process that died mid-call; it becomes `unknown`, and its writer is
    told to check the platform. Never sent again by itself. Returns how many.
    """
    now = now or timezone.now()
    cutoff = now - timedelta(seconds=settings.INBOX_OUTBOX_PENDING_SECONDS)
    stuck = list(
        OutboxMessage.objects.filter(status=Status.PENDING, created_at__lt=cutoff)
        .select_related("in_reply_to__channel", "created_by")
        .order_by("created_at")[:500]
    )
    for message in stuck:
        with transaction.atomic():
            if not OutboxMessage.objects.filter(pk=message.pk, status=Status.PENDING).update(
                status=Status.UNKNOWN, error=str(_("The sending process stopped before the platform answered."))
            ):
                continue
            if message.in_reply_to is not None and message.created_by is not None:
                notify_about(message.in_reply_to, users=[message.created_by], kind=Kind.UNCONFIRMED)
    if stuck:
        logger.warning("outbox sweep: %s messages left sending are now not confirmed", len(stuck))
    return len(stuck)
