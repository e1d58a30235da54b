"""
Replies and publications: sent through the channel's connector or, in sandbox mode
(SOCIAL_SANDBOX), only recorded. Every attempt leaves an OutboxMessage, whether it
went out, was recorded in the sandbox, or failed.

The platform is called outside any transaction of ours, and the outcome recorded
after it answers. Do not call these inside an atomic block: a SendError would roll
back the record of the failure with it.
"""

import logging
from collections.abc import Callable

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from strategy.models import Channel

from .connectors import facebook, x, youtube
from .connectors.base import SendError, SendResult
from .models import OutboxMessage, Post

logger = logging.getLogger(__name__)

# platform -> the connector module with its send_reply(post, text) and publish(channel, text).
CONNECTORS = {
    Channel.Platform.FACEBOOK: facebook,
    Channel.Platform.X: x,
    Channel.Platform.YOUTUBE: youtube,
}


def send_reply(*, post: Post, text: str, user=None) -> OutboxMessage:
    """
    Answer a post on its platform (a comment reply, or a direct message back) and
    record it. A reply that went out, or was recorded in the sandbox, is the post's
    first response if it has none yet.

    Raises ValidationError for an empty text (nothing is recorded) and SendError when
    the platform refuses or does not answer (the failure is recorded first).
    """
    text = text_to_send(text)
    message = _send(
        channel=post.channel,
        action=OutboxMessage.Action.REPLY,
        text=text,
        user=user,
        in_reply_to=post,
        call=lambda connector: connector.send_reply(post, text),
    )
    answered_at = message.sent_at or message.created_at
    # Conditional: a reply that lands at the same time as another (or as our own reply
    # arriving by webhook) never moves the first response later.
    if Post.objects.filter(pk=post.pk, first_response_at__isnull=True).update(first_response_at=answered_at):
        post.first_response_at = answered_at
    return message


def publish(*, channel: Channel, text: str, user=None) -> OutboxMessage:
    """
    Publish a post on the channel and record it.

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
    call: Callable[..., SendResult],
) -> OutboxMessage:
    fields = {"channel": channel, "action": action, "text": text, "in_reply_to": in_reply_to, "created_by": user}
    try:
        connector = CONNECTORS.get(channel.platform)
        if connector is None:
            raise SendError(_("Nothing can be sent to %(platform)s.") % {"platform": channel.platform})
        # What the platform can never do is refused in the sandbox too: the demo must
        # not promise what production cannot deliver.
        unsupported = getattr(connector, "PUBLISH_UNSUPPORTED", None)
        if action == OutboxMessage.Action.PUBLISH and unsupported:
            raise SendError(unsupported)
        if settings.SOCIAL_SANDBOX:
            message = OutboxMessage.objects.create(status=OutboxMessage.Status.SANDBOX, **fields)
            logger.info("sandbox: %s on %s recorded as outbox message %s, not sent", action, channel, message.pk)
            return message
        result = call(connector)
    except SendError as exc:
        message = OutboxMessage.objects.create(
            status=OutboxMessage.Status.FAILED, error=str(exc), response=exc.response, **fields
        )
        logger.warning("%s on %s failed (outbox message %s): %s", action, channel, message.pk, exc)
        raise
    return OutboxMessage.objects.create(
        status=OutboxMessage.Status.SENT,
        external_id=result.external_id[:128],
        response=result.response,
        sent_at=timezone.now(),
        **fields,
    )
