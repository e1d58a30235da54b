"""
Facebook Page webhooks (Graph API): feed changes and Messenger messages; and
replying (comments, Messenger) and publishing on the Page through the Graph API.

Formats: ../shared/PLATFORMS.md. A POST may batch many entries (pages) and changes.
"""

from typing import TYPE_CHECKING
from urllib.parse import quote

from django.conf import settings
from django.utils.translation import gettext_lazy as _

from .base import (
    AccountBatch,
    AuthorData,
    PayloadError,
    PostEvent,
    SendError,
    SendResult,
    hmac_sha256,
    id_of,
    load_json,
    post_json,
    require_token,
    signatures_match,
)
from .fields import get_flag, get_id, get_list, get_name, get_object, get_text, get_unix_time, refuse

if TYPE_CHECKING:
    from inbox.models import Post
    from strategy.models import Channel

SIGNATURE_HEADER = "X-Hub-Signature-256"
# Feed items that carry something someone wrote; reactions, likes and shares do not.
CONTENT_ITEMS = {"comment", "post", "status", "photo", "video"}


def verify_signature(app_secret: str, body: bytes, header: str | None) -> bool:
    """`X-Hub-Signature-256: sha256=<hex HMAC-SHA256(app secret, raw body)>`, compared in constant time."""
    if not app_secret or not header or not header.startswith("sha256="):
        return False
    expected = "sha256=" + hmac_sha256(app_secret, body).hex()
    return signatures_match(expected, header.strip())


def verify_subscription(params, verify_token: str) -> str | None:
    """The GET handshake: the challenge to echo back, or None when the request is not ours."""
    if not verify_token or params.get("hub.mode") != "subscribe":
        return None
    if not signatures_match(verify_token, params.get("hub.verify_token", "")):
        return None
    return params.get("hub.challenge", "")


def parse(body: bytes) -> list[AccountBatch]:
    payload = load_json(body)
    if not isinstance(payload, dict) or payload.get("object") != "page":
        raise PayloadError('expected {"object": "page", "entry": [...]}')
    if not isinstance(payload.get("entry"), list):
        raise refuse("entry", "a list", payload.get("entry"))
    batches = []
    for index, entry in enumerate(payload["entry"]):
        where = f"entry[{index}]"
        if not isinstance(entry, dict):
            raise refuse(where, "an object with an id", entry)
        batch = AccountBatch(account_id=get_id(entry, "id", where, required=True))
        for position, change in enumerate(get_list(entry, "changes", where)):
            _parse_change(batch, change, f"{where}.changes[{position}]")
        for position, message in enumerate(get_list(entry, "messaging", where)):
            _parse_message(batch, message, f"{where}.messaging[{position}]")
        batches.append(batch)
    return batches


def _parse_change(batch: AccountBatch, change, where: str) -> None:
    if not isinstance(change, dict):
        raise refuse(where, "an object with a value", change)
    value = get_object(change, "value", where, required=True)
    if change.get("field") != "feed":
        batch.skipped.append(f"{where}: field {change.get('field')!r} is not handled")
        return
    where = f"{where}.value"
    item, verb = value.get("item"), value.get("verb")
    if not isinstance(item, str) or item not in CONTENT_ITEMS:
        batch.skipped.append(f"{where}: {item!r} is not a post or comment")
        return
    post_id = get_id(value, "post_id", where)
    if item == "comment":
        external_id = get_id(value, "comment_id", where, required=True)
        parent_id = get_id(value, "parent_id", where) or post_id
        kind = "comment" if parent_id == post_id else "reply"
    else:
        external_id = get_id(value, "post_id", where, required=True)
        parent_id = ""
        kind = "post"
    sender = get_object(value, "from", where)
    author = AuthorData(
        external_id=get_id(sender, "id", f"{where}.from"), name=get_name(sender, "name", f"{where}.from")
    )
    if verb == "remove":
        batch.events.append(PostEvent(external_id=external_id, action="delete", kind=kind, raw=value))
        return
    if verb not in ("add", "edited"):
        batch.skipped.append(f"{where}: verb {verb!r} on a {item} is not handled")
        return
    batch.events.append(
        PostEvent(
            external_id=external_id,
            kind=kind,
            text=get_text(value, "message", where),
            author=author if author.external_id else None,
            published_at=get_unix_time(value, "created_time", where),
            edited=verb == "edited",
            parent_external_id=parent_id if item == "comment" else "",
            thread_external_id=post_id if item == "comment" else "",
            url=_permalink(post_id, external_id if item == "comment" else ""),
            is_ours=bool(author.external_id) and author.external_id == batch.account_id,
            raw=value,
        )
    )


def _parse_message(batch: AccountBatch, event, where: str) -> None:
    if not isinstance(event, dict):
        raise refuse(where, "an object", event)
    if event.get("message") is None:
        batch.skipped.append(f"{where}: not a message (delivery, read or postback event)")
        return
    message = get_object(event, "message", where, required=True)
    mid = get_id(message, "mid", f"{where}.message", required=True)
    sender = get_id(get_object(event, "sender", where), "id", f"{where}.sender")
    # A string "false" is refused, not taken for true: an echo is our own message.
    is_echo = get_flag(message, "is_echo", f"{where}.message")
    batch.events.append(
        PostEvent(
            external_id=mid,
            kind="direct_message",
            text=get_text(message, "text", f"{where}.message"),
            author=AuthorData(external_id=sender) if sender else None,
            published_at=get_unix_time(event, "timestamp", where, milliseconds=True),
            is_ours=is_echo or sender == batch.account_id,
            raw=event,
        )
    )


def _permalink(post_id: str, comment_id: str) -> str:
    if not post_id:
        return ""
    url = f"https://www.facebook.com/{post_id}"
    if comment_id:
        url += f"?comment_id={comment_id.split('_')[-1]}"
    return url


def send_reply(post: "Post", text: str) -> SendResult:
    """A comment on the post or comment; a Messenger message back to whoever wrote a direct message."""
    token = require_token("FACEBOOK_PAGE_ACCESS_TOKEN")
    if post.kind == "direct_message":
        recipient = post.author.external_id if post.author_id else ""
        if not recipient:
            raise SendError(_("This message has no known sender to answer."))
        answer = post_json(
            "Facebook",
            _graph_url("me/messages"),
            token=token,
            # RESPONSE: an answer to the person's message, inside Messenger's 24-hour window.
            body={"recipient": {"id": recipient}, "messaging_type": "RESPONSE", "message": {"text": text}},
        )
        return SendResult(external_id=id_of(answer.get("message_id")), response=answer)
    answer = post_json(
        "Facebook", _graph_url(f"{quote(post.external_id, safe='')}/comments"), token=token, body={"message": text}
    )
    return SendResult(external_id=id_of(answer.get("id")), response=answer)


def publish(channel: "Channel", text: str) -> SendResult:
    """A post on the Page's feed."""
    if not channel.external_id:
        raise SendError(_("The channel has no Facebook page id."))
    token = require_token("FACEBOOK_PAGE_ACCESS_TOKEN")
    answer = post_json(
        "Facebook", _graph_url(f"{quote(channel.external_id, safe='')}/feed"), token=token, body={"message": text}
    )
    return SendResult(external_id=id_of(answer.get("id")), response=answer)


def _graph_url(path: str) -> str:
    return f"{settings.FACEBOOK_GRAPH_BASE_URL.rstrip('/')}/{settings.FACEBOOK_GRAPH_API_VERSION}/{path}"
