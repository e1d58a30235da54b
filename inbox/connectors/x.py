"""
X (Twitter) Account Activity webhooks: tweets (replies and mentions), direct
messages and deletions, in the v1.1 format; and replying, direct messages and
publishing through the v2 API. Formats: ../shared/PLATFORMS.md.
"""

import base64
import json
import re
from datetime import datetime
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
    from_unix_ms,
    hmac_sha256,
    id_of,
    load_json,
    post_json,
    require_token,
    signatures_match,
    text_of,
)

if TYPE_CHECKING:
    from inbox.models import Post
    from strategy.models import Channel

SIGNATURE_HEADERS = ("X-Twitter-Webhooks-Signature", "X-Twitter-Webhooks-Signature-OAuth2")
CREATED_AT_FORMAT = "%a %b %d %H:%M:%S %z %Y"


def sign(secret: str, message: bytes) -> str:
    return "sha256=" + base64.b64encode(hmac_sha256(secret, message)).decode("ascii")


# The CRC check signs a text the caller chooses with the same secret as the deliveries:
# only a token of the shape the platform sends is signed (short, of the URL-safe and
# base64 alphabets, and not JSON), so that no delivery body can ever be signed through it.
CRC_TOKEN = re.compile(r"[A-Za-z0-9._~+/=-]{8,256}")


def is_crc_token(token: str) -> bool:
    """True for a token of the platform's shape; never for a text a delivery could be."""
    if not CRC_TOKEN.fullmatch(token):
        return False
    try:
        json.loads(token)
    except ValueError:
        return True
    return False  # a JSON number (or the like): a body the webhook would store


def crc_response(consumer_secret: str, crc_token: str) -> dict:
    """The answer to the CRC check: proves we hold the consumer secret. ValueError for a token of another shape."""
    if not is_crc_token(crc_token):
        raise ValueError("not a CRC token")
    return {"response_token": sign(consumer_secret, crc_token.encode("utf-8"))}


def verify_signature(secrets: list[str], body: bytes, headers) -> bool:
    """Either header, signed with the consumer secret or the OAuth 2.0 client secret, will do."""
    given = [headers.get(name) for name in SIGNATURE_HEADERS]
    given = [value.strip() for value in given if value]
    for secret in secrets:
        if not secret:
            continue
        expected = sign(secret, body)
        if any(signatures_match(expected, value) for value in given):
            return True
    return False


def parse(body: bytes) -> list[AccountBatch]:
    payload = load_json(body)
    if not isinstance(payload, dict) or not id_of(payload.get("for_user_id")):
        raise PayloadError('expected {"for_user_id": "...", ...}')
    batch = AccountBatch(account_id=id_of(payload["for_user_id"]))
    for index, tweet in enumerate(_list(payload, "tweet_create_events")):
        _parse_tweet(batch, tweet, f"tweet_create_events[{index}]")
    users = payload.get("users") if isinstance(payload.get("users"), dict) else {}
    for index, message in enumerate(_list(payload, "direct_message_events")):
        _parse_direct_message(batch, message, users, f"direct_message_events[{index}]")
    for index, deletion in enumerate(_list(payload, "tweet_delete_events")):
        status = deletion.get("status") if isinstance(deletion, dict) else None
        if not isinstance(status, dict) or not id_of(status.get("id")):
            raise PayloadError(f"tweet_delete_events[{index}]: expected a status with an id")
        batch.events.append(PostEvent(external_id=id_of(status["id"]), action="delete", raw=deletion))
    for name in ("favorite_events", "follow_events", "block_events", "mute_events", "tweet_read_events"):
        if payload.get(name):
            batch.skipped.append(f"{name}: not posts")
    return [batch]


def _list(payload: dict, name: str) -> list:
    value = payload.get(name) or []
    if not isinstance(value, list):
        raise PayloadError(f"{name}: expected a list")
    return value


def _parse_tweet(batch: AccountBatch, tweet, where: str) -> None:
    if not isinstance(tweet, dict) or not id_of(tweet.get("id_str")):
        raise PayloadError(f"{where}: expected a tweet with id_str")
    if isinstance(tweet.get("retweeted_status"), dict):
        batch.skipped.append(f"{where}: a retweet, not a conversation")
        return
    user = tweet.get("user") if isinstance(tweet.get("user"), dict) else {}
    author = AuthorData(
        external_id=id_of(user.get("id_str")),
        name=text_of(user.get("name")),
        handle=text_of(user.get("screen_name")),
    )
    text = text_of(tweet.get("text"))
    extended = tweet.get("extended_tweet")
    if tweet.get("truncated") and isinstance(extended, dict) and extended.get("full_text"):
        text = text_of(extended["full_text"])
    parent_id = id_of(tweet.get("in_reply_to_status_id_str"))
    is_ours = bool(author.external_id) and author.external_id == batch.account_id
    tweet_id = id_of(tweet["id_str"])
    batch.events.append(
        PostEvent(
            external_id=tweet_id,
            kind="reply" if parent_id else ("post" if is_ours else "mention"),
            text=text,
            author=author if author.external_id else None,
            published_at=_created_at(tweet.get("created_at"), where),
            parent_external_id=parent_id,
            url=f"https://x.com/{author.handle or 'i'}/status/{tweet_id}",
            language=_language(tweet.get("lang")),
            is_ours=is_ours,
            raw=tweet,
        )
    )


def _parse_direct_message(batch: AccountBatch, event, users: dict, where: str) -> None:
    if not isinstance(event, dict) or not id_of(event.get("id")):
        raise PayloadError(f"{where}: expected a message with an id")
    if event.get("type") != "message_create":
        batch.skipped.append(f"{where}: type {event.get('type')!r} is not a message")
        return
    create = event.get("message_create") if isinstance(event.get("message_create"), dict) else {}
    sender_id = id_of(create.get("sender_id"))
    sender = users.get(sender_id) if isinstance(users.get(sender_id), dict) else {}
    data = create.get("message_data") if isinstance(create.get("message_data"), dict) else {}
    batch.events.append(
        PostEvent(
            external_id=id_of(event["id"]),
            kind="direct_message",
            text=text_of(data.get("text")),
            author=AuthorData(sender_id, text_of(sender.get("name")), text_of(sender.get("screen_name")))
            if sender_id
            else None,
            published_at=from_unix_ms(event.get("created_timestamp")),
            is_ours=sender_id == batch.account_id,
            raw=event,
        )
    )


def _created_at(value, where: str) -> datetime | None:
    if not value:
        return None
    try:
        return datetime.strptime(value, CREATED_AT_FORMAT)  # noqa: DTZ007 - the format ends in %z
    except (TypeError, ValueError) as exc:
        raise PayloadError(f"{where}: created_at {value!r} is not like 'Wed Oct 10 20:19:24 +0000 2018'") from exc


def _language(code) -> str:
    # X says "und" when it cannot tell.
    return code if isinstance(code, str) and code not in ("und", "") else ""


def send_reply(post: "Post", text: str) -> SendResult:
    """A reply tweet; a direct message back to whoever wrote a direct message."""
    token = require_token("X_USER_ACCESS_TOKEN")
    if post.kind == "direct_message":
        participant = post.author.external_id if post.author_id else ""
        if not participant:
            raise SendError(_("This message has no known sender to answer."))
        answer = post_json(
            "X",
            _api_url(f"2/dm_conversations/with/{quote(participant, safe='')}/messages"),
            token=token,
            body={"text": text},
        )
        return SendResult(external_id=id_of(_data(answer).get("dm_event_id")), response=answer)
    answer = post_json(
        "X", _api_url("2/tweets"), token=token, body={"text": text, "reply": {"in_reply_to_tweet_id": post.external_id}}
    )
    return SendResult(external_id=id_of(_data(answer).get("id")), response=answer)


def publish(channel: "Channel", text: str) -> SendResult:
    """A tweet from the account the user token belongs to."""
    answer = post_json("X", _api_url("2/tweets"), token=require_token("X_USER_ACCESS_TOKEN"), body={"text": text})
    return SendResult(external_id=id_of(_data(answer).get("id")), response=answer)


def _api_url(path: str) -> str:
    return f"{settings.X_API_BASE_URL.rstrip('/')}/{path}"


def _data(answer: dict) -> dict:
    return answer["data"] if isinstance(answer.get("data"), dict) else {}
