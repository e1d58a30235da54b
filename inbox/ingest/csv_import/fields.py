"""The import's fields: what a column can map to, how a value is read, and a row made into a post."""

import hashlib
import logging
import re
from dataclasses import dataclass
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from django.conf import settings
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy

from ...connectors import generic
from ...connectors.base import PayloadError, PostEvent
from ...connectors.fields import too_long
from ...models import CsvImport
from .files import CsvRecord

logger = logging.getLogger(__name__)

MAX_UPLOAD_BYTES = 10 * 1024 * 1024
PREVIEW_ROWS = 20
# Progress is written every this many rows: often enough for a progress bar that
# polls every second, seldom enough not to slow the import down.
PROGRESS_EVERY = 50
# A file of nothing but bad rows must not grow the import's row without bound.
MAX_LISTED_REJECTIONS = 1000
# The task's hard time limit. An import still "running" after it cannot be alive
# (its worker was killed), so a redelivered task may take it over.
RUN_TIME_LIMIT = timedelta(seconds=settings.INBOX_CSV_IMPORT_TIME_LIMIT)

LOCAL_ZONE = ZoneInfo("Europe/Oslo")
CLAIMABLE = (CsvImport.Status.UPLOADED, CsvImport.Status.QUEUED)
FINISHED = (CsvImport.Status.DONE, CsvImport.Status.FAILED)


@dataclass(frozen=True)
class ImportField:
    """One field of ours that a column of the file can fill."""

    name: str
    label: Promise
    required: bool = False
    # Column names that mean this field, as `normalise_column` writes them.
    aliases: tuple[str, ...] = ()
    max_length: int | None = None


FIELDS = (
    ImportField(
        "external_id",
        gettext_lazy("Post id"),
        required=True,
        aliases=(
            "id",
            "external id",
            "post id",
            "postid",
            "comment id",
            "message id",
            "tweet id",
            "platform id",
            "innlegg id",
            "innleggs id",
            "melding id",
            "meldings id",
            "kommentar id",
            "ekstern id",
            "plattform id",
        ),
    ),
    ImportField(
        "text",
        gettext_lazy("Text"),
        required=True,
        aliases=("text", "tekst", "message", "melding", "body", "content", "innhold", "comment", "kommentar"),
    ),
    ImportField(
        "published_at",
        gettext_lazy("Published"),
        required=True,
        aliases=(
            "published at",
            "published",
            "published time",
            "date",
            "time",
            "datetime",
            "date time",
            "timestamp",
            "created at",
            "created time",
            "created",
            "publisert",
            "publiseringstidspunkt",
            "dato",
            "tidspunkt",
            "tid",
            "dato og tid",
            "opprettet",
        ),
    ),
    ImportField(
        "author_id",
        gettext_lazy("Author's id"),
        aliases=(
            "author id",
            "user id",
            "from id",
            "sender id",
            "profile id",
            "forfatter id",
            "bruker id",
            "avsender id",
            "profil id",
        ),
        max_length=128,
    ),
    ImportField(
        "author_name",
        gettext_lazy("Author's name"),
        aliases=(
            "author",
            "author name",
            "name",
            "full name",
            "from",
            "from name",
            "sender",
            "forfatter",
            "forfatternavn",
            "navn",
            "fullt navn",
            "fra",
            "avsender",
        ),
    ),
    ImportField(
        "author_handle",
        gettext_lazy("Author's handle"),
        aliases=("handle", "username", "user name", "screen name", "author handle", "brukernavn"),
    ),
    ImportField(
        "kind",
        gettext_lazy("Kind"),
        aliases=("kind", "type", "post type", "message type", "innleggstype", "meldingstype"),
    ),
    ImportField(
        "parent_external_id",
        gettext_lazy("In reply to (post id)"),
        aliases=(
            "parent id",
            "parent",
            "parent external id",
            "in reply to",
            "in reply to id",
            "reply to",
            "svar på",
            "svar til",
            "forelder id",
        ),
        max_length=128,
    ),
    ImportField("url", gettext_lazy("Link"), aliases=("url", "link", "permalink", "lenke", "adresse"), max_length=500),
    ImportField("language", gettext_lazy("Language"), aliases=("language", "lang", "språk", "sprak")),
)
FIELD_NAMES = tuple(f.name for f in FIELDS)
REQUIRED_FIELDS = tuple(f.name for f in FIELDS if f.required)

# The values a spreadsheet may use for the kind of post, in English and bokmål.
KIND_VALUES = {
    "post": "post",
    "publication": "post",
    "innlegg": "post",
    "comment": "comment",
    "kommentar": "comment",
    "reply": "reply",
    "svar": "reply",
    "mention": "mention",
    "omtale": "mention",
    "nevning": "mention",
    "direct message": "direct_message",
    "dm": "direct_message",
    "message": "direct_message",
    "direktemelding": "direct_message",
    "privat melding": "direct_message",
    "melding": "direct_message",
}

# 13.05.2026 10:00, 13.5.2026 kl. 10.00, 13.05.2026 10:00:30: Norwegian spreadsheets, local time.
LOCAL_DATETIME = re.compile(
    r"^(\d{1,2})\.(\d{1,2})\.(\d{4})(?:\s+|T)(?:kl\.?\s*)?(\d{1,2})[:.](\d{2})(?:[:.](\d{2}))?$", re.IGNORECASE
)
DATE_ONLY = re.compile(r"^(\d{1,2}\.\d{1,2}\.\d{4}|\d{4}-\d{2}-\d{2}|\d{8})$")
# Excel shows long numeric ids as 1,23457E+17 and saves them so: the id is lost.
EXCEL_ROUNDED_NUMBER = re.compile(r"^\d([.,]\d+)?E\+?\d+$", re.IGNORECASE)
ID_FIELDS = ("external_id", "author_id", "parent_external_id")


def normalise_column(name: str) -> str:
    """ "Post-ID", "post_id" and " Post ID " all become "post id"."""
    return re.sub(r"[\s_\-.:/]+", " ", name.casefold()).strip()


def guess_mapping(header: list[str]) -> dict[str, str]:
    """Our field -> the file's column, for the columns whose names we recognise (English and bokmål)."""
    by_name: dict[str, str] = {}
    for column in header:
        by_name.setdefault(normalise_column(column), column)
    mapping: dict[str, str] = {}
    used: set[str] = set()
    for import_field in FIELDS:
        for alias in import_field.aliases:
            column = by_name.get(alias)
            if column is not None and column not in used:
                mapping[import_field.name] = column
                used.add(column)
                break
    return mapping


def mapping_problems(mapping: dict[str, str], header: list[str]) -> list[tuple[str, dict]]:
    """
    What keeps a mapping from being used on a file with this header, as codes of
    files.MAPPING_PROBLEMS with their params; empty when it can run.
    """
    problems: list[tuple[str, dict]] = []
    for name, column in mapping.items():
        if name not in FIELD_NAMES:
            problems.append(("not_a_field", {"field": name}))
        elif column and column not in header:
            problems.append(("no_such_column", {"field": name, "column": column}))
    for name in REQUIRED_FIELDS:
        if not mapping.get(name):
            problems.append(("required", {"field": name}))
    return problems


# Rows into posts.


def parse_published_at(value: str) -> datetime:
    """ISO 8601, or 13.05.2026 10:00; a time without a zone is Europe/Oslo local time."""
    value = value.strip()
    example = "13.05.2026 10:00 or 2026-05-13T10:00:00+02:00"
    if not value:
        raise PayloadError(
            f"published_at: empty; expected a date and time like {example}", code="missing", field="published_at"
        )
    if DATE_ONLY.match(value):
        # A deadline counts from the time of day: midnight would be a guess.
        raise PayloadError(
            f"published_at: {value!r} has no time of day; expected a date and time like {example}",
            code="no_time_of_day",
            field="published_at",
            params={"value": value},
        )
    match = LOCAL_DATETIME.match(value)
    try:
        if match:
            day, month, year, hour, minute, second = (int(part or 0) for part in match.groups())
            parsed = datetime(year, month, day, hour, minute, second)  # noqa: DTZ001 - made aware just below
        else:
            parsed = parse_datetime(value)
    except ValueError as exc:
        raise PayloadError(
            f"published_at: {value!r} is not a valid date and time ({exc})",
            code="impossible_datetime",
            field="published_at",
            params={"value": value},
        ) from exc
    if parsed is None:
        raise PayloadError(
            f"published_at: {value!r} is not a date and time like {example}",
            code="not_a_datetime",
            field="published_at",
            params={"value": value},
        )
    if timezone.is_naive(parsed):
        # In a DST gap or fold, zoneinfo picks the offset in force before the change.
        parsed = parsed.replace(tzinfo=LOCAL_ZONE)
    return parsed


def derived_author_id(name: str) -> str:
    """A stable author id for a file that names authors but gives no ids: the same name, the same author."""
    key = " ".join(name.split()).casefold()
    return "name-" + hashlib.sha256(key.encode("utf-8")).hexdigest()[:24]


def row_event(
    record: CsvRecord, *, mapping: dict[str, str], channel_id: int, import_id: int | None = None
) -> PostEvent:
    """The row validated by the generic parser, as every API post is; PayloadError says which field is wrong."""
    item, date_error = _generic_item(record, mapping=mapping, channel_id=channel_id, import_id=import_id)
    _channel, event = generic.parse_post(item)
    # The id and the kind are reported before the date: a row without an id is the bigger news.
    if date_error is not None:
        raise date_error
    return event


def _generic_item(
    record: CsvRecord, *, mapping: dict[str, str], channel_id: int, import_id: int | None
) -> tuple[dict, PayloadError | None]:
    if record.problem is not None:
        raise record.problem
    if record.extra:
        raise PayloadError(
            f"row: {len(record.extra)} value(s) past the last column; is a value with the delimiter not quoted?",
            code="extra_values",
            params={"count": len(record.extra)},
        )
    values = {name: record.values.get(column, "").strip() for name, column in mapping.items() if column}
    for import_field in FIELDS:
        value = values.get(import_field.name, "")
        if import_field.max_length and len(value) > import_field.max_length:
            raise too_long(import_field.name, import_field.max_length, len(value))
        if import_field.name in ID_FIELDS and EXCEL_ROUNDED_NUMBER.match(value):
            raise PayloadError(
                f"{import_field.name}: {value!r} is a number the spreadsheet has rounded; format the column as text",
                code="rounded_number",
                field=import_field.name,
                params={"value": value},
            )
    date_error = None
    try:
        published_at = parse_published_at(values.get("published_at", "")).isoformat()
    except PayloadError as exc:
        # A stand-in, so that the fields after the date are checked too.
        date_error, published_at = exc, "2000-01-01T00:00:00+00:00"
    item: dict = {
        "channel": channel_id,
        "external_id": values.get("external_id", ""),
        "text": values.get("text", ""),
        "published_at": published_at,
        "parent_external_id": values.get("parent_external_id", ""),
        "url": values.get("url", ""),
        "language": values.get("language", ""),
        # Where the post came from, kept in Post.raw.
        "source": "csv",
        "csv_line": record.line,
    }
    if import_id is not None:
        item["csv_import"] = import_id
    kind = values.get("kind", "")
    if kind:
        item["kind"] = KIND_VALUES.get(normalise_column(kind), kind)
    author_id = values.get("author_id") or (
        derived_author_id(values["author_name"]) if values.get("author_name") else ""
    )
    if author_id:
        item["author"] = {
            "external_id": author_id,
            "name": values.get("author_name", ""),
            "handle": values.get("author_handle", ""),
        }
    return item, date_error
