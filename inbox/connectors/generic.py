"""
The generic post format, for the REST API and CSV imports: sources that are not a
platform's webhook. One post:

    {"channel": 3, "external_id": "abc", "kind": "comment", "text": "...",
     "author": {"external_id": "42", "name": "Kari", "handle": "kari"},
     "published_at": "2026-05-13T10:00:00+02:00",
     "parent_external_id": "", "url": "", "language": ""}

`channel` is our channel's id; a delivery holds one post or a list of them.
"""

from datetime import datetime

from django.utils.dateparse import parse_datetime

from socialstrategy.links import is_web_link, web_link

from .base import AccountBatch, AuthorData, PayloadError, PostEvent, load_json, text_of

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
    if isinstance(channel, bool) or not isinstance(channel, int | str) or not str(channel).isdigit():
        raise PayloadError(f"{prefix}channel: expected the id of a channel (a number)")
    external_id = item.get("external_id")
    if isinstance(external_id, int) and not isinstance(external_id, bool):
        external_id = str(external_id)
    if not isinstance(external_id, str) or not external_id.strip() or len(external_id) > 128:
        raise PayloadError(f"{prefix}external_id: expected a non-empty string of at most 128 characters")
    kind = item.get("kind", "comment")
    if kind not in KINDS:
        raise PayloadError(f"{prefix}kind: expected one of {', '.join(KINDS)}, not {kind!r}")
    author = item.get("author")
    author_data = None
    if author is not None:
        if not isinstance(author, dict) or not text_of(str(author.get("external_id") or "")).strip():
            raise PayloadError(f"{prefix}author: expected an object with an external_id")
        author_data = AuthorData(
            external_id=_at_most(str(author["external_id"]).strip(), 128, f"{prefix}author.external_id"),
            name=_at_most(text_of(author.get("name")).strip(), 200, f"{prefix}author.name"),
            handle=_at_most(text_of(author.get("handle")).strip(), 200, f"{prefix}author.handle"),
        )
    url = _at_most(text_of(item.get("url")).strip(), 500, f"{prefix}url")
    return str(channel), PostEvent(
        external_id=external_id.strip(),
        kind=kind,
        text=text_of(item.get("text")),
        author=author_data,
        published_at=_datetime(item.get("published_at"), f"{prefix}published_at"),
        parent_external_id=_at_most(
            str(item.get("parent_external_id") or "").strip(), 128, f"{prefix}parent_external_id"
        ),
        url=web_link(url),
        refused_url="" if is_web_link(url) or not url else url,
        language=text_of(item.get("language")).strip()[:12],
        raw=item,
    )


def _datetime(value, where: str) -> datetime:
    if not isinstance(value, str) or not value:
        raise PayloadError(f"{where}: expected a date and time like 2026-05-13T10:00:00+02:00")
    parsed = parse_datetime(value)
    if parsed is None:
        raise PayloadError(f"{where}: {value!r} is not a date and time like 2026-05-13T10:00:00+02:00")
    if parsed.tzinfo is None:
        raise PayloadError(f"{where}: {value!r} has no time zone (add Z or +02:00)")
    return parsed


def _at_most(value: str, length: int, where: str) -> str:
    # The columns' sizes: say so here rather than fail in the database.
    if len(value) > length:
        raise PayloadError(f"{where}: at most {length} characters, not {len(value)}")
    return value
