"""What every connector's parser returns: plain data, no ORM."""

import hashlib
import hmac
from dataclasses import dataclass, field
from datetime import UTC, datetime


class PayloadError(ValueError):
    """A delivery that is signed but cannot be understood; the message says what and where."""


@dataclass(frozen=True)
class AuthorData:
    external_id: str
    name: str = ""
    handle: str = ""


@dataclass(frozen=True)
class PostEvent:
    """
    One change to one post, as a platform told it.

    `action` is "upsert" (a new post, or an edit when `edited` is set) or "delete".
    """

    external_id: str
    action: str = "upsert"
    kind: str = "comment"
    text: str = ""
    author: AuthorData | None = None
    published_at: datetime | None = None
    edited: bool = False
    edited_at: datetime | None = None
    parent_external_id: str = ""
    thread_external_id: str = ""
    url: str = ""
    language: str = ""
    is_ours: bool = False
    raw: dict = field(default_factory=dict, compare=False)


@dataclass
class AccountBatch:
    """The events of one delivery that concern one account (a page, an X account, a channel)."""

    account_id: str
    events: list[PostEvent] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)


def hmac_sha256(secret: str, message: bytes) -> bytes:
    return hmac.new(secret.encode("utf-8"), message, hashlib.sha256).digest()


def signatures_match(expected: str, given: str) -> bool:
    """Constant-time comparison of two signature strings."""
    return hmac.compare_digest(expected.encode("ascii", "replace"), given.encode("ascii", "replace"))


def from_unix(seconds: float | int | str | None) -> datetime | None:
    if seconds in (None, ""):
        return None
    try:
        return datetime.fromtimestamp(float(seconds), tz=UTC)
    except (TypeError, ValueError, OverflowError) as exc:
        raise PayloadError(f"not a unix time: {seconds!r}") from exc


def from_unix_ms(milliseconds: float | int | str | None) -> datetime | None:
    if milliseconds in (None, ""):
        return None
    try:
        return from_unix(float(milliseconds) / 1000)
    except (TypeError, ValueError) as exc:
        raise PayloadError(f"not a unix time in milliseconds: {milliseconds!r}") from exc


def text_of(value) -> str:
    return value if isinstance(value, str) else ""


def id_of(value) -> str:
    """Platform ids as strings; numbers are accepted but never trusted to be exact past 2**53."""
    if isinstance(value, str):
        return value
    if isinstance(value, int) and not isinstance(value, bool):
        return str(value)
    return ""
