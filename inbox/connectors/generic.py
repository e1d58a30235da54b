"""
The generic post format, for the REST API and CSV imports: sources that are not a
platform's webhook. One post:

    {"channel": 3, "external_id": "abc", "kind": "comment", "text": "...",
     "author": {"external_id": "42", "name": "Kari", "handle": "kari"},
     "published_at": "2026-05-13T10:00:00+02:00",
     "parent_external_id": "", "url": "", "language": ""}

`channel` is our channel's id; a delivery holds one post or a list of them.
"""

import re
from datetime import datetime

from django.utils.dateparse import parse_datetime

from socialstrategy.links import is_web_link, web_link

from .base import AccountBatch, AuthorData, PayloadError, PostEvent, load_json
from .fields import (
    MAX_ID_LENGTH,
    MAX_LANGUAGE_LENGTH,
    MAX_URL_LENGTH,
    get_id,
    get_name,
    get_object,
    get_text,
    refuse,
    sane_time,
    too_long,
)

# Our channels' ids: ASCII digits, small enough for the database's integer.
CHANNEL_ID = re.compile(r"[0-9]{1,9}")
KINDS = ("post", "comment", "reply", "mention", "direct_message")


def parse(body: bytes) -> list[AccountBatch]:
    payload = load_json(body)
    items = payload if isinstance(payload, list) else [payload]
    batches: dict[str, AccountBatch] = {}
    for index, item in enumerate(items):
        where = f"[{index}]" if isinstance(payload, list) else ""
        channel_id, event = parse_post(item, where)
        batches.setdefault(channel_id, AccountBatch(account_id=channel_id)).events.append(event)
    return list(batches.values())


def parse_post(item, where: str = "") -> tuple[str, PostEvent]:
    """Validate one post of the generic format: (channel id, event), or PayloadError naming the field."""
    prefix = f"{where}." if where else ""
    if not isinstance(item, dict):
        raise PayloadError(f"{where or 'body'}: expected an object")
    channel = item.get("channel")
    if isinstance(channel, bool) or not isinstance(channel, int | str) or not CHANNEL_ID.fullmatch(str(channel)):
        raise PayloadError(
            f"{prefix}channel: expected the id of a channel (a number)", code="wrong_type", field=f"{prefix}channel"
        )
    external_id = get_id(item, "external_id", where).strip()
    if not external_id:
        raise PayloadError(
            f"{prefix}external_id: expected a non-empty string of at most {MAX_ID_LENGTH} characters",
            code="missing",
            field=f"{prefix}external_id",
        )
    kind = item.get("kind", "comment")
    if not isinstance(kind, str) or kind not in KINDS:
        raise PayloadError(
            f"{prefix}kind: expected one of {', '.join(KINDS)}, not {kind!r}",
            code="not_one_of",
            field=f"{prefix}kind",
            params={"value": str(kind), "choices": list(KINDS)},
        )
    author_data = None
    if item.get("author") is not None:
        author = get_object(item, "author", where)
        author_id = get_id(author, "external_id", f"{prefix}author").strip()
        if not author_id:
            raise PayloadError(
                f"{prefix}author: expected an object with an external_id",
                code="missing",
                field=f"{prefix}author.external_id",
            )
        author_data = AuthorData(
            external_id=author_id,
            name=get_name(author, "name", f"{prefix}author"),
            handle=get_name(author, "handle", f"{prefix}author"),
        )
    url = _at_most(get_text(item, "url", where).strip(), MAX_URL_LENGTH, f"{prefix}url")
    language = get_text(item, "language", where).strip()
    return str(channel), PostEvent(
        external_id=external_id,
        kind=kind,
        text=get_text(item, "text", where),
        author=author_data,
        published_at=_datetime(item.get("published_at"), f"{prefix}published_at"),
        parent_external_id=get_id(item, "parent_external_id", where).strip(),
        url=web_link(url),
        refused_url="" if is_web_link(url) or not url else url,
        # A code longer than a language tag is not one: the language is then unknown.
        language=language if len(language) <= MAX_LANGUAGE_LENGTH else "",
        raw=item,
    )


EXAMPLE_TIME = "2026-05-13T10:00:00+02:00"


def _datetime(value, where: str) -> datetime:
    if value is None or value == "":
        raise PayloadError(
            f"{where}: missing; expected a date and time like {EXAMPLE_TIME}", code="missing", field=where
        )
    if not isinstance(value, str):
        raise refuse(where, f"a date and time like {EXAMPLE_TIME}", value)
    try:
        parsed = parse_datetime(value)
    except ValueError:  # well formed but impossible, like month 13
        parsed = None
    if parsed is None:
        raise PayloadError(
            f"{where}: {value!r} is not a date and time like {EXAMPLE_TIME}",
            code="not_a_datetime",
            field=where,
            params={"value": value},
        )
    if parsed.tzinfo is None:
        raise PayloadError(
            f"{where}: {value!r} has no time zone (add Z or +02:00)",
            code="no_time_zone",
            field=where,
            params={"value": value},
        )
    return sane_time(parsed, where)


def _at_most(value: str, length: int, where: str) -> str:
    # The columns' sizes: say so here rather than fail in the database.
    if len(value) > length:
        raise too_long(where, length, len(value))
    return value
