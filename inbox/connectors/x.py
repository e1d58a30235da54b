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
    hmac_sha256,
    id_of,
    load_json,
    post_json,
    require_token,
    signatures_match,
)
from .fields import (
    MAX_LANGUAGE_LENGTH,
    get_flag,
    get_id,
    get_list,
    get_name,
    get_object,
    get_text,
    get_unix_time,
    refuse,
    sane_time,
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
    batch = AccountBatch(account_id=get_id(payload, "for_user_id", "", required=True))
    for index, tweet in enumerate(get_list(payload, "tweet_create_events", "")):
        _parse_tweet(batch, tweet, f"tweet_create_events[{index}]")
    users = get_object(payload, "users", "")
    for index, message in enumerate(get_list(payload, "direct_message_events", "")):
        _parse_direct_message(batch, message, users, f"direct_message_events[{index}]")
    for index, deletion in enumerate(get_list(payload, "tweet_delete_events", "")):
        where = f"tweet_delete_events[{index}]"
        if not isinstance(deletion, dict):
            raise refuse(where, "an object with a status", deletion)
        status = get_object(deletion, "status", where, required=True)
        external_id = get_id(status, "id", f"{where}.status", required=True)
        batch.events.append(PostEvent(external_id=external_id, action="delete", raw=deletion))
    for name in ("favorite_events", "follow_events", "block_events", "mute_events", "tweet_read_events"):
        if payload.get(name):
            batch.skipped.append(f"{name}: not posts")
    return [batch]


def _parse_tweet(batch: AccountBatch, tweet, where: str) -> None:
    if not isinstance(tweet, dict):
        raise refuse(where, "a tweet", tweet)
    tweet_id = get_id(tweet, "id_str", where, required=True)
    if tweet.get("retweeted_status") is not None:
        get_object(tweet, "retweeted_status", where)
        batch.skipped.append(f"{where}: a retweet, not a conversation")
        return
    user = get_object(tweet, "user", where)
    author = AuthorData(
        external_id=get_id(user, "id_str", f"{where}.user"),
        name=get_name(user, "name", f"{where}.user"),
        handle=get_name(user, "screen_name", f"{where}.user"),
    )
    text = get_text(tweet, "text", where)
    extended = get_object(tweet, "extended_tweet", where)
    if get_flag(tweet, "truncated", where) and extended.get("full_text"):
        text = get_text(extended, "full_text", f"{where}.extended_tweet")
    parent_id = get_id(tweet, "in_reply_to_status_id_str", where)
    is_ours = bool(author.external_id) and author.external_id == batch.account_id
    batch.events.append(
        PostEvent(
            external_id=tweet_id,
            kind="reply" if parent_id else ("post" if is_ours else "mention"),
            text=text,
            author=author if author.external_id else None,
            published_at=_created_at(tweet.get("created_at"), f"{where}.created_at"),
            parent_external_id=parent_id,
            url=f"https://x.com/{_handle_in_link(author.handle)}/status/{quote(tweet_id, safe='')}",
            language=_language(get_text(tweet, "lang", where)),
            is_ours=is_ours,
            raw=tweet,
        )
    )


def _parse_direct_message(batch: AccountBatch, event, users: dict, where: str) -> None:
    if not isinstance(event, dict):
        raise refuse(where, "a message with an id", event)
    message_id = get_id(event, "id", where, required=True)
    if event.get("type") != "message_create":
        batch.skipped.append(f"{where}: type {event.get('type')!r} is not a message")
        return
    create = get_object(event, "message_create", where)
    sender_id = get_id(create, "sender_id", f"{where}.message_create")
    sender = get_object(users, sender_id, "users") if sender_id else {}
    data = get_object(create, "message_data", f"{where}.message_create")
    batch.events.append(
        PostEvent(
            external_id=message_id,
            kind="direct_message",
            text=get_text(data, "text", f"{where}.message_create.message_data"),
            author=AuthorData(
                sender_id,
                get_name(sender, "name", f"users.{sender_id}"),
                get_name(sender, "screen_name", f"users.{sender_id}"),
            )
            if sender_id
            else None,
            published_at=get_unix_time(event, "created_timestamp", where, milliseconds=True),
            is_ours=sender_id == batch.account_id,
            raw=event,
        )
    )


def _created_at(value, where: str) -> datetime | None:
    if value is None or value == "":
        return None
    try:
        moment = datetime.strptime(value, CREATED_AT_FORMAT)  # noqa: DTZ007 - the format ends in %z
    except (TypeError, ValueError) as exc:
        raise PayloadError(f"{where}: {value!r} is not a time like 'Wed Oct 10 20:19:24 +0000 2018'") from exc
    return sane_time(moment, where)


# X's screen names; x.com/i/status/<id> opens any tweet when the name is not one.
SCREEN_NAME = re.compile(r"[A-Za-z0-9_]{1,50}")


def _handle_in_link(handle: str) -> str:
    return handle if SCREEN_NAME.fullmatch(handle) else "i"


def _language(code: str) -> str:
    # X says "und" when it cannot tell; a code longer than a language tag is not one.
    return code if code not in ("und", "") and len(code) <= MAX_LANGUAGE_LENGTH else ""


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
