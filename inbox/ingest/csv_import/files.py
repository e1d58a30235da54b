"""Reading an uploaded file: its encoding, its delimiter, and its rows with the line each starts on."""

import codecs
import csv
import io
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from itertools import islice

from django.utils.translation import gettext_lazy

from ...connectors.base import PayloadError
from ...models import CsvImport

DELIMITERS = (",", ";", "\t")


# Why a file or a run failed as a whole; stored as a code and params with the import
# and said in the language of whoever reads it (`describe_failure`).
FAILURES = {
    "empty": gettext_lazy("The file is empty."),
    "workbook": gettext_lazy("This is a spreadsheet workbook, not a CSV file: save it as CSV first (File, Save as)."),
    "not_utf16": gettext_lazy("The file says it is UTF-16 but is not."),
    "binary": gettext_lazy("The file contains binary data; it is not a CSV file."),
    "header_unreadable": gettext_lazy("The header cannot be read: %(reason)s"),
    "no_header": gettext_lazy("The file has no header row."),
    "line_unreadable": gettext_lazy("Line %(line)s cannot be read: %(reason)s"),
    "mapping_mismatch": gettext_lazy("The column mapping does not fit the file: %(problems)s"),
    "channel_inactive": gettext_lazy("The channel %(channel)s is not active."),
    "stopped": gettext_lazy("The import stopped at line %(line)s: %(error)s"),
    "not_queued": gettext_lazy("The import could not be sent to the task queue. Try again in a while."),
}
# What keeps a mapping from being used on a file (`fields.mapping_problems`).
MAPPING_PROBLEMS = {
    "not_a_field": gettext_lazy("%(field)s is not a field of ours"),
    "no_such_column": gettext_lazy("%(field)s: the file has no column %(column)r"),
    "required": gettext_lazy("%(field)s: no column chosen, and it is required"),
}


def describe_failure(code: str, params: dict) -> str:
    """A failure in the active language; "" for a code it does not know."""
    template = FAILURES.get(code)
    if template is None:
        return ""
    params = dict(params)
    if code == "mapping_mismatch":
        params["problems"] = "; ".join(
            str(MAPPING_PROBLEMS[problem]) % values for problem, values in params.get("problems", [])
        )
    try:
        return str(template) % params if params else str(template)
    except (KeyError, TypeError, ValueError):
        return ""


class CsvFileError(ValueError):
    """
    The file cannot be read as a table at all. `code` and `params` say why (FAILURES);
    str() says it in the active language, for the person who uploaded it.
    """

    def __init__(self, code: str, **params):
        super().__init__(code)
        self.code = code
        self.params = params

    def __str__(self) -> str:
        return describe_failure(self.code, self.params) or self.code


# Reading the file.


# A field as long as the largest file we take: a very long text is one row to judge,
# not a file that cannot be read (csv's own limit is 131,072 characters). Global to csv.
FIELD_SIZE_LIMIT = 16 * 1024 * 1024
csv.field_size_limit(max(csv.field_size_limit(), FIELD_SIZE_LIMIT))


@dataclass(frozen=True)
class CsvRecord:
    """One data row: the file line it starts on, and its values by column name."""

    line: int
    values: dict[str, str]
    # Values past the header's last column; a row with any is rejected.
    extra: tuple[str, ...] = ()
    # Why the row could not be read as a row (a quote left open); it is rejected with this.
    problem: PayloadError | None = None


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
        """
        The data rows, skipping blank ones, each with the line it starts on.

        A quote that is opened and never closed, or closed only inside a later row,
        would make one value of every line after it. Such a row is given as rejected
        (its `problem` says where the quote opens and closes), and reading goes on at
        the line after the one it starts on, so that no row after it is lost.
        """
        lines = io.StringIO(self.text, newline="").readlines()
        width = len(self.header)
        skipped = 0
        start = 0  # the index in `lines` where the reader starts
        while start < len(lines):
            # From `start` on without copying the list: a file of many open quotes stays linear.
            reader = csv.reader((lines[index] for index in range(start, len(lines))), delimiter=self.delimiter)
            restart = None
            while True:
                first = start + reader.line_num + 1  # the file's line number, 1-based
                try:
                    row = next(reader)
                except StopIteration:
                    break
                except csv.Error as exc:
                    raise CsvFileError("line_unreadable", line=first, reason=str(exc)) from exc
                last = start + reader.line_num
                if self._quote_left_open(lines, first, last, row, width):
                    never_closed = last >= len(lines) and self._open_at_end(lines[first - 1 : last])
                    yield CsvRecord(line=first, values={}, problem=_open_quote(first, last, never_closed))
                    restart = first  # the index of the line after `first`
                    break
                if not any(value.strip() for value in row):
                    continue
                if skipped < self._skip_records:
                    skipped += 1
                    continue
                values = dict(zip(self.header, row + [""] * (width - len(row)), strict=False))
                extra = tuple(value for value in row[width:] if value.strip())
                yield CsvRecord(line=first, values=values, extra=extra)
            if restart is None:
                return
            start = restart

    def _quote_left_open(self, lines: list[str], first: int, last: int, row: list[str], width: int) -> bool:
        """
        Whether the row read from line `first` to `last` (1-based) is a quote left open.

        A row read over several lines is a quoted value with line breaks in it, unless
        the quote never closes, or closes where it cannot (a quote followed by text,
        as when it is the opening quote of a later row's value), or the row has more
        values than the header. A row that lacks its last value is one too when the
        line after its first begins a whole row: the quote closed where a later row's
        value opened. A row on one line has a quote left open only on the file's last
        line, where a closing quote mends it.
        """
        segment = lines[first - 1 : last]
        if len(segment) == 1:
            return last >= len(lines) and self._open_at_end(segment)
        if len(row) > width or not self._strictly_read(segment):
            return True
        if len(row) < width or not row[-1].strip():
            # At most a few lines ahead: a whole row, or not.
            ahead = csv.reader(
                (lines[index] for index in range(first, min(first + 20, len(lines)))), delimiter=self.delimiter
            )
            following = next(ahead, [])
            return len(following) == width and bool(following[-1].strip())
        return False

    def _open_at_end(self, segment: list[str]) -> bool:
        """The lines end inside a quoted value: a closing quote would mend them."""
        closed = [*segment[:-1], segment[-1].rstrip("\r\n") + '"']
        return not self._strictly_read(segment) and self._strictly_read(closed)

    def _strictly_read(self, segment: list[str]) -> bool:
        try:
            for _row in csv.reader(iter(segment), delimiter=self.delimiter, strict=True):
                pass
        except csv.Error:
            return False
        return True

    def count(self) -> int:
        return sum(1 for _record in self.records())


def _open_quote(first: int, last: int, never_closed: bool) -> PayloadError:
    if never_closed:
        return PayloadError(
            f"row: a quote opened on line {first} is never closed; reading went on at line {first + 1}",
            code="unclosed_quote",
            params={"next_line": first + 1},
        )
    return PayloadError(
        f"row: a quote opened on line {first} closes only on line {last}; reading went on at line {first + 1}",
        code="quote_closes_later",
        params={"end_line": last, "next_line": first + 1},
    )


def decode(content: bytes) -> tuple[str, str]:
    """The file's text and the encoding it was in: UTF-8 (with or without BOM), UTF-16 with BOM, else Windows-1252."""
    if not content.strip():
        raise CsvFileError("empty")
    if content.startswith((b"PK\x03\x04", b"\xd0\xcf\x11\xe0")):
        raise CsvFileError("workbook")
    if content.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        # Excel's "Unicode text" export.
        try:
            text, encoding = content.decode("utf-16"), "utf-16"
        except UnicodeDecodeError as exc:
            raise CsvFileError("not_utf16") from exc
    elif b"\x00" in content:
        raise CsvFileError("binary")
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
        raise CsvFileError("binary")
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
        raise CsvFileError("header_unreadable", reason=str(exc)) from exc
    if header is None:
        raise CsvFileError("no_header")
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
