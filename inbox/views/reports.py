"""
/reports/: the managers' dashboard. Are we answering in time, on which channels, for
whom and how fast: a period's figures against the one before, by day, by hour and by
each dimension, and every number a link to the inbox list of exactly its posts.
The figures are `inbox.reports`; this view chooses the period and lays them out.
"""

import html
import itertools
from dataclasses import dataclass
from datetime import date, timedelta
from urllib.parse import urlencode

from django import forms
from django.conf import settings
from django.contrib.auth.decorators import permission_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.html import conditional_escape
from django.utils.safestring import SafeString
from django.utils.translation import gettext_lazy as _

from socialstrategy.alongside import alongside
from socialstrategy.people import display_name
from strategy.models import CATEGORY_CHOICES, Channel, Priority, TargetGroup, Team, Theme

from ..forms import people_who_answer
from ..reports.counting import incoming
from ..reports.metrics import BUCKETS, Figures, dialogue_share
from ..reports.selectors import feedback, own_content, own_report, report, start_today, totals
from ..selectors import NONE, ever_forwarded_to, with_first_responders
from .queues import DAY_TYPE_CHOICES

PERIODS = [
    ("today", _("Today")),
    ("7d", _("7 days")),
    ("30d", _("30 days")),
    ("quarter", _("This quarter")),
    ("12m", _("12 months")),
    ("custom", _("Chosen days")),
]
DASH = "\u2013"  # an en dash, between a bucket's bounds
# The longest period the page shows at once, in days (as the API).
LONGEST_PERIOD = 1100


class PeriodForm(forms.Form):
    period = forms.ChoiceField(label=_("Period"), choices=PERIODS, required=False)
    start = forms.DateField(label=_("From"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    end = forms.DateField(label=_("To"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    channel = forms.ModelChoiceField(
        label=_("Channel"), queryset=Channel.objects.all(), required=False, empty_label=_("all channels")
    )

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("start"), cleaned.get("end")
        if cleaned.get("period") != "custom":
            return cleaned
        if not start or not end:
            raise forms.ValidationError(_("Give both the first and the last day."))
        for name, day in (("start", start), ("end", end)):
            if not date(2000, 1, 1) <= day <= date(2100, 12, 31):
                self.add_error(name, _("Choose a day between 2000 and 2100."))
        if end < start:
            self.add_error("end", _("The last day comes before the first."))
        elif (end - start).days >= LONGEST_PERIOD:
            self.add_error("end", _("At most %(days)s days at once.") % {"days": LONGEST_PERIOD})
        return cleaned

    def days(self, today: date) -> tuple[date, date, str]:
        """The period's first and last day (Oslo) and its key; 30 days when the form says nothing usable."""
        data = self.cleaned_data if self.is_bound and self.is_valid() else {}
        period = data.get("period") or "30d"
        if period == "custom":
            return data["start"], data["end"], period
        if period == "today":
            return today, today, period
        if period == "7d":
            return today - timedelta(days=6), today, period
        if period == "quarter":
            return date(today.year, 3 * ((today.month - 1) // 3) + 1, 1), today, period
        if period == "12m":
            return today - timedelta(days=364), today, period
        return today - timedelta(days=29), today, "30d"


@dataclass
class Link:
    """A figure on the page and the inbox list of its posts."""

    value: object
    href: str

    def __html__(self) -> str:
        """
        The figure as a table cell shows it: a link to its posts, or a plain 0 (an
        empty list is not worth opening). Written here, not in the template: a year's
        page has some two thousand figures, and the template's tags for each took
        longer than the page's reading of the rollups.
        """
        shown = _number(self.value)
        if not self.value:
            return shown
        return SafeString(f'<a href="{html.escape(self.href)}">{shown}</a>')

    # The template engine turns a value into text before it escapes it.
    __str__ = __html__


def _number(value) -> str:
    """A figure as the template would localize it: a whole number needs nothing unless thousands are separated."""
    if type(value) is int and not settings.USE_THOUSAND_SEPARATOR:
        return str(value)
    return conditional_escape(formats.localize(value))


class Drill:
    """Links into the inbox ("all" queue) filtered to a period, a channel and more."""

    def __init__(self, first: date, last: date, channel: int | None, queue: str | None = None):
        self.base = {"published_after": first.isoformat(), "published_before": (last + timedelta(days=1)).isoformat()}
        if channel:
            self.base["channel"] = str(channel)
        self.queue = queue or reverse("inbox:queue", args=["all"])
        # A page has a thousand links: the period's part is encoded once.
        self.prefix = f"{self.queue}?{urlencode(self.base)}"

    def __call__(self, value, **filters) -> Link:
        more = {name: str(setting) for name, setting in filters.items() if setting is not None}
        if not more:
            return Link(value, self.prefix)
        if more.keys().isdisjoint(self.base):
            return Link(value, f"{self.prefix}&{urlencode(more)}")
        return Link(value, f"{self.queue}?{urlencode({**self.base, **more})}")


# A figure's column: its name in Figures, its heading, and the filter that lists its posts.
COLUMNS = [
    ("posts", _("Posts"), {}),
    ("must_reply", _("Must reply"), {"must_reply": "yes"}),
    ("answered_on_time", _("On time"), {"outcome": "on_time"}),
    ("late", _("Late"), {"outcome": "late"}),
    ("waiting", _("Waiting"), {"outcome": "waiting"}),
    ("breached", _("Breached"), {"outcome": "breached"}),
    ("handled_without_reply", _("Closed without a reply"), {"outcome": "handled_without_reply"}),
]


def _row(label: str, found: Figures, drill: Drill, filters: dict) -> dict:
    return {
        "label": label,
        "cells": [drill(getattr(found, name), **filters, **extra) for name, _heading, extra in COLUMNS],
        "figures": found,
    }


def value_names() -> dict[str, dict]:
    """The names a report's values are shown by (read once per page)."""
    return {
        "channel": dict(Channel.objects.values_list("pk", "name")),
        "team": {team.pk: team.name for team in Team.objects.all()},
        "target_group": {group.pk: group.name for group in TargetGroup.objects.all()},
        "category": dict(CATEGORY_CHOICES),
        "priority": dict(Priority.choices),
        "day_type": dict(DAY_TYPE_CHOICES),
        "person": {user.pk: display_name(user) for user in people_who_answer()},
    }


DIMENSIONS = [
    ("channel", _("By channel")),
    ("category", _("By category")),
    ("priority", _("By priority")),
    ("team", _("By team")),
    ("target_group", _("By target group")),
    ("person", _("By who answered first")),
    ("day_type", _("Working days, weekends and holidays")),
]


def _tables(found, drill: Drill, names: dict) -> list[dict]:
    tables = []
    for dimension, title in DIMENSIONS:
        rows = []
        for value, part in found.by[dimension].items():
            label = names[dimension].get(value) or (_("not set") if value is None else str(value))
            rows.append(_row(str(label), part, drill, {dimension: NONE if value is None else value}))
        rows.sort(key=lambda row: (-row["figures"].posts, row["label"]))
        tables.append({"key": dimension, "title": title, "rows": rows})
    return tables


# A longer period is shown week by week: a year is 53 points, not 365.
DAILY_AT_MOST = 92


def _trend(found, drill: Drill) -> list[dict]:
    """The period day by day (up to DAILY_AT_MOST days), else by weeks (Monday to Sunday, cut to the period)."""
    weekly = (found.last - found.first).days + 1 > DAILY_AT_MOST
    rows = []
    start = found.first
    while start <= found.last:
        end = min(found.last, start + timedelta(days=6 - start.weekday())) if weekly else start
        parts = [found.by["day"][day] for day in _days(start, end) if day in found.by["day"]]
        answered = sum(part.answered for part in parts)
        on_time = sum(part.answered_on_time for part in parts)
        judged = answered + sum(part.breached for part in parts)
        span = Drill(start, end, found.channel, drill.queue)
        cells = {
            "posts": span(sum(part.posts for part in parts)),
            "must_reply": span(sum(part.must_reply for part in parts), must_reply="yes"),
            "on_time": span(on_time, outcome="on_time"),
            "late": span(answered - on_time, outcome="late"),
        }
        rows.append(
            {
                "first": start,
                "last": end,
                # Written here: the template's date filter for each of a year's weeks took longer.
                "iso": start.isoformat(),
                "span": f"{start.day}.{start.month}.{DASH}{end.day}.{end.month}." if end != start else "",
                "label": _("week %(number)s") % {"number": start.isocalendar().week}
                if weekly
                else formats.date_format(start, "D j.n."),
                **cells,
                "cells": list(cells.values()),
                "rate": on_time / judged if judged else None,
            }
        )
        start = end + timedelta(days=1)
    return rows


def _days(first: date, last: date):
    return (first + timedelta(days=offset) for offset in range((last - first).days + 1))


def bucket_labels() -> list[str]:
    def short(seconds: int) -> str:
        if seconds < 3600:
            return _("%(n)s min") % {"n": seconds // 60}
        if seconds < 86400:
            return _("%(n)s h") % {"n": f"{seconds / 3600:g}"}
        return _("%(n)s d") % {"n": seconds // 86400}

    labels = [_("up to %(time)s") % {"time": short(BUCKETS[0])}]
    labels += [f"{short(low)}{DASH}{short(high)}" for low, high in itertools.pairwise(BUCKETS)]
    labels.append(_("over %(time)s") % {"time": short(BUCKETS[-1])})
    return labels


# The words shown per category, most used first.
TERMS_SHOWN = 10


def _top_words(part) -> list[tuple[str, int]]:
    """The words shown for a category: the most used, ties by the word."""
    return sorted(part.terms.items(), key=lambda item: (-item[1], item[0]))[:TERMS_SHOWN]


def _feedback(first: date, last: date, before: tuple[date, date], channel_id: int | None, drill: Drill) -> list[dict]:
    """Complaints and technical problems this period against the last: by theme, and the words most used."""
    today = timezone.localdate()
    now = feedback(first, last, today=today, channel=channel_id)
    shown = {category: {word for word, _count in _top_words(part)} for category, part in now.items()}
    # The period before: its themes, and how often it used the words shown for this one.
    then = feedback(*before, today=today, channel=channel_id, words=shown)
    themes = {theme.pk: theme.name for theme in Theme.objects.all()}
    names = dict(CATEGORY_CHOICES)
    search = reverse("inbox:queue", args=["all"])
    sections = []
    for category, part in now.items():
        earlier = then[category]
        rows = [
            {
                "label": themes.get(theme, _("no theme")) if theme is not None else _("no theme"),
                "now": drill(count, category=category, theme=NONE if theme is None else theme),
                "before": earlier.themes.get(theme, 0),
            }
            for theme, count in part.themes.items()
        ]
        rows += [
            {"label": themes.get(theme, _("no theme")), "now": drill(0), "before": count}
            for theme, count in earlier.themes.items()
            if theme not in part.themes and theme is not None
        ]
        rows.sort(key=lambda row: (-row["now"].value, -row["before"], str(row["label"])))
        words = [
            {
                "word": word,
                "now": count,
                "before": earlier.terms.get(word, 0),
                "href": f"{search}?{urlencode({**drill.base, 'category': category, 'q': word})}",
            }
            for word, count in _top_words(part)
        ]
        sections.append(
            {
                "key": category,
                "title": names.get(category, category),
                "posts": drill(part.posts, category=category),
                "before": earlier.posts,
                "themes": rows,
                "words": words,
            }
        )
    return sections


def _dialogue(first: date, last: date, before: tuple[date, date], channel_id: int | None, names: dict) -> list[dict]:
    """Per channel: our replies against our publications, this period and the one before."""
    today = timezone.localdate()
    now = own_content(first, last, today=today, channel=channel_id)
    then = own_content(*before, today=today, channel=channel_id)
    names = names["channel"]
    rows = []
    for channel in sorted(set(now) | set(then), key=lambda pk: str(names.get(pk, pk))):
        replies, publications = now.get(channel, [0, 0])
        rows.append(
            {
                "channel": names.get(channel, channel),
                "replies": replies,
                "publications": publications,
                "share": dialogue_share(replies, publications),
                "before": dialogue_share(*then.get(channel, [0, 0])),
            }
        )
    return rows


def _change(now: float | None, before: float | None) -> float | None:
    return None if now is None or before is None else now - before


def chosen_period(request: HttpRequest) -> tuple[PeriodForm, date, date, str, Channel | None]:
    """The period and channel the query asks for (30 days, every channel, when it asks for nothing usable)."""
    form = PeriodForm(request.GET or None)
    first, last, period = form.days(timezone.localdate())
    channel = form.cleaned_data.get("channel") if form.is_bound and form.is_valid() else None
    return form, first, last, period, channel


def previous_days(first: date, last: date) -> tuple[date, date]:
    """The first and last day of the period before, as long as this one."""
    length = (last - first).days + 1
    return first - timedelta(days=length), first - timedelta(days=1)


def previous_period(first: date, last: date, channel_id: int | None):
    """The period before, as long as this one: its figures in all."""
    return totals(*previous_days(first, last), channel=channel_id)


@permission_required("inbox.view_dailyrollup", raise_exception=True)
def dashboard(request: HttpRequest) -> HttpResponse:
    form, first, last, period, channel = chosen_period(request)
    channel_id = channel.pk if channel else None
    # The slowest reads first, each on a connection of its own (in place where they cannot be):
    # today's posts, what to fix and the dialogue, while this one reads the rest.
    todays = start_today(first, last, channel=channel_id)
    earlier = previous_days(first, last)
    drill = Drill(first, last, channel_id)
    fixes = alongside(_feedback, first, last, earlier, channel_id, drill)
    names = value_names()
    dialogue = alongside(_dialogue, first, last, earlier, channel_id, names)
    before = previous_period(first, last, channel_id)
    found = report(first, last, channel=channel_id, todays=todays)
    total, previous = found.total, before.total
    tiles = [
        {
            "label": _("Answered on time"),
            "rate": total.on_time_rate,
            "previous_rate": previous.on_time_rate,
            "change": _change(total.on_time_rate, previous.on_time_rate),
            "link": drill(total.answered_on_time, outcome="on_time"),
            "judged": total.answered + total.breached,
            "headline": True,
        },
        {"label": _("Posts"), "link": drill(total.posts), "previous": previous.posts},
        {"label": _("Must reply"), "link": drill(total.must_reply, must_reply="yes"), "previous": previous.must_reply},
        {"label": _("Answered"), "link": drill(total.answered, outcome="answered"), "previous": previous.answered},
        {"label": _("Late"), "link": drill(total.late, outcome="late"), "previous": previous.late},
        {"label": _("Breached, unanswered"), "link": drill(total.breached, outcome="breached"), "previous": None},
        {
            "label": _("Closed without a reply"),
            "link": drill(total.handled_without_reply, outcome="handled_without_reply"),
            "previous": previous.handled_without_reply,
        },
    ]
    labels = bucket_labels()
    weekdays = [_("Monday"), _("Tuesday"), _("Wednesday"), _("Thursday"), _("Friday"), _("Saturday"), _("Sunday")]
    context = {
        "form": form,
        "period": period,
        "periods": PERIODS,
        "first": first,
        "last": last,
        "period_days": (last - first).days + 1,
        "previous_first": before.first,
        "previous_last": before.last,
        "channel": channel,
        "total": total,
        "previous": previous,
        "tiles": tiles,
        "times": [
            (_("Median (p50)"), total.p50, total.service_p50, previous.p50, previous.service_p50),
            (_("90th percentile (p90)"), total.p90, total.service_p90, previous.p90, previous.service_p90),
        ],
        "handled": [
            (_("no reply needed"), drill(total.no_reply_needed, outcome="no_reply_needed")),
            (_("spam"), drill(total.spam, outcome="spam")),
            (_("answered elsewhere"), drill(total.answered_elsewhere, outcome="answered_elsewhere")),
        ],
        "columns": [heading for _name, heading, _extra in COLUMNS],
        "tables": _tables(found, drill, names),
        "trend": _trend(found, drill),
        "distribution": list(zip(labels, found.response, found.service, strict=True)),
        "heatmap": [
            (weekdays[weekday], [drill(count, weekday=weekday, hour=hour) for hour, count in enumerate(row)])
            for weekday, row in enumerate(found.heatmap)
        ],
        "heatmap_top": max((max(row) for row in found.heatmap), default=0),
        "hours": range(24),
        "feedback": fixes.result(),
        "dialogue": dialogue.result(),
    }
    context["trend_chart"] = {
        "labels": [str(row["label"]) for row in context["trend"]],
        "posts": [row["posts"].value for row in context["trend"]],
        "rate": [None if row["rate"] is None else round(100 * row["rate"], 1) for row in context["trend"]],
    }
    context["distribution_chart"] = {
        "labels": [str(label) for label in labels],
        "wall": list(found.response),
        "service": list(found.service),
    }
    return render(request, "inbox/reports/dashboard.html", context)


# --- An employee's own figures -----------------------------------------------------------

# The posts listed under an employee's figures, newest first.
OWN_POSTS_SHOWN = 200


@permission_required("inbox.answer_forwarded", raise_exception=True)
def mine(request: HttpRequest) -> HttpResponse:
    """An employee's own figures: the posts forwarded to them or their team, what became of them, how fast."""
    form, first, last, period, channel = chosen_period(request)
    channel_id = channel.pk if channel else None
    found = own_report(request.user, first, last, channel=channel_id)
    length = (last - first).days + 1
    before = own_report(
        request.user, first - timedelta(days=length), first - timedelta(days=1), channel=channel_id
    ).total
    posts = list(
        (incoming(first, last, channel_id) & ever_forwarded_to(request.user))
        .select_related("channel")
        .order_by("-published_at", "-pk")[:OWN_POSTS_SHOWN]
    )
    with_first_responders(posts)
    return render(
        request,
        "inbox/reports/mine.html",
        {
            "form": form,
            "period": period,
            "periods": PERIODS,
            "first": first,
            "last": last,
            "total": found.total,
            "previous": before,
            "change": _change(found.total.on_time_rate, before.on_time_rate),
            "by_channel": sorted(
                ((value_names()["channel"].get(key, key), part) for key, part in found.by["channel"].items()),
                key=lambda item: str(item[0]),
            ),
            "posts": posts,
            "shown": OWN_POSTS_SHOWN,
            "now": found.now,
        },
    )
