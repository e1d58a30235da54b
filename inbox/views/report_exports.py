"""
The reports page's tables as downloads: each table for the same period and channel,
as CSV or an Excel workbook (`inbox.reports.exports` writes them).
"""

from datetime import timedelta

from django.contrib.auth.decorators import permission_required
from django.http import Http404, HttpRequest, HttpResponse, StreamingHttpResponse
from django.utils.text import slugify
from django.utils.translation import gettext_lazy as _

from ..reports import exports
from ..reports.metrics import BUCKETS, Figures, Tally, figures
from ..reports.selectors import report
from .reports import DIMENSIONS, bucket_labels, chosen_period, previous_period, value_names

FIGURE_COLUMNS = [
    ("posts", _("posts")),
    ("must_reply", _("must reply")),
    ("needs_look", _("needed a look")),
    ("answered", _("answered")),
    ("answered_on_time", _("answered on time")),
    ("late", _("late")),
    ("waiting", _("waiting")),
    ("breached", _("breached")),
    ("no_reply_needed", _("closed: no reply needed")),
    ("spam", _("closed: spam")),
    ("answered_elsewhere", _("closed: answered elsewhere")),
    ("on_time_rate", _("on-time rate")),
    ("p50", _("first response p50 (s)")),
    ("p90", _("first response p90 (s)")),
    ("service_p50", _("first response p50, service hours (s)")),
    ("service_p90", _("first response p90, service hours (s)")),
]
TABLES = [*(key for key, _title in DIMENSIONS), "summary", "day", "distribution", "heatmap"]


def _figure_cells(found: Figures) -> list:
    cells = []
    for name, _label in FIGURE_COLUMNS:
        value = getattr(found, name)
        cells.append(round(value, 4) if isinstance(value, float) else value)
    return cells


def _export_table(key: str, found, before) -> tuple[str, list[str], list[list]]:
    """A table of the page as (title, header, rows) of plain values."""
    figures_header = [str(label) for _name, label in FIGURE_COLUMNS]
    if key == "summary":
        header = [str(_("period")), str(_("from")), str(_("to")), *figures_header]
        rows = [
            [str(_("this period")), found.first, found.last, *_figure_cells(found.total)],
            [str(_("the period before")), before.first, before.last, *_figure_cells(before.total)],
        ]
        return str(_("Key figures")), header, rows
    if key == "day":
        empty = figures(Tally(), [])
        rows, day = [], found.first
        while day <= found.last:
            rows.append([day, *_figure_cells(found.by["day"].get(day, empty))])
            day += timedelta(days=1)
        return str(_("Day by day")), [str(_("day")), *figures_header], rows
    if key == "distribution":
        header = [str(_("within")), str(_("up to (s)")), str(_("wall-clock time")), str(_("service hours"))]
        bounds = [*BUCKETS, None]
        rows = [
            [str(label), bound, wall, service]
            for label, bound, wall, service in zip(bucket_labels(), bounds, found.response, found.service, strict=True)
        ]
        return str(_("Time to the first response")), header, rows
    if key == "heatmap":
        weekdays = [_("Monday"), _("Tuesday"), _("Wednesday"), _("Thursday"), _("Friday"), _("Saturday"), _("Sunday")]
        header = [str(_("weekday")), *(f"{hour:02d}" for hour in range(24))]
        rows = [[str(weekdays[weekday]), *counts] for weekday, counts in enumerate(found.heatmap)]
        return str(_("When posts come in")), header, rows
    names = value_names()[key]
    title = str(dict(DIMENSIONS)[key])
    rows = []
    for value, part in found.by[key].items():
        label = names.get(value) or (_("not set") if value is None else str(value))
        rows.append([str(label), *_figure_cells(part)])
    rows.sort(key=lambda row: (-row[1], row[0]))
    return title, [str(_("name")), *figures_header], rows


@permission_required("inbox.view_dailyrollup", raise_exception=True)
def export(request: HttpRequest, table: str, kind: str) -> HttpResponse:
    """One of the page's tables, for the same period and channel, as CSV or an Excel workbook."""
    if table not in TABLES or kind not in exports.FORMATS:
        raise Http404
    _form, first, last, _period, channel = chosen_period(request)
    channel_id = channel.pk if channel else None
    found = report(first, last, channel=channel_id)
    before = previous_period(first, last, channel_id) if table == "summary" else None
    title, header, rows = _export_table(table, found, before)
    name = f"{slugify(title) or table}-{first.isoformat()}-{last.isoformat()}.{kind}"
    if kind == "csv":
        response = StreamingHttpResponse(exports.csv_lines(header, rows), content_type=exports.FORMATS[kind])
    else:
        response = HttpResponse(exports.workbook(title, header, rows), content_type=exports.FORMATS[kind])
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response
