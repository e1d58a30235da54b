"""
What every connector's parser returns, plain data with no ORM; and what its senders
(`send_reply`, `publish`) return or raise, with the one HTTP call they all make.
"""

import hashlib
import hmac
import json
import re
from dataclasses import dataclass, field
from datetime import datetime

import requests
from django.conf import settings
from django.utils.translation import gettext_lazy as _


class PayloadError(ValueError):
    """
    A delivery that is signed but cannot be understood; the message says what and
    where, in English (for the delivery's log and the API). `code`, `field` and
    `params` say the same as data, so that a page can say it in its reader's language.
    """

    def __init__(self, message: str, *, code: str = "invalid", field: str = "", params: dict | None = None):
        super().__init__(message)
        self.code = code
        self.field = field
        self.params = params or {}


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
    # A URL the source gave that is not an http or https link: kept as text, never a link.
    refused_url: str = ""
    language: str = ""
    is_ours: bool = False
    raw: dict = field(default_factory=dict, compare=False)


@dataclass
class AccountBatch:
    """The events of one delivery that concern one account (a page, an X account, a channel)."""

    account_id: str
    events: list[PostEvent] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)


# JSON from outside is parsed with a depth limit: Python's parser recurses, and a body
# nested thousands deep would end in a RecursionError instead of a reason.
MAX_JSON_DEPTH = 64
_JSON_STRING = re.compile(r'"[^"\\]*(?:\\.[^"\\]*)*"', re.DOTALL)
_BRACKET = re.compile(r"[\[\]{}]")
_LONE_SURROGATE = re.compile(r"[\ud800-\udfff]")


def load_json(body: bytes | str, *, max_depth: int = MAX_JSON_DEPTH):
    """
    Parse JSON from outside: PayloadError (with the reason) for a body that is not
    UTF-8, not JSON, or nested deeper than `max_depth`. Strings come back safe to store:
    NUL characters dropped, lone surrogates replaced by U+FFFD (PostgreSQL takes neither).
    """
    try:
        text = body.decode("utf-8") if isinstance(body, bytes | bytearray | memoryview) else body
    except UnicodeDecodeError as exc:
        raise PayloadError(f"not JSON: not UTF-8 ({exc.reason} at byte {exc.start})") from exc
    depth = deepest = 0
    for bracket in _BRACKET.findall(_JSON_STRING.sub('""', text)):
        depth += 1 if bracket in "[{" else -1
        if depth > deepest:
            deepest = depth
            if deepest > max_depth:
                raise PayloadError(f"not accepted: JSON nested deeper than {max_depth} levels")
    try:
        return _safe(json.loads(text))
    except json.JSONDecodeError as exc:
        raise PayloadError(f"not JSON: {exc}") from exc
    except RecursionError as exc:
        raise PayloadError(f"not accepted: JSON nested deeper than {max_depth} levels") from exc


def _safe(value):
    if isinstance(value, str):
        if "\x00" in value:
            value = value.replace("\x00", "")
        return _LONE_SURROGATE.sub("\ufffd", value) if _LONE_SURROGATE.search(value) else value
    if isinstance(value, list):
        return [_safe(item) for item in value]
    if isinstance(value, dict):
        return {_safe(key): _safe(item) for key, item in value.items()}
    return value


def hmac_sha256(secret: str, message: bytes) -> bytes:
    return hmac.new(secret.encode("utf-8"), message, hashlib.sha256).digest()


def signatures_match(expected: str, given: str) -> bool:
    """Constant-time comparison of two signature strings."""
    return hmac.compare_digest(expected.encode("ascii", "replace"), given.encode("ascii", "replace"))


def text_of(value) -> str:
    return value if isinstance(value, str) else ""


def id_of(value) -> str:
    """Platform ids as strings; numbers are accepted but never trusted to be exact past 2**53."""
    if isinstance(value, str):
        return value
    if isinstance(value, int) and not isinstance(value, bool):
        return str(value)
    return ""


# Sending. Seconds to wait for a connection and for the answer: a platform that
# takes longer is down for our purposes, and a person is waiting for the outcome.
CONNECT_TIMEOUT = 5
READ_TIMEOUT = 15


class SendError(Exception):
    """A reply or publication that did not go out; the message carries the platform's own words."""

    def __init__(self, message: str, *, status_code: int | None = None, response: dict | None = None):
        super().__init__(message)
        self.status_code = status_code
        self.response = response or {}


class SendUnknown(SendError):
    """The platform may have published it: the request went out and no answer came back in time."""


@dataclass(frozen=True)
class SendResult:
    """What the platform made of a reply or publication: its id there, and its whole answer."""

    external_id: str
    response: dict = field(default_factory=dict, compare=False)


def require_token(setting_name: str) -> str:
    """The access token in the named setting, or SendError naming the setting (never the token)."""
    token = getattr(settings, setting_name, "")
    if not token:
        raise SendError(_("%(setting)s is not set: nothing can be sent.") % {"setting": setting_name})
    return token


def post_json(platform: str, url: str, *, token: str, body: dict, params: dict | None = None) -> dict:
    """
    POST a JSON body with the token as a Bearer header and return the JSON answer.

    The token travels only in the header, so no URL, error or log line carries it.
    Any failure (no connection, no answer in time, an error status, an answer that is
    not JSON) becomes a SendError with the platform's own message and the status code.
    """
    try:
        response = requests.post(
            url,
            json=body,
            params=params,
            headers={"Authorization": f"Bearer {token}", "Accept": "application/json"},
            timeout=(CONNECT_TIMEOUT, READ_TIMEOUT),
        )
    except requests.ConnectTimeout as exc:
        raise SendError(_("%(platform)s could not be reached in time.") % {"platform": platform}) from exc
    except requests.Timeout as exc:
        # The request was sent: the platform may have acted on it before the time ran out.
        raise SendUnknown(
            _("%(platform)s did not answer in time; the reply may have been published.") % {"platform": platform}
        ) from exc
    except requests.RequestException as exc:
        raise SendError(
            _("Could not reach %(platform)s (%(reason)s).") % {"platform": platform, "reason": type(exc).__name__}
        ) from exc
    try:
        answer = response.json()
    except ValueError:
        answer = None
    if not isinstance(answer, dict):
        answer = {}
    if response.status_code >= 400:
        message = platform_error_message(answer) or response.reason or ""
        raise SendError(
            _("%(platform)s answered %(status)s: %(message)s")
            % {"platform": platform, "status": response.status_code, "message": message},
            status_code=response.status_code,
            response=answer,
        )
    if not answer:
        raise SendError(
            _("%(platform)s answered %(status)s without the expected JSON.")
            % {"platform": platform, "status": response.status_code},
            status_code=response.status_code,
        )
    return answer


def platform_error_message(answer: dict) -> str:
    """
    The platform's own explanation in an error body: Graph's and Google's
    `error.message`, X's problem details (`detail`, else `title`) or `errors[0]`.
    """
    error = answer.get("error")
    if isinstance(error, dict) and text_of(error.get("message")):
        return error["message"]
    if text_of(error):
        return error
    for key in ("detail", "title"):
        if text_of(answer.get(key)):
            return answer[key]
    errors = answer.get("errors")
    if isinstance(errors, list) and errors and isinstance(errors[0], dict):
        return text_of(errors[0].get("message")) or text_of(errors[0].get("detail"))
    return ""
