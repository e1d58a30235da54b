"""
CSV imports: posts from a platform export or a spreadsheet, into the inbox.

The file is stored as uploaded (`CsvImport.content`); everything here reads it
again from there, so that a preview, a run and a re-run all see the same bytes.
Each row becomes one post of the generic format (`connectors.generic`) and goes
through `events.ingest_event`, like every other source: a row whose post is
already in the inbox is counted as a duplicate, never created twice.

Rejected rows are recorded as {"line": 7, "reason": "published_at: ..."}, where
the line is the file's (the header is line 1) and the reason names our field and
says what is wrong, in the words of the generic parser.
"""

import codecs
import csv
import hashlib
import io
import logging
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from itertools import islice
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from socialstrategy.queueing import enqueue_on_commit
from strategy.models import Channel

from ..connectors import generic
from ..connectors.base import PayloadError, PostEvent
from ..models import CsvImport, Post, WebhookDelivery
from . import events, tasks

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
RUN_SOFT_TIME_LIMIT = RUN_TIME_LIMIT - timedelta(seconds=120)

DELIMITERS = (",", ";", "\t")
LOCAL_ZONE = ZoneInfo("Europe/Oslo")
CLAIMABLE = (CsvImport.Status.UPLOADED, CsvImport.Status.QUEUED)
FINISHED = (CsvImport.Status.DONE, CsvImport.Status.FAILED)


class CsvFileError(ValueError):
    """The file cannot be read as a table at all; the message says why, for the person who uploaded it."""


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
        max_length=200,
    ),
    ImportField(
        "author_handle",
        gettext_lazy("Author's handle"),
        aliases=("handle", "username", "user name", "screen name", "author handle", "brukernavn"),
        max_length=200,
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


# Reading the file.


@dataclass(frozen=True)
class CsvRecord:
    """One data row: the file line it starts on, and its values by column name."""

    line: int
    values: dict[str, str]
    # Values past the header's last column; a row with any is rejected.
    extra: tuple[str, ...] = ()


@dataclass
class CsvTable:
    """A decoded CSV file: its header and a way to walk its rows with their line numbers."""

    header: list[str]
    encoding: str
    delimiter: str
    text: str = field(repr=False)
    header_line: int = 1
    # How many rows with values come before the data: the header, and a "sep=;" line above it.
    _skip_records: int = field(default=1, repr=False)

    def records(self) -> Iterator[CsvRecord]:
        """The data rows, skipping blank ones; CsvFileError if the file breaks off in a way csv cannot read."""
        reader = csv.reader(io.StringIO(self.text, newline=""), delimiter=self.delimiter)
        width = len(self.header)
        skipped = 0
        while True:
            # A quoted value may span lines: the record starts on the line after the last one read.
            line = reader.line_num + 1
            try:
                row = next(reader)
            except StopIteration:
                return
            except csv.Error as exc:
                raise CsvFileError(
                    _("Line %(line)s cannot be read: %(reason)s") % {"line": line, "reason": exc}
                ) from exc
            if not any(value.strip() for value in row):
                continue
            if skipped < self._skip_records:
                skipped += 1
                continue
            values = dict(zip(self.header, row + [""] * (width - len(row)), strict=False))
            extra = tuple(value for value in row[width:] if value.strip())
            yield CsvRecord(line=line, values=values, extra=extra)

    def count(self) -> int:
        return sum(1 for _record in self.records())


def decode(content: bytes) -> tuple[str, str]:
    """The file's text and the encoding it was in: UTF-8 (with or without BOM), UTF-16 with BOM, else Windows-1252."""
    if not content.strip():
        raise CsvFileError(_("The file is empty."))
    if content.startswith((b"PK\x03\x04", b"\xd0\xcf\x11\xe0")):
        raise CsvFileError(_("This is a spreadsheet workbook, not a CSV file: save it as CSV first (File, Save as)."))
    if content.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        # Excel's "Unicode text" export.
        try:
            text, encoding = content.decode("utf-16"), "utf-16"
        except UnicodeDecodeError as exc:
            raise CsvFileError(_("The file says it is UTF-16 but is not.")) from exc
    elif b"\x00" in content:
        raise CsvFileError(_("The file contains binary data; it is not a CSV file."))
    else:
        try:
            text, encoding = content.decode("utf-8-sig"), "utf-8"
        except UnicodeDecodeError:
            # Not UTF-8: Norwegian Excel on Windows saves "CSV" in Windows-1252. Latin-1
            # decodes any byte, for the few that Windows-1252 leaves undefined.
            try:
                text, encoding = content.decode("cp1252"), "cp1252"
            except UnicodeDecodeError:
                text, encoding = content.decode("latin-1"), "latin-1"
    if "\x00" in text:
        raise CsvFileError(_("The file contains binary data; it is not a CSV file."))
    return text, encoding


def sniff_delimiter(text: str) -> str:
    """
    Comma, semicolon or tab: the one that gives the header most columns while the
    rows below have as many. Norwegian Excel writes semicolons, and the texts of the
    posts are full of commas, so counting characters alone would guess wrong.
    """
    sample = text[: 64 * 1024]
    best, best_score = ",", (-1, 0)
    for delimiter in DELIMITERS:
        rows = [row for row in islice(csv.reader(io.StringIO(sample, newline=""), delimiter=delimiter), 40) if row]
        if not rows or len(rows[0]) < 2:
            continue
        width = len(rows[0])
        body = rows[1:21]
        score = (sum(len(row) == width for row in body), width)
        if score > best_score:
            best, best_score = delimiter, score
    return best


def read_table(content: bytes, *, delimiter: str | None = None) -> CsvTable:
    """Decode the stored file and read its header; CsvFileError when it cannot be read as a table."""
    text, encoding = decode(content)
    lines_before = 0
    # Excel writes and understands a first line "sep=;" that names the delimiter.
    first_line, _newline, rest = text.partition("\n")
    hint = re.fullmatch(r'"?sep=(.)"?\s*', first_line)
    if hint:
        delimiter = delimiter or hint.group(1)
        text_for_header, lines_before = rest, 1
    else:
        text_for_header = text
    delimiter = delimiter or sniff_delimiter(text_for_header)
    reader = csv.reader(io.StringIO(text_for_header, newline=""), delimiter=delimiter)
    try:
        header = next((row for row in reader if any(value.strip() for value in row)), None)
    except csv.Error as exc:
        raise CsvFileError(_("The header cannot be read: %(reason)s") % {"reason": exc}) from exc
    if header is None:
        raise CsvFileError(_("The file has no header row."))
    header_line = lines_before + reader.line_num
    return CsvTable(
        header=_unique_columns(header),
        encoding=encoding,
        delimiter=delimiter,
        text=text,
        header_line=header_line,
        _skip_records=1 + (1 if hint else 0),
    )


def _unique_columns(header: list[str]) -> list[str]:
    """Column names as shown, made unique: the mapping refers to columns by name."""
    columns: list[str] = []
    for index, name in enumerate(header, start=1):
        # Not translated: the mapping saved in one language must fit the file read in another.
        name = name.strip() or f"#{index}"
        candidate, copy = name, 2
        while candidate in columns:
            candidate, copy = f"{name} ({copy})", copy + 1
        columns.append(candidate)
    return columns


def table_of(csv_import: CsvImport, *, delimiter: str | None = None) -> CsvTable:
    return read_table(bytes(csv_import.content), delimiter=delimiter)


# Mapping columns to our fields.


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


def mapping_problems(mapping: dict[str, str], header: list[str]) -> list[str]:
    """What keeps a mapping from being used on a file with this header; empty when it can run."""
    problems = []
    for name, column in mapping.items():
        if name not in FIELD_NAMES:
            problems.append(_("%(field)s is not a field of ours") % {"field": name})
        elif column and column not in header:
            problems.append(_("%(field)s: the file has no column %(column)r") % {"field": name, "column": column})
    for name in REQUIRED_FIELDS:
        if not mapping.get(name):
            problems.append(_("%(field)s: no column chosen, and it is required") % {"field": name})
    return problems


# Rows into posts.


def parse_published_at(value: str) -> datetime:
    """ISO 8601, or 13.05.2026 10:00; a time without a zone is Europe/Oslo local time."""
    value = value.strip()
    example = "13.05.2026 10:00 or 2026-05-13T10:00:00+02:00"
    if not value:
        raise PayloadError(f"published_at: empty; expected a date and time like {example}")
    if DATE_ONLY.match(value):
        # A deadline counts from the time of day: midnight would be a guess.
        raise PayloadError(f"published_at: {value!r} has no time of day; expected a date and time like {example}")
    match = LOCAL_DATETIME.match(value)
    try:
        if match:
            day, month, year, hour, minute, second = (int(part or 0) for part in match.groups())
            parsed = datetime(year, month, day, hour, minute, second)  # noqa: DTZ001 - made aware just below
        else:
            parsed = parse_datetime(value)
    except ValueError as exc:
        raise PayloadError(f"published_at: {value!r} is not a valid date and time ({exc})") from exc
    if parsed is None:
        raise PayloadError(f"published_at: {value!r} is not a date and time like {example}")
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
    if record.extra:
        raise PayloadError(
            f"row: {len(record.extra)} value(s) past the last column; is a value with the delimiter not quoted?"
        )
    values = {name: record.values.get(column, "").strip() for name, column in mapping.items() if column}
    for import_field in FIELDS:
        value = values.get(import_field.name, "")
        if import_field.max_length and len(value) > import_field.max_length:
            raise PayloadError(f"{import_field.name}: longer than {import_field.max_length} characters")
        if import_field.name in ID_FIELDS and EXCEL_ROUNDED_NUMBER.match(value):
            raise PayloadError(
                f"{import_field.name}: {value!r} is a number the spreadsheet has rounded; format the column as text"
            )
    date_error = None
    try:
        published_at = parse_published_at(values.get("published_at", "")).isoformat()
    except PayloadError as exc:
        date_error, published_at = exc, "1970-01-01T00:00:00+00:00"
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


# The preview.


@dataclass(frozen=True)
class PreviewRow:
    line: int
    values: dict[str, str]  # our field -> the value in the file
    outcome: str  # "ok", "duplicate" or "rejected"
    reason: str = ""
    duplicate_of_line: int | None = None


def preview(csv_import: CsvImport, mapping: dict[str, str], *, limit: int = PREVIEW_ROWS) -> list[PreviewRow]:
    """The first rows and what importing them would do: ok, duplicate (of a post or an earlier row), or why rejected."""
    table = table_of(csv_import)
    mapping = {name: column for name, column in mapping.items() if name in FIELD_NAMES and column in table.header}
    checked: list[tuple[CsvRecord, PostEvent | None, str]] = []
    for record in islice(table.records(), limit):
        try:
            checked.append((record, row_event(record, mapping=mapping, channel_id=csv_import.channel_id), ""))
        except PayloadError as exc:
            checked.append((record, None, str(exc)))
    ids = {event.external_id for _record, event, _reason in checked if event is not None}
    existing = set(
        Post.objects.filter(channel_id=csv_import.channel_id, external_id__in=ids).values_list("external_id", flat=True)
    )
    rows, first_line_of = [], {}
    for record, event, reason in checked:
        shown = {name: record.values.get(column, "") for name, column in mapping.items()}
        if event is None:
            rows.append(PreviewRow(record.line, shown, "rejected", reason))
        elif event.external_id in existing:
            rows.append(PreviewRow(record.line, shown, "duplicate"))
        elif event.external_id in first_line_of:
            rows.append(PreviewRow(record.line, shown, "duplicate", duplicate_of_line=first_line_of[event.external_id]))
        else:
            first_line_of[event.external_id] = record.line
            rows.append(PreviewRow(record.line, shown, "ok"))
    return rows


# Storing, starting and running.


def store_upload(
    *, channel: Channel, file_name: str, content: bytes, uploaded_by=None, delimiter: str | None = None
) -> CsvImport:
    """
    Store the file as uploaded, then read its header: guess the mapping and count
    the rows. A file that cannot be read is kept, marked failed with the reason.
    """
    csv_import = CsvImport.objects.create(
        channel=channel, uploaded_by=uploaded_by, file_name=file_name[:255], content=content
    )
    try:
        table = read_table(content, delimiter=delimiter)
        csv_import.total_rows = table.count()
    except CsvFileError as exc:
        _fail(csv_import, str(exc))
        return csv_import
    csv_import.mapping = guess_mapping(table.header)
    csv_import.save(update_fields=["mapping", "total_rows"])
    return csv_import


def start_import(*, import_id: int, mapping: dict[str, str]) -> bool:
    """
    Save the mapping and queue the import, sent to a worker once the transaction
    commits. False when it is already queued, running or done. A failed import may
    be started again: the posts it did import are recognised as duplicates.
    """
    queued = CsvImport.objects.filter(
        pk=import_id, status__in=(CsvImport.Status.UPLOADED, CsvImport.Status.FAILED)
    ).update(
        mapping={name: column for name, column in mapping.items() if column},
        status=CsvImport.Status.QUEUED,
        error="",
        finished_at=None,
    )
    if not queued:
        return False

    def refused() -> None:
        # Nothing sweeps queued imports: say so on the import, where it can be started again.
        CsvImport.objects.filter(pk=import_id, status=CsvImport.Status.QUEUED).update(
            status=CsvImport.Status.FAILED,
            error=_("The import could not be sent to the task queue. Try again in a while."),
            finished_at=timezone.now(),
        )

    enqueue_on_commit(tasks.import_csv_task, import_id, on_failure=refused)
    return True


def run_import(
    *,
    import_id: int,
    progress: Callable[[int, int], None] | None = None,
    delimiter: str | None = None,
) -> CsvImport | None:
    """
    Import the rows of a stored file into its channel; returns the import, or None
    when it is not this run's to do (already running or finished).

    Good rows go through `events.ingest_event`; bad rows are skipped and listed
    with their line and reason. Progress is saved every PROGRESS_EVERY rows, with the
    posts of those rows in the same transaction, so that the counts always match what
    is in the inbox; `progress(processed_rows, total_rows)` is called after each save.
    """
    now = timezone.now()
    claimed = CsvImport.objects.filter(
        Q(status__in=CLAIMABLE) | Q(status=CsvImport.Status.RUNNING, started_at__lt=now - RUN_TIME_LIMIT),
        pk=import_id,
    ).update(
        status=CsvImport.Status.RUNNING,
        started_at=now,
        finished_at=None,
        processed_rows=0,
        imported=0,
        duplicates=0,
        errors=[],
        error="",
    )
    if not claimed:
        return None
    csv_import = CsvImport.objects.select_related("channel").get(pk=import_id)
    try:
        table = table_of(csv_import, delimiter=delimiter)
        csv_import.total_rows = table.count()
    except CsvFileError as exc:
        return _fail(csv_import, str(exc))
    problems = mapping_problems(csv_import.mapping, table.header)
    if problems:
        return _fail(csv_import, _("The column mapping does not fit the file: %s") % "; ".join(problems))
    channel = events.find_channel(WebhookDelivery.Source.CSV, str(csv_import.channel_id))
    if channel is None:
        return _fail(csv_import, _("The channel %(channel)s is not active.") % {"channel": csv_import.channel})
    csv_import.save(update_fields=["total_rows"])
    if progress:
        progress(0, csv_import.total_rows)

    line = table.header_line
    try:
        records = table.records()
        while batch := list(islice(records, PROGRESS_EVERY)):
            with transaction.atomic():
                for record in batch:
                    line = record.line
                    _import_row(csv_import, channel, record)
                _save_progress(csv_import)
            if progress:
                progress(csv_import.processed_rows, csv_import.total_rows)
    except CsvFileError as exc:
        return _fail(csv_import, str(exc))
    except Exception as exc:
        # Batches saved so far stay imported (running again skips them as duplicates).
        _fail(csv_import, _("The import stopped at line %(line)s: %(error)s") % {"line": line, "error": _describe(exc)})
        raise
    csv_import.status = CsvImport.Status.DONE
    csv_import.finished_at = timezone.now()
    csv_import.save(update_fields=["status", "finished_at"])
    return csv_import


def _import_row(csv_import: CsvImport, channel: Channel, record: CsvRecord) -> None:
    csv_import.processed_rows += 1
    try:
        event = row_event(record, mapping=csv_import.mapping, channel_id=channel.pk, import_id=csv_import.pk)
    except PayloadError as exc:
        if len(csv_import.errors) < MAX_LISTED_REJECTIONS:
            csv_import.errors.append({"line": record.line, "reason": str(exc)})
        return
    if events.ingest_event(channel=channel, event=event) == "created":
        csv_import.imported += 1
    else:
        # The post is in the inbox already, from an earlier row, import or delivery.
        csv_import.duplicates += 1


def _save_progress(csv_import: CsvImport) -> None:
    csv_import.save(update_fields=["processed_rows", "imported", "duplicates", "errors"])


def _fail(csv_import: CsvImport, error: str) -> CsvImport:
    csv_import.status = CsvImport.Status.FAILED
    csv_import.error = error
    csv_import.finished_at = timezone.now()
    csv_import.save(update_fields=["status", "error", "finished_at", "total_rows"])
    return csv_import


def _describe(exc: Exception) -> str:
    message = str(exc)
    return f"{type(exc).__name__}: {message}" if message else type(exc).__name__


def rejected_count(csv_import: CsvImport) -> int:
    """All rows skipped, including those past MAX_LISTED_REJECTIONS that are not listed."""
    return max(csv_import.processed_rows - csv_import.imported - csv_import.duplicates, 0)
