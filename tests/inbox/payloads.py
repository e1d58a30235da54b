"""Deliveries in the platforms' wire formats (../shared/PLATFORMS.md), signed as the platforms sign them."""

import hashlib
import hmac
import json
from datetime import UTC, datetime

from inbox.connectors import x

FACEBOOK_SECRET = "test_app_secret"
FACEBOOK_VERIFY_TOKEN = "test_verify_token"
X_SECRET = "test_consumer_secret"
X_OAUTH2_SECRET = "test_oauth2_client_secret"

PAGE_ID = "1234567890"
X_ACCOUNT_ID = "2244994945"


def facebook_signature(body: bytes, secret: str = FACEBOOK_SECRET) -> str:
    return "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


def facebook_body(*changes: dict, page_id: str = PAGE_ID, messaging: list | None = None) -> bytes:
    entry = {"id": page_id, "time": 1742667607, "changes": [{"field": "feed", "value": value} for value in changes]}
    if messaging is not None:
        entry["messaging"] = messaging
    return json.dumps({"object": "page", "entry": [entry]}).encode()


def fb_comment(
    comment_id: str,
    message: str = "Hei! Når åpner dere?",
    *,
    post: str = "111",
    parent: str | None = None,
    verb: str = "add",
    sender: tuple[str, str] | None = ("999", "Kari Nordmann"),
    created: int = 1742667604,
    page_id: str = PAGE_ID,
) -> dict:
    post_id = f"{page_id}_{post}"
    value = {
        "item": "comment",
        "verb": verb,
        "comment_id": f"{post}_{comment_id}",
        "post_id": post_id,
        "parent_id": parent or post_id,
        "created_time": created,
    }
    if sender is not None:
        value["from"] = {"id": sender[0], "name": sender[1]} if sender[1] else {"id": sender[0]}
    if verb != "remove":
        value["message"] = message
    return value


def x_signature(body: bytes, secret: str = X_SECRET) -> str:
    return x.sign(secret, body)


def x_body(**events) -> bytes:
    return json.dumps({"for_user_id": X_ACCOUNT_ID, **events}).encode()


def tweet(
    tweet_id: str,
    text: str = "@bedriften når kommer den nye modellen?",
    *,
    user: tuple[str, str, str] = ("555", "olanordmann", "Ola Nordmann"),
    in_reply_to: str | None = None,
    created: datetime = datetime(2026, 5, 13, 8, 0, tzinfo=UTC),
    lang: str = "no",
    full_text: str | None = None,
) -> dict:
    data = {
        "created_at": created.strftime("%a %b %d %H:%M:%S +0000 %Y"),
        "id": int(tweet_id),
        "id_str": tweet_id,
        "text": text,
        "truncated": full_text is not None,
        "in_reply_to_status_id_str": in_reply_to,
        "in_reply_to_user_id_str": X_ACCOUNT_ID if in_reply_to else None,
        "in_reply_to_screen_name": "bedriften" if in_reply_to else None,
        "user": {"id_str": user[0], "screen_name": user[1], "name": user[2]},
        "lang": lang,
        "entities": {"hashtags": [], "user_mentions": []},
    }
    if full_text is not None:
        data["extended_tweet"] = {"full_text": full_text}
    return data
