"""
The posts themselves, counted (selectors: they read). `tally_by_key` takes the posts of
any days row by row in Python: the definition, `metrics.Tally.add`, applied to each.
`tally_day` counts one Oslo day's posts in the database, per full key, with the same
result (a test compares the two on every kind of day), so that today's figures on every
page, and each day of a rebuild, come back as a few hundred rows instead of thousands.

How `tally_day` counts: one query, written once per process for a day (`_day_statement`).
Its inner part (a common table expression) gives every post its key, its outcome as 0/1
columns, its Oslo hour, its wall-clock response time in seconds and, for a response the
same day, its service time: the overlap of publication to response with the day's
service window (`deadlines.service_window`, by the post's policy). The outer part sums
the outcomes per key and lists its hours and times, which are counted into their
buckets here. The few answered on a later day get their service time from
`deadlines.service_seconds`.
"""

import json
import operator
from collections import OrderedDict
from collections.abc import Iterator
from datetime import date, datetime, time, timedelta
from functools import reduce

from django.db import connections
from django.db.models import (
    Case,
    DateTimeField,
    F,
    FloatField,
    Func,
    IntegerField,
    Q,
    QuerySet,
    TextField,
    Value,
    When,
)
from django.db.models.functions import Cast, ExtractHour, Greatest, Least

from strategy.models import Channel, Priority

from ..models import Post
from ..triage import deadlines, rulebook
from .metrics import (
    ANSWERED_ELSEWHERE,
    CLOSED,
    NO_REPLY_NEEDED,
    OSLO,
    SLOTS,
    SPAM,
    PostRow,
    Tally,
    bucket_of,
    categories_key,
    oslo_day,
)

ROW_FIELDS = (
    "published_at",
    "must_reply",
    "needs_look",
    "due_at",
    "first_response_at",
    "status",
    "close_reason",
    "channel_id",
    "categories",
    "priority",
    "team_id",
    "target_group_id",
    "first_responder_id",
)


def day_bounds(first: date, last: date) -> tuple[datetime, datetime]:
    """From the start of `first` to the end of `last` (Oslo days), as aware datetimes."""
    start = datetime.combine(first, time(0), tzinfo=OSLO)
    end = datetime.combine(last + timedelta(days=1), time(0), tzinfo=OSLO)
    return start, end


def incoming(first: date, last: date, channel: int | None = None) -> QuerySet[Post]:
    """The posts people published from `first` to `last` (Oslo days, inclusive)."""
    start, end = day_bounds(first, last)
    posts = Post.objects.filter(is_ours=False, deleted_at__isnull=True, published_at__gte=start, published_at__lt=end)
    return posts.filter(channel_id=channel) if channel else posts


def keyed_rows(posts: QuerySet[Post]) -> Iterator[tuple[tuple, PostRow]]:
    """Each post as (its rollup key, its row), with the service time of its first response."""
    for (
        published_at,
        must_reply,
        needs_look,
        due_at,
        first_response_at,
        status,
        close_reason,
        channel_id,
        categories,
        priority,
        team_id,
        target_group_id,
        person_id,
    ) in posts.values_list(*ROW_FIELDS).iterator(chunk_size=5000):
        service = None
        if must_reply and first_response_at is not None:
            policy = rulebook.policy_for(channel_id, priority)
            service = deadlines.service_seconds(published_at, first_response_at, policy)
        key = (
            oslo_day(published_at),
            channel_id,
            categories_key(categories or []),
            priority,
            team_id,
            target_group_id,
            person_id,
        )
        row = PostRow(
            published_at, must_reply, needs_look, due_at, first_response_at, status, close_reason or "", service
        )
        yield key, row


def tally_by_key(posts: QuerySet[Post]) -> dict[tuple, Tally]:
    """Posts of any days tallied per full key, row by row in Python (`tally_day` counts one day in SQL)."""
    tallies: dict[tuple, Tally] = {}
    for key, row in keyed_rows(posts):
        tallies.setdefault(key, Tally()).add(row)
    return tallies


# --- One day's posts counted by the database ------------------------------------------


class Seconds(Func):
    """A duration (the difference of two datetimes) in seconds, as a float."""

    output_field = FloatField()

    def as_postgresql(self, compiler, connection, **extra):
        return self.as_sql(compiler, connection, template="EXTRACT(EPOCH FROM %(expressions)s)", **extra)

    def as_sqlite(self, compiler, connection, **extra):
        # Django's SQLite functions give the difference of two datetimes in microseconds.
        return self.as_sql(compiler, connection, template="(%(expressions)s) / 1000000.0", **extra)


def flag(condition: Q) -> Case:
    """1 for a row that meets the condition, else 0 (summed, how many do)."""
    return Case(When(condition, then=Value(1)), default=Value(0), output_field=IntegerField())


_MUST = Q(must_reply=True)
_ANSWERED = Q(must_reply=True, first_response_at__isnull=False)
_CLOSED_UNANSWERED = _MUST & Q(first_response_at__isnull=True, status=CLOSED)
# The inner part's columns: the key, then what is summed (Tally.COUNTS in order), then the times.
_KEY = ("channel_id", "categories", "priority", "team_id", "target_group_id", "first_responder_id")
_FLAGS = {
    "must_reply": _MUST,
    "needs_look": _MUST & Q(needs_look=True),
    "answered": _ANSWERED,
    "answered_on_time": _ANSWERED & (Q(due_at__isnull=True) | Q(first_response_at__lte=F("due_at"))),
    "no_reply_needed": _CLOSED_UNANSWERED & Q(close_reason=NO_REPLY_NEEDED),
    "spam": _CLOSED_UNANSWERED & Q(close_reason=SPAM),
    "answered_elsewhere": _CLOSED_UNANSWERED & Q(close_reason=ANSWERED_ELSEWHERE),
}


# No time at all, typed (PostgreSQL takes an untyped NULL for text).
_NO_SECONDS = Cast(Value(None), FloatField())


def _windows(day: date) -> dict[tuple[datetime, datetime], dict[int, list[str]]]:
    """Per service window of the day, the channels and their priorities that have it (policies kept in Oslo time)."""
    windows: dict[tuple[datetime, datetime], dict[int, list[str]]] = {}
    for channel_id in Channel.objects.values_list("pk", flat=True):
        for priority in Priority.values:
            policy = rulebook.policy_for(channel_id, priority)
            if policy.timezone == OSLO.key:
                window = deadlines.service_window(day, policy)
                windows.setdefault(window, {}).setdefault(channel_id, []).append(priority)
    return windows


def _service_within(day: date, windows: dict) -> tuple[Func | None, Q]:
    """
    The service seconds of a response the same day (its overlap with the day's window,
    by the post's policy: `rulebook.policy_for` of its channel and priority, `_windows`),
    and the condition of the posts it holds for: answered that day, under a policy kept
    in Oslo time.
    """
    if not windows:
        return None, Q(pk__in=[])
    by_window = {
        window: reduce(
            operator.or_,
            (Q(channel_id=channel_id, priority__in=priorities) for channel_id, priorities in channels.items()),
        )
        for window, channels in windows.items()
    }
    starts = Case(*(When(pairs, then=Value(start)) for (start, _end), pairs in by_window.items()))
    ends = Case(*(When(pairs, then=Value(end)) for (_start, end), pairs in by_window.items()))
    overlap = Seconds(
        Least(F("first_response_at"), ends, output_field=DateTimeField())
        - Greatest(F("published_at"), starts, output_field=DateTimeField())
    )
    _day_start, day_end = day_bounds(day, day)
    covered = reduce(operator.or_, by_window.values())
    return overlap, _ANSWERED & covered & Q(first_response_at__lt=day_end)


# A group's values of a column as one list (its NULLs left out): PostgreSQL's array, SQLite's JSON.
_LISTED = {
    "postgresql": "array_agg({column}) FILTER (WHERE {column} IS NOT NULL)",
    "sqlite": "json_group_array({column}) FILTER (WHERE {column} IS NOT NULL)",
}


def _values(listed) -> list:
    """A listed column's values as Python's (none for a group without any)."""
    if isinstance(listed, str):
        return json.loads(listed)
    return listed or []


def _histogram(seconds: list[float]) -> list[int]:
    histogram = [0] * SLOTS
    for value in seconds:
        histogram[bucket_of(value)] += 1
    return histogram


# The statements of the days counted last, by what they are written from (`_day_statement`).
_STATEMENTS: OrderedDict[tuple, tuple[str, tuple]] = OrderedDict()
STATEMENTS_KEPT = 16


def _day_statement(posts: QuerySet[Post], day: date, windows: dict) -> tuple[str, tuple]:
    """
    The statement that counts the day's posts, and its parameters. It follows from the
    posts' own query, the day and its service windows alone, so it is written once per
    process for each of those (every page counts today with the same statement): building
    and compiling its expressions took a fifth as long as the database took to run it.
    """
    own_sql, own_params = posts.order_by().query.get_compiler(posts.db).as_sql()
    frozen = tuple(
        (window, tuple((pk, tuple(some)) for pk, some in channels.items())) for window, channels in windows.items()
    )
    key = (posts.db, own_sql, tuple(own_params), day, frozen)
    try:
        if key in _STATEMENTS:
            _STATEMENTS.move_to_end(key)
            return _STATEMENTS[key]
    except TypeError:  # a parameter that cannot be a key (none of the project's own querysets has one)
        key = None
    service, in_sql = _service_within(day, windows)
    inner = posts.order_by().annotate(
        # As text: grouped by faster, and decoded once per distinct list below.
        categories_text=Cast("categories", TextField()),
        **{f"n_{name}": flag(condition) for name, condition in _FLAGS.items()},
        hour=ExtractHour("published_at", tzinfo=OSLO),
        wall=Case(When(_ANSWERED, then=Seconds(F("first_response_at") - F("published_at"))), output_field=FloatField()),
        service=Case(When(in_sql, then=service), output_field=FloatField()) if service else _NO_SECONDS,
        apart=flag(_later(service, in_sql)),
    )
    columns = [*_KEY, *(f"n_{name}" for name in _FLAGS), "hour", "wall", "service", "apart"]
    selected = ["categories_text" if column == "categories" else column for column in columns]
    sql, params = inner.values_list(*selected).query.get_compiler(posts.db).as_sql()
    # The counts summed; the hours and both times listed per group, and counted into their
    # buckets in Python (`bucket_of`, the definition): a sum per bucket and per hour, 50 in
    # all, took the database longer than everything else it did here.
    listed = _LISTED[connections[posts.db].vendor]
    sums = [
        "COUNT(*)",
        *(f"SUM(n_{name})" for name in _FLAGS),
        listed.format(column="CAST(hour AS integer)"),
        listed.format(column="wall"),
        listed.format(column="service"),
        "SUM(apart)",
    ]
    keys = ", ".join(_KEY)
    # Only the project's own names are formatted in; the values are parameters.
    inner_part = f"WITH day_posts ({', '.join(columns)}) AS ({sql})"
    statement = f"{inner_part} SELECT {keys}, {', '.join(sums)} FROM day_posts GROUP BY {keys}"  # noqa: S608
    if key is None:
        return statement, tuple(params)
    _STATEMENTS[key] = (statement, tuple(params))
    while len(_STATEMENTS) > STATEMENTS_KEPT:
        _STATEMENTS.popitem(last=False)
    return _STATEMENTS[key]


def _later(service: Func | None, in_sql: Q) -> Q:
    """Answered, but not given its service time by the day's statement: on most days, today always, none."""
    return _ANSWERED & ~in_sql if service else _ANSWERED


def tally_day(posts: QuerySet[Post], day: date) -> dict[tuple, Tally]:
    """
    One Oslo day's posts (`posts` holds no other day's) tallied per full key, as
    `tally_by_key` would, with the counting done by the database.
    """
    windows = _windows(day)
    statement, params = _day_statement(posts, day, windows)
    tallies: dict[tuple, Tally] = {}
    apart = 0
    keys_of: dict[str | None, str] = {}
    with connections[posts.db].cursor() as cursor:
        cursor.execute(statement, params)
        for row in cursor.fetchall():
            channel_id, categories, priority, team_id, group_id, person_id = row[:6]
            if categories not in keys_of:
                keys_of[categories] = categories_key(json.loads(categories) if categories else [])
            key = (day, channel_id, keys_of[categories], priority, team_id, group_id, person_id)
            # Every sum has a row under it (a 0 or a 1), so none is NULL.
            *counts, hours, walls, services, later = row[6:]
            by_hour = [0] * 24
            for hour in _values(hours):
                by_hour[hour] += 1
            part = Tally(
                *counts, response=_histogram(_values(walls)), service=_histogram(_values(services)), hours=by_hour
            )
            apart += later
            if key in tallies:
                tallies[key].merge(part)
            else:
                tallies[key] = part
    if not apart:
        return tallies
    # The answered whose service time the query did not give: answered on a later day, another time zone.
    for values in (
        posts.filter(_later(*_service_within(day, windows)))
        .values_list(*_KEY, "published_at", "first_response_at")
        .order_by()
    ):
        channel_id, categories, priority, team_id, group_id, person_id, published_at, answered_at = values
        key = (day, channel_id, categories_key(categories or []), priority, team_id, group_id, person_id)
        policy = rulebook.policy_for(channel_id, priority)
        tallies[key].service[bucket_of(deadlines.service_seconds(published_at, answered_at, policy))] += 1
    return tallies


def tally_since(first: date, last: date, channel: int | None = None) -> dict[tuple, Tally]:
    """The posts from `first` (today) to `last` per key: the first day by the database, any later one by row."""
    tallies = tally_day(incoming(first, first, channel), first)
    if last > first:
        tallies.update(tally_by_key(incoming(first + timedelta(days=1), last, channel)))
    return tallies
