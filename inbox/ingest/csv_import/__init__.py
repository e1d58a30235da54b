"""
CSV imports: posts from a platform export or a spreadsheet, into the inbox.

The file is stored as uploaded (`CsvImport.content`); everything here reads it
again from there, so that a preview, a run and a re-run all see the same bytes.
Each row becomes one post of the generic format (`connectors.generic`) and goes
through `events.ingest_event`, like every other source: a row whose post is
already in the inbox is counted as a duplicate, never created twice.

Rejected rows are recorded as data (`reasons.rejection`): the file's line (the
header is line 1), a code, our field and the values that say what is wrong, and the
generic parser's English words; `reasons.describe` says it in the reader's language.
"""

from .fields import (
    FIELD_NAMES,
    FIELDS,
    FINISHED,
    MAX_UPLOAD_BYTES,
    PREVIEW_ROWS,
    RUN_TIME_LIMIT,
    guess_mapping,
    mapping_problems,
    parse_published_at,
    row_event,
)
from .files import DELIMITERS, CsvFileError, CsvRecord, read_table, table_of
from .reasons import describe as describe_rejection
from .runs import (
    PreviewRow,
    failure,
    preview,
    rejected_count,
    run_import,
    save_draft_mapping,
    start_import,
    store_upload,
)

__all__ = [
    "DELIMITERS",
    "FIELDS",
    "FIELD_NAMES",
    "FINISHED",
    "MAX_UPLOAD_BYTES",
    "PREVIEW_ROWS",
    "RUN_TIME_LIMIT",
    "CsvFileError",
    "CsvRecord",
    "PreviewRow",
    "describe_rejection",
    "failure",
    "guess_mapping",
    "mapping_problems",
    "parse_published_at",
    "preview",
    "read_table",
    "rejected_count",
    "row_event",
    "run_import",
    "save_draft_mapping",
    "start_import",
    "store_upload",
    "table_of",
]
