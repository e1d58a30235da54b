"""
The reports' exports: a table (a header and rows of plain values) as CSV or as an
Excel workbook. CSV streams row by row, in UTF-8 with a byte-order mark (so that
Excel reads the letters æ, ø and å right); the workbook is written in XlsxWriter's
constant-memory mode, so a long list of posts costs a row's memory at a time.
"""

import csv
import io
import tempfile
from collections.abc import Iterable, Iterator
from datetime import date, datetime

import xlsxwriter

from .metrics import OSLO

FORMATS = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}
# A cell a spreadsheet would read as a formula is written with a leading apostrophe.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def _plain(value):
    """A value as a cell holds it: times in Oslo time without a zone, None empty."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.astimezone(OSLO).replace(tzinfo=None)
    return value


def _safe_text(value):
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


class _Echo:
    def write(self, value: str) -> str:
        return value


def csv_lines(header: list[str], rows: Iterable[list]) -> Iterator[str]:
    """The table as CSV lines, the first with a byte-order mark."""
    writer = csv.writer(_Echo())
    yield "\ufeff" + writer.writerow([str(name) for name in header])
    for row in rows:
        cells = []
        for value in row:
            value = _plain(value)
            if isinstance(value, datetime):
                value = value.strftime("%Y-%m-%d %H:%M:%S")
            elif isinstance(value, date):
                value = value.isoformat()
            cells.append(_safe_text(value))
        yield writer.writerow(cells)


def workbook(title: str, header: list[str], rows: Iterable[list]) -> bytes:
    """The table as an .xlsx workbook of one sheet, with the header frozen."""
    with tempfile.TemporaryDirectory() as scratch:
        output = io.BytesIO()
        book = xlsxwriter.Workbook(
            output, {"constant_memory": True, "tmpdir": scratch, "strings_to_formulas": False, "in_memory": False}
        )
        sheet = book.add_worksheet(title[:31] or "Sheet")
        bold = book.add_format({"bold": True})
        when = book.add_format({"num_format": "yyyy-mm-dd hh:mm"})
        day = book.add_format({"num_format": "yyyy-mm-dd"})
        for column, name in enumerate(header):
            sheet.write_string(0, column, str(name), bold)
        sheet.freeze_panes(1, 0)
        for line, row in enumerate(rows, start=1):
            for column, value in enumerate(row):
                value = _plain(value)
                if value == "":
                    continue
                if isinstance(value, datetime):
                    sheet.write_datetime(line, column, value, when)
                elif isinstance(value, date):
                    sheet.write_datetime(line, column, value, day)
                elif isinstance(value, bool):
                    sheet.write_boolean(line, column, value)
                elif isinstance(value, int | float):
                    sheet.write_number(line, column, value)
                else:
                    sheet.write_string(line, column, str(value))
        book.close()
        return output.getvalue()
