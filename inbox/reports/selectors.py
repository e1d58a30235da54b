"""
A period's figures (selectors: they read): closed days from the rollups, summed in the
database by statements written here (`_summed`; whole months from the monthly rows,
the other days from the daily ones); today from the posts themselves, counted by the
database (`counting.tally_day`); what is still waiting always from the posts, in one
read of the covering index of waiting posts (migration 0019), so that "breached" is
as of now. Today's words are the minute task's count.
"""

import json
import operator
from collections import Counter
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from functools import reduce

from django.core.exceptions import EmptyResultSet
from django.db import connections
from django.db.models import Case, Count, Q, Sum, TextField
from django.db.models.functions import Cast, TruncDate
from django.utils import timezone

from socialstrategy.alongside import alongside

from ..models import (
    DailyRollup,
    FeedbackRollup,
    MonthlyFeedbackRollup,
    MonthlyRollup,
    MonthlyTermRollup,
    OwnContentRollup,
    TermRollup,
)
from ..selectors import OPEN, ever_forwarded_to
from .counting import flag, incoming, tally_by_key, tally_since
from .metrics import (
    DIMENSIONS,
    FEEDBACK_CATEGORIES,
    OSLO,
    SLOTS,
    Figures,
    Tally,
    Waiting,
    categories_key,
    figures,
    figures_by,
    grouped,
    heatmap,
)
from .rollups import own_content_of, split_months, themes_of

# The dimensions a report is cut by, from the rollups without their day.
BY_KEY = ("channel", "category", "priority", "team", "target_group", "person")
# And those that follow from the day.
BY_DAY = ("day", "day_type", "weekday")

# A rollup row's figures as `Tally.flat` orders them: the counts, both histograms, then the hours.
_FIGURES = (*Tally.COUNTS, *(f"wall_{slot}" for slot in range(SLOTS)), *(f"service_{slot}" for slot in range(SLOTS)))
_HOURS = tuple(f"hour_{hour}" for hour in range(24))
_NO_HOURS = (0,) * 24
NO_KEY = (None, None, None, None, None, None)
# A stored value back as the dimension's own: ids are numbers, "" is none.
_IDS = ("team", "target_group", "person")


def _value(dimension: str, stored: str):
    if stored == "":
        return None
    return int(stored) if dimension in _IDS else stored


def _statement_rows(rows, select: list[str], *, joins: str = "", where: tuple = (), group_by: list[str] = ()) -> list:
    """
    A statement written here over a queryset's table and filter (and more conditions
    with their parameters, `where`), run on a raw cursor: its rows as tuples, none when
    the filter can match nothing. Only the project's own names are formatted in.
    """
    compiler = rows.query.get_compiler(rows.db)
    try:
        condition, params = compiler.compile(rows.query.where)
    except EmptyResultSet:
        return []
    conditions = [condition] if condition else []
    params = list(params)
    for more, values in where:
        conditions.append(more)
        params += values
    statement = f"SELECT {', '.join(select)} FROM {_table(rows)} {joins}"  # noqa: S608
    if conditions:
        statement += f" WHERE {' AND '.join(conditions)}"
    if group_by:
        statement += f" GROUP BY {', '.join(group_by)}"
    with connections[rows.db].cursor() as cursor:
        cursor.execute(statement, params)
        return cursor.fetchall()


def _table(rows) -> str:
    return connections[rows.db].ops.quote_name(rows.model._meta.db_table)


def _summed(rows, group_by: tuple[str, ...] = (), *, hours: bool = False) -> list[tuple[tuple, Tally]]:
    """
    Rollup rows (a queryset, for its filter) summed per group by the database: each
    group's values (the columns `group_by` names) and its tally. The statement is
    written here, not annotated: a page sums a few hundred rows of some seventy
    figures, and the ORM took longer to build the query and convert each value than
    the database took to answer (at a year of rollups, 23 ms against 9).
    """
    quote = connections[rows.db].ops.quote_name
    columns = _FIGURES + _HOURS if hours else _FIGURES
    groups = [quote(column) for column in group_by]
    found = _statement_rows(rows, [*groups, *(f"SUM({quote(column)})" for column in columns)], group_by=groups)
    width = len(group_by)
    return [
        (
            row[:width],
            # Without a row to sum (no group at all), a sum is NULL.
            Tally.from_flat([value or 0 for value in row[width:]] + ([] if hours else list(_NO_HOURS))),
        )
        for row in found
    ]


def _day(value) -> date:
    """A date column's value: SQLite hands dates back as text."""
    return date.fromisoformat(value) if isinstance(value, str) else value


@dataclass
class Report:
    first: date
    last: date
    now: datetime
    channel: int | None
    total: Figures
    by: dict[str, dict[object, Figures]]
    # Posts per weekday (0 Monday) and hour; the response-time histograms of the whole period.
    heatmap: list[list[int]]
    response: list[int]
    service: list[int]


def _add(into: dict[tuple, Tally], key: tuple, part: Tally) -> None:
    if key in into:
        into[key].merge(part)
    else:
        into[key] = Tally().merge(part)


def _from_posts(tallies_by_key: dict[tuple, Tally], by: dict[str, dict], by_day: dict[tuple, Tally]) -> None:
    """
    Full-key tallies (today's, an employee's) added to the per-dimension and per-day
    ones. Today has hundreds of keys at a large inbox, each counted under seven values:
    each value's tallies are added up as flat lists, column by column, then merged once.
    """
    parts: dict[tuple, list[list[int]]] = {}
    for key, part in tallies_by_key.items():
        figures = part.flat()
        for name in BY_KEY:
            for value in DIMENSIONS[name](key):
                parts.setdefault((name, value), []).append(figures)
        parts.setdefault(("day", key[0]), []).append(figures)
    for (name, value), flats in parts.items():
        summed = Tally.from_flats(flats)
        if name == "day":
            _add(by_day, (value, *NO_KEY), summed)
        else:
            _add(by[name], value, summed)


def _days_and_months(daily, monthly, first: date, last: date, channel: int | None) -> list:
    """The rows of closed days from `first` to `last`: whole months from `monthly`, the days left over from `daily`."""
    months, loose = split_months(first, last)
    sources = []
    if loose:
        sources.append(daily.objects.filter(reduce(operator.or_, (Q(day__gte=a, day__lte=b) for a, b in loose))))
    if months:
        sources.append(monthly.objects.filter(month__in=months))
    return [rows.filter(channel_id=channel) for rows in sources] if channel else sources


def tallies(first: date, last: date, *, today: date, todays, channel: int | None = None):
    """
    The period's tallies: per value of each dimension (channel, category, priority,
    team, target group, person), and per day. `todays`: the part from today on, as
    `start_today` started it (None when the period ends before today).
    """
    by: dict[str, dict] = {name: {} for name in BY_KEY}
    by_day: dict[tuple, Tally] = {}
    closed_last = min(last, today - timedelta(days=1))
    if first <= closed_last:
        rollups = DailyRollup.objects.filter(day__gte=first, day__lte=closed_last)
        if channel:
            rollups = rollups.filter(channel_id=channel)
        every = rollups.filter(dimension=DailyRollup.Dimension.ALL)
        for (channel_id,), part in _summed(every, ("channel_id",)):
            by["channel"][channel_id] = part
        for (day,), part in _summed(every, ("day",), hours=True):
            by_day[(_day(day), *NO_KEY)] = part
        # Each dimension's values: whole months from their monthly rows, the days left over from theirs.
        for rows in _days_and_months(DailyRollup, MonthlyRollup, first, closed_last, channel):
            rows = rows.exclude(dimension=DailyRollup.Dimension.ALL)
            for (dimension, value), part in _summed(rows, ("dimension", "value")):
                _add(by[dimension], _value(dimension, value), part)
    if last >= today:
        _from_posts(todays.result(), by, by_day)
    return by, by_day


@dataclass
class Waits:
    """
    What of a set of posts still waits for an answer, counted by the database: per key
    without its day (for the cuts by channel, category, ...), and per day (for the cuts
    by day, kind of day and weekday; and the total).
    """

    by_key: list[Waiting]
    by_day: list[Waiting]


def _still_waiting(posts):
    return posts.filter(must_reply=True, first_response_at__isnull=True, status__in=OPEN).order_by()


def _late(now: datetime) -> Case:
    """1 for a post breached now (`metrics.is_breached`: a deadline at or before now; none without one), else 0."""
    return flag(Q(due_at__lte=now))


def waits_in(posts, now: datetime) -> Waits:
    """
    Of these posts, the must-reply ones still waiting and those breached now, counted
    per key and per day: one read of them (a materialized common table expression,
    which the covering index of waiting posts answers alone on PostgreSQL), grouped twice.
    """
    inner = (
        _still_waiting(posts)
        .annotate(
            categories_text=Cast("categories", TextField()),
            day=TruncDate("published_at", tzinfo=OSLO),
            late=_late(now),
        )
        .values_list("channel_id", "categories_text", "priority", "team_id", "target_group_id", "day", "late")
    )
    sql, params = inner.query.get_compiler(posts.db).as_sql()
    keys = "channel_id, categories, priority, team_id, target_group_id"
    # Only the project's own names are formatted in; the values are parameters.
    statement = (
        f"WITH waiting ({keys}, day, late) AS MATERIALIZED ({sql}) "  # noqa: S608
        f"SELECT {keys}, NULL, COUNT(*), SUM(late) FROM waiting GROUP BY {keys} "
        "UNION ALL SELECT NULL, NULL, NULL, NULL, NULL, day, COUNT(*), SUM(late) FROM waiting GROUP BY day"
    )
    keys_of: dict[str | None, str] = {}
    by_key, by_day = [], []
    with connections[posts.db].cursor() as cursor:
        cursor.execute(statement, params)
        for channel_id, categories, priority, team_id, group_id, day, count, late in cursor.fetchall():
            if day is None:
                # Each distinct list of categories decoded once, and placed by its sorted key.
                if categories not in keys_of:
                    keys_of[categories] = categories_key(json.loads(categories) if categories else [])
                key = (None, channel_id, keys_of[categories], priority, team_id, group_id, None)
                by_key.append(Waiting(key, count, int(late)))
            else:
                by_day.append(Waiting((_day(day), *NO_KEY), count, int(late)))
    return Waits(by_key, by_day)


def waiting(first: date, last: date, channel: int | None = None, now: datetime | None = None) -> Waits:
    """The period's must-reply posts still waiting for an answer, counted."""
    return waits_in(incoming(first, last, channel), now or timezone.now())


def waiting_total(first: date, last: date, channel: int | None, now: datetime) -> Waiting:
    """How many of the period's must-reply posts wait, and how many of them are breached, in all."""
    counts = _still_waiting(incoming(first, last, channel)).aggregate(n=Count("*"), b=Sum(_late(now)))
    return Waiting((), counts["n"], counts["b"] or 0)


def _assemble(first, last, now, channel, by, by_day, waits: Waits) -> Report:
    total = Tally.total(list(by_day.values()))
    cuts = {name: figures_by(by[name], waits.by_key, name) for name in BY_KEY}
    cuts.update({name: grouped(by_day, waits.by_day, name) for name in BY_DAY})
    return Report(
        first, last, now, channel, figures(total, waits.by_day), cuts, heatmap(by_day), total.response, total.service
    )


def start_today(first: date, last: date, *, now: datetime | None = None, channel: int | None = None):
    """
    The period's part from today on, started counting on a connection of its own
    (`socialstrategy.alongside`; in place inside a transaction and on SQLite), to hand
    to `report` (a page starts it first, then does its other reading); None when the
    period ends before today.
    """
    today = timezone.localdate(now or timezone.now())
    return alongside(tally_since, max(first, today), last, channel) if last >= today else None


def report(first: date, last: date, *, now: datetime | None = None, channel: int | None = None, todays=None) -> Report:
    """
    The period's figures, cut every way. Today's posts, the slowest read, are counted
    beside this connection's reading of the closed days and what waits (`start_today`,
    or `todays` already started so).
    """
    now = now or timezone.now()
    today = timezone.localdate(now)
    if todays is None and last >= today:
        todays = start_today(first, last, now=now, channel=channel)
    waits = waiting(first, last, channel, now)
    by, by_day = tallies(first, last, today=today, todays=todays, channel=channel)
    return _assemble(first, last, now, channel, by, by_day, waits)


def own_report(user, first: date, last: date, *, now: datetime | None = None, channel: int | None = None) -> Report:
    """
    An employee's own figures: the posts of the period ever forwarded to them or to a
    team of theirs, straight from the posts (few), cut by channel and by day.
    """
    now = now or timezone.now()
    posts = incoming(first, last, channel) & ever_forwarded_to(user)
    by: dict[str, dict] = {name: {} for name in BY_KEY}
    by_day: dict[tuple, Tally] = {}
    _from_posts(tally_by_key(posts), by, by_day)
    return _assemble(first, last, now, channel, by, by_day, waits_in(posts, now))


@dataclass
class Feedback:
    """What one category's posts (complaints, technical problems) were about in a period."""

    posts: int
    themes: dict[int | None, int]
    terms: Counter


def _add_theme(found: dict[str, "Feedback"], category: str, theme, posts: int) -> None:
    part = found.setdefault(category, Feedback(0, {}, Counter()))
    part.posts += posts
    part.themes[theme] = part.themes.get(theme, 0) + posts


# Each word of a rollup's `terms` (word -> posts) as a row: (key, value).
_TERMS_OF = {
    "postgresql": "CROSS JOIN LATERAL jsonb_each_text({table}.terms) AS term (key, value)",
    "sqlite": ", json_each({table}.terms) AS term",
}
_TERM_COUNT = {"postgresql": "term.value::integer", "sqlite": "term.value"}


def _count_words(found: dict[str, "Feedback"], rows, words: dict[str, set[str]] | None) -> None:
    """
    The words of these word rollups (a queryset, for its filter) added up per category
    by the database; with `words`, only those of each category. Decoding every row's
    words in Python cost more than the rest of the feedback (at a year, 500 rows of up
    to 200 words each).
    """
    table = _table(rows)
    where = ()
    if words is not None:
        wanted = [(category, sorted(some)) for category, some in words.items() if some]
        rows = rows.filter(category__in=[category for category, _some in wanted])
        each = [f"({table}.category = %s AND term.key IN ({', '.join(['%s'] * len(some))}))" for _c, some in wanted]
        where = ((f"({' OR '.join(each)})", [value for category, some in wanted for value in (category, *some)]),)
    vendor = connections[rows.db].vendor
    for category, word, count in _statement_rows(
        rows,
        [f"{table}.category", "term.key", f"SUM({_TERM_COUNT[vendor]})"],
        joins=_TERMS_OF[vendor].format(table=table),
        where=where,
        group_by=[f"{table}.category", "term.key"],
    ):
        found.setdefault(category, Feedback(0, {}, Counter())).terms[word] += int(count)


def feedback(
    first: date,
    last: date,
    *,
    today: date,
    channel: int | None = None,
    words: dict[str, set[str]] | None = None,
) -> dict[str, Feedback]:
    """
    Per feedback category: the posts, by theme, and the words they used (closed days
    from the rollups). With `words` (per category), only those words are counted: a
    period compared with shows how often the words of this one were used then.
    """
    found = {category: Feedback(0, {}, Counter()) for category in FEEDBACK_CATEGORIES}
    closed_last = min(last, today - timedelta(days=1))
    if first <= closed_last:
        # The themes and the words: whole months from their monthly rows, the days left over from theirs.
        for themes in _days_and_months(FeedbackRollup, MonthlyFeedbackRollup, first, closed_last, channel):
            for category, theme, posts in (
                themes.values("category", "theme").annotate(n=Sum("posts")).values_list("category", "theme", "n")
            ):
                _add_theme(found, category, theme, posts)
        for rows in _days_and_months(TermRollup, MonthlyTermRollup, first, closed_last, channel):
            _count_words(found, rows, words)
    if last >= today:
        # Today's posts by theme from the posts themselves; their words as the minute
        # task last counted them (reading every text on every page cost more than the rest).
        for (_channel, category, theme), posts in themes_of(incoming(max(first, today), last, channel)).items():
            _add_theme(found, category, theme, posts)
        rows = TermRollup.objects.filter(day__gte=max(first, today), day__lte=last)
        _count_words(found, rows.filter(channel_id=channel) if channel else rows, words)
    return found


def own_content(first: date, last: date, *, today: date, channel: int | None = None) -> dict[int, list[int]]:
    """Per channel: [our replies, our publications] in the period (closed days from the rollups)."""
    found: dict[int, list[int]] = {}
    closed_last = min(last, today - timedelta(days=1))
    if first <= closed_last:
        rows = OwnContentRollup.objects.filter(day__gte=first, day__lte=closed_last)
        if channel:
            rows = rows.filter(channel_id=channel)
        for channel_id, replies, publications in (
            rows.values("channel_id")
            .annotate(r=Sum("replies"), p=Sum("publications"))
            .values_list("channel_id", "r", "p")
        ):
            found[channel_id] = [replies or 0, publications or 0]
    if last >= today:
        for (_day, channel_id), (replies, publications) in own_content_of(max(first, today), last).items():
            if channel and channel_id != channel:
                continue
            counts = found.setdefault(channel_id, [0, 0])
            counts[0] += replies
            counts[1] += publications
    return found


@dataclass
class Totals:
    """A period's figures in all, without their cuts (the period a report compares with)."""

    first: date
    last: date
    total: Figures


def totals(first: date, last: date, *, now: datetime | None = None, channel: int | None = None) -> Totals:
    now = now or timezone.now()
    today = timezone.localdate(now)
    total = Tally()
    closed_last = min(last, today - timedelta(days=1))
    if first <= closed_last:
        rollups = DailyRollup.objects.filter(day__gte=first, day__lte=closed_last, dimension=DailyRollup.Dimension.ALL)
        if channel:
            rollups = rollups.filter(channel_id=channel)
        for _none, part in _summed(rollups):
            total.merge(part)
    if last >= today:
        for part in tally_since(max(first, today), last, channel).values():
            total.merge(part)
    return Totals(first, last, figures(total, [waiting_total(first, last, channel, now)]))
