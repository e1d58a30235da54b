"""An import's life: the upload stored, the preview, the run in a task with its progress, the rows it rejected."""

from collections.abc import Callable
from dataclasses import dataclass
from itertools import islice

from django.db import transaction
from django.db.models import Q
from django.utils import timezone, translation

from socialstrategy.queueing import enqueue_on_commit
from strategy.models import Channel

from ...connectors.base import PayloadError, PostEvent
from ...models import CsvImport, Post, WebhookDelivery
from .. import events, tasks
from . import reasons
from .fields import (
    CLAIMABLE,
    FIELD_NAMES,
    MAX_LISTED_REJECTIONS,
    PREVIEW_ROWS,
    PROGRESS_EVERY,
    RUN_TIME_LIMIT,
    guess_mapping,
    mapping_problems,
    row_event,
)
from .files import CsvFileError, CsvRecord, describe_failure, read_table, table_of

# The preview.


@dataclass(frozen=True)
class PreviewRow:
    line: int
    values: dict[str, str]  # our field -> the value in the file
    outcome: str  # "ok", "duplicate" or "rejected"
    rejection: dict | None = None  # reasons.rejection(): why, as data
    duplicate_of_line: int | None = None

    @property
    def reason(self) -> str:
        """Why the row would be rejected, in the active language."""
        return reasons.describe(self.rejection) if self.rejection else ""


def preview(csv_import: CsvImport, mapping: dict[str, str], *, limit: int = PREVIEW_ROWS) -> list[PreviewRow]:
    """The first rows and what importing them would do: ok, duplicate (of a post or an earlier row), or why rejected."""
    table = table_of(csv_import)
    mapping = {name: column for name, column in mapping.items() if name in FIELD_NAMES and column in table.header}
    checked: list[tuple[CsvRecord, PostEvent | None, dict | None]] = []
    for record in islice(table.records(), limit):
        try:
            checked.append((record, row_event(record, mapping=mapping, channel_id=csv_import.channel_id), None))
        except PayloadError as exc:
            checked.append((record, None, reasons.rejection(record.line, exc)))
    ids = {event.external_id for _record, event, _reason in checked if event is not None}
    existing = set(
        Post.objects.filter(channel_id=csv_import.channel_id, external_id__in=ids).values_list("external_id", flat=True)
    )
    rows, first_line_of = [], {}
    for record, event, rejection in checked:
        shown = {name: record.values.get(column, "") for name, column in mapping.items()}
        if event is None:
            rows.append(PreviewRow(record.line, shown, "rejected", rejection))
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
        _fail(csv_import, exc.code, **exc.params)
        return csv_import
    csv_import.mapping = guess_mapping(table.header)
    csv_import.save(update_fields=["mapping", "total_rows"])
    return csv_import


def save_draft_mapping(*, import_id: int, mapping: dict[str, str]) -> bool:
    """
    Keep the mapping being chosen on the mapping page, for the page to show again
    (with its preview) after a redirect and on every reload until the import starts.
    False when the import has been started meanwhile: its mapping is no longer a draft.
    """
    return bool(
        CsvImport.objects.filter(pk=import_id, status__in=(CsvImport.Status.UPLOADED, CsvImport.Status.FAILED)).update(
            draft_mapping={name: column for name, column in mapping.items() if column}
        )
    )


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
        draft_mapping={},
        status=CsvImport.Status.QUEUED,
        error="",
        error_code="",
        error_params={},
        finished_at=None,
    )
    if not queued:
        return False

    def refused() -> None:
        # Nothing sweeps queued imports: say so on the import, where it can be started again.
        with translation.override("en"):
            error = describe_failure("not_queued", {})
        CsvImport.objects.filter(pk=import_id, status=CsvImport.Status.QUEUED).update(
            status=CsvImport.Status.FAILED,
            error=error,
            error_code="not_queued",
            error_params={},
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
        error_code="",
        error_params={},
    )
    if not claimed:
        return None
    csv_import = CsvImport.objects.select_related("channel").get(pk=import_id)
    try:
        table = table_of(csv_import, delimiter=delimiter)
        csv_import.total_rows = table.count()
    except CsvFileError as exc:
        return _fail(csv_import, exc.code, **exc.params)
    problems = mapping_problems(csv_import.mapping, table.header)
    if problems:
        return _fail(csv_import, "mapping_mismatch", problems=[list(problem) for problem in problems])
    channel = events.find_channel(WebhookDelivery.Source.CSV, str(csv_import.channel_id))
    if channel is None:
        return _fail(csv_import, "channel_inactive", channel=str(csv_import.channel))
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
        return _fail(csv_import, exc.code, **exc.params)
    except Exception as exc:
        # Batches saved so far stay imported (running again skips them as duplicates).
        _fail(csv_import, "stopped", line=line, error=_describe(exc))
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
            csv_import.errors.append(reasons.rejection(record.line, exc))
        return
    if events.ingest_event(channel=channel, event=event) == "created":
        csv_import.imported += 1
    else:
        # The post is in the inbox already, from an earlier row, import or delivery.
        csv_import.duplicates += 1


def _save_progress(csv_import: CsvImport) -> None:
    csv_import.save(update_fields=["processed_rows", "imported", "duplicates", "errors"])


def _fail(csv_import: CsvImport, code: str, **params) -> CsvImport:
    """Failed as a whole, with the reason as a code and params (files.FAILURES), and in English."""
    csv_import.status = CsvImport.Status.FAILED
    csv_import.error_code = code
    csv_import.error_params = params
    with translation.override("en"):
        csv_import.error = describe_failure(code, params)
    csv_import.finished_at = timezone.now()
    csv_import.save(update_fields=["status", "error", "error_code", "error_params", "finished_at", "total_rows"])
    return csv_import


def failure(csv_import: CsvImport) -> str:
    """Why the import failed, in the active language."""
    return describe_failure(csv_import.error_code, csv_import.error_params) or csv_import.error


def _describe(exc: Exception) -> str:
    message = str(exc)
    return f"{type(exc).__name__}: {message}" if message else type(exc).__name__


def rejected_count(csv_import: CsvImport) -> int:
    """All rows skipped, including those past MAX_LISTED_REJECTIONS that are not listed."""
    return max(csv_import.processed_rows - csv_import.imported - csv_import.duplicates, 0)
