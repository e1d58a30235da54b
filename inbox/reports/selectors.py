"""
A period's figures (selectors: they read): closed days from the daily rollups, summed
in the database; today from the posts themselves, through the published-at index;
what is still waiting always from the posts (the partial index of waiting posts), so
that "breached" is as of now.
"""

import json
import operator
from collections import Counter
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from functools import reduce

from django.db.models import Q, Sum, TextField
from django.db.models.functions import Cast
from django.utils import timezone

from ..models import DailyRollup, FeedbackRollup, MonthlyRollup, MonthlyTermRollup, OwnContentRollup, TermRollup
from ..selectors import OPEN, ever_forwarded_to
from .counting import incoming, tally_by_key, tally_since, with_target_group
from .metrics import (
    DIMENSIONS,
    FEEDBACK_CATEGORIES,
    SLOTS,
    Figures,
    Tally,
    Waiting,
    categories_key,
    figures,
    figures_by,
    grouped,
    heatmap,
    oslo_day,
)
from .rollups import feedback_of, figure_sums, own_content_of, split_months

# The dimensions a report is cut by, from the rollups without their day.
BY_KEY = ("channel", "category", "priority", "team", "target_group", "person")
# And those that follow from the day.
BY_DAY = ("day", "day_type", "weekday")

_SUMS = figure_sums()
_HOURS = {f"hour_{hour}": Sum(f"hour_{hour}") for hour in range(24)}
NO_KEY = (None, None, None, None, None, None)
# A stored value back as the dimension's own: ids are numbers, "" is none.
_IDS = ("team", "target_group", "person")


def _value(dimension: str, stored: str):
    if stored == "":
        return None
    return int(stored) if dimension in _IDS else stored


def _tally(row: dict) -> Tally:
    return Tally(
        **{name: row[name] or 0 for name in Tally.COUNTS},
        response=[row[f"wall_{slot}"] or 0 for slot in range(SLOTS)],
        service=[row[f"service_{slot}"] or 0 for slot in range(SLOTS)],
        hours=[row.get(f"hour_{hour}") or 0 for hour in range(24)],
    )


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
    """Full-key tallies (today's, an employee's) added to the per-dimension and per-day ones."""
    for key, part in tallies_by_key.items():
        for name in BY_KEY:
            for value in DIMENSIONS[name](key):
                _add(by[name], value, part)
        _add(by_day, (key[0], *NO_KEY), part)


def _days_in(runs: list[tuple[date, date]]) -> Q:
    return reduce(operator.or_, (Q(day__gte=first, day__lte=last) for first, last in runs))


def tallies(first: date, last: date, *, today: date, channel: int | None = None):
    """
    The period's tallies: per value of each dimension (channel, category, priority,
    team, target group, person), and per day.
    """
    by: dict[str, dict] = {name: {} for name in BY_KEY}
    by_day: dict[tuple, Tally] = {}
    closed_last = min(last, today - timedelta(days=1))
    if first <= closed_last:
        rollups = DailyRollup.objects.filter(day__gte=first, day__lte=closed_last)
        if channel:
            rollups = rollups.filter(channel_id=channel)
        every = rollups.filter(dimension=DailyRollup.Dimension.ALL)
        for row in every.values("channel").annotate(**_SUMS).order_by():
            by["channel"][row["channel"]] = _tally(row)
        for row in every.values("day").annotate(**_SUMS, **_HOURS).order_by():
            by_day[(row["day"], *NO_KEY)] = _tally(row)
        # Each dimension's values: whole months from their monthly rows, the days left over from theirs.
        months, loose = split_months(first, closed_last)
        parts = [DailyRollup.objects.filter(_days_in(loose))] if loose else []
        if months:
            parts.append(MonthlyRollup.objects.filter(month__in=months))
        for rows in parts:
            rows = rows.filter(channel_id=channel) if channel else rows
            rows = rows.exclude(dimension=DailyRollup.Dimension.ALL)
            for row in rows.values("dimension", "value").annotate(**_SUMS).order_by():
                _add(by[row["dimension"]], _value(row["dimension"], row["value"]), _tally(row))
    if last >= today:
        _from_posts(tally_since(max(first, today), last, channel), by, by_day)
    return by, by_day


def waiting_in(posts) -> list[Waiting]:
    """
    Of these posts, the must-reply ones still waiting for an answer, each with its key.
    The categories come as their JSON text and each distinct list is read once (a
    year's waiting posts are thousands, their lists of categories a few dozen).
    """
    rows = (
        with_target_group(posts.filter(must_reply=True, first_response_at__isnull=True, status__in=OPEN))
        .annotate(categories_text=Cast("categories", TextField()))
        .values_list("published_at", "channel_id", "categories_text", "priority", "team_id", "target_group", "due_at")
        .order_by()
    )
    keys: dict[str | None, str] = {}
    found = []
    for published_at, channel_id, categories, priority, team_id, group_id, due_at in rows:
        if categories not in keys:
            keys[categories] = categories_key(json.loads(categories) if categories else [])
        key = (oslo_day(published_at), channel_id, keys[categories], priority, team_id, group_id, None)
        found.append(Waiting(key, due_at))
    return found


def waiting(first: date, last: date, channel: int | None = None) -> list[Waiting]:
    """The period's must-reply posts still waiting for an answer, each with its key."""
    return waiting_in(incoming(first, last, channel))


def waiting_within(waits: list[Waiting], first: date, last: date) -> list[Waiting]:
    """Of posts waiting (read once for a longer span), those published from `first` to `last`."""
    return [post for post in waits if first <= post.key[0] <= last]


def _assemble(first, last, now, channel, by, by_day, waits) -> Report:
    total = Tally()
    for part in by_day.values():
        total.merge(part)
    cuts = {name: figures_by(by[name], waits, now, name) for name in BY_KEY}
    cuts.update({name: grouped(by_day, waits, now, name) for name in BY_DAY})
    return Report(
        first, last, now, channel, figures(total, waits, now), cuts, heatmap(by_day), total.response, total.service
    )


def report(
    first: date,
    last: date,
    *,
    now: datetime | None = None,
    channel: int | None = None,
    waits: list[Waiting] | None = None,
) -> Report:
    """A period's figures; `waits`, when given, are the posts waiting over a span that holds the period."""
    now = now or timezone.now()
    by, by_day = tallies(first, last, today=timezone.localdate(now), channel=channel)
    waits = waiting(first, last, channel) if waits is None else waiting_within(waits, first, last)
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
    return _assemble(first, last, now, channel, by, by_day, waiting_in(posts))


@dataclass
class Feedback:
    """What one category's posts (complaints, technical problems) were about in a period."""

    posts: int
    themes: dict[int | None, int]
    terms: Counter


def feedback(first: date, last: date, *, today: date, channel: int | None = None) -> dict[str, Feedback]:
    """Per feedback category: the posts, by theme, and the words they used (closed days from the rollups)."""
    found = {category: Feedback(0, {}, Counter()) for category in FEEDBACK_CATEGORIES}
    closed_last = min(last, today - timedelta(days=1))
    if first <= closed_last:
        themes = FeedbackRollup.objects.filter(day__gte=first, day__lte=closed_last)
        if channel:
            themes = themes.filter(channel_id=channel)
        for category, theme, posts in (
            themes.values("category", "theme").annotate(n=Sum("posts")).values_list("category", "theme", "n")
        ):
            part = found.setdefault(category, Feedback(0, {}, Counter()))
            part.posts += posts
            part.themes[theme] = part.themes.get(theme, 0) + posts
        # The words: whole months from their monthly rows, the days left over from theirs.
        months, loose = split_months(first, closed_last)
        words = [TermRollup.objects.filter(_days_in(loose))] if loose else []
        if months:
            words.append(MonthlyTermRollup.objects.filter(month__in=months))
        for rows in words:
            rows = rows.filter(channel_id=channel) if channel else rows
            for category, terms in rows.values_list("category", "terms"):
                found.setdefault(category, Feedback(0, {}, Counter())).terms.update(terms)
    if last >= today:
        themes, words = feedback_of(incoming(max(first, today), last, channel))
        for (_day, _channel, category, theme), posts in themes.items():
            part = found.setdefault(category, Feedback(0, {}, Counter()))
            part.posts += posts
            part.themes[theme] = part.themes.get(theme, 0) + posts
        for (_day, _channel, category), terms in words.items():
            found.setdefault(category, Feedback(0, {}, Counter())).terms.update(terms)
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


def totals(
    first: date,
    last: date,
    *,
    now: datetime | None = None,
    channel: int | None = None,
    waits: list[Waiting] | None = None,
) -> Totals:
    """A period's figures in all; `waits` as for `report`."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    total = Tally()
    closed_last = min(last, today - timedelta(days=1))
    if first <= closed_last:
        rollups = DailyRollup.objects.filter(day__gte=first, day__lte=closed_last, dimension=DailyRollup.Dimension.ALL)
        if channel:
            rollups = rollups.filter(channel_id=channel)
        total.merge(_tally(rollups.aggregate(**_SUMS)))
    if last >= today:
        for part in tally_since(max(first, today), last, channel).values():
            total.merge(part)
    waits = waiting(first, last, channel) if waits is None else waiting_within(waits, first, last)
    return Totals(first, last, figures(total, waits, now))
