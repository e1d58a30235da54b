"""
The daily rollups, computed from the posts (services: they write). A day is computed
whole, in one transaction: its rows are replaced by what the posts say now, so a late
answer, a re-triage or a changed policy is counted once the day is computed again.
`recompute_recent` (every minute) counts today's words, takes the last closed days
and the days marked for it (`mark_days`); `rebuild` (the `rebuild_rollups` command)
takes any range. A month's rows are summed again from its days whenever one of them is.
"""

import operator
import time
from collections import Counter
from collections.abc import Iterable
from datetime import date, datetime, timedelta
from functools import reduce

from django.db import transaction
from django.db.models import Exists, OuterRef, Q, QuerySet, Sum
from django.db.models.functions import TruncDate
from django.utils import timezone

from ..models import (
    DailyRollup,
    FeedbackRollup,
    MonthlyFeedbackRollup,
    MonthlyRollup,
    MonthlyTermRollup,
    OutboxMessage,
    OwnContentRollup,
    Post,
    RollupDay,
    TermRollup,
)
from ..selectors import in_category
from ..triage.language import load_lexicon
from .counting import day_bounds, flag, incoming, tally_day
from .metrics import (
    DIMENSIONS,
    FEEDBACK_CATEGORIES,
    OSLO,
    SLOTS,
    Tally,
    oslo_day,
    terms_of,
    top_terms,
)

# A month keeps more words than a day (the sum of its days' words), so that a year's top ten are right.
MONTH_TERMS_KEPT = 200

# Closed days computed again on every run: late answers mostly come within these.
RECENT_DAYS = 14
# Marked days are taken newest first until a run has spent this long (a changed policy
# marks every day: at 5 M posts, two years take about a run; see bench/dashboard.py).
MARKED_SECONDS = 45.0

# The dimensions a rollup row may hold besides "all" (inbox.reports.metrics.DIMENSIONS names them).
ROLLUP_DIMENSIONS = ("category", "priority", "team", "target_group", "person")


def stored_value(value) -> str:
    """A dimension's value as a rollup row holds it: "" for none."""
    return "" if value is None else str(value)


def per_dimension(tallies: dict[tuple, Tally]) -> dict[tuple, Tally]:
    """
    Full-key tallies as the rows a day stores: (day, channel, "all", "") with everything,
    and (day, channel, dimension, value) with each value's share.
    """
    rows: dict[tuple, Tally] = {}
    for key, part in tallies.items():
        day, channel = key[0], key[1]
        rows.setdefault((day, channel, "all", ""), Tally()).merge(part)
        for dimension in ROLLUP_DIMENSIONS:
            for value in DIMENSIONS[dimension](key):
                rows.setdefault((day, channel, dimension, stored_value(value)), Tally()).merge(part)
    return rows


def _rollup(key: tuple, part: Tally, now: datetime) -> DailyRollup:
    day, channel_id, dimension, value = key
    rollup = DailyRollup(day=day, channel_id=channel_id, dimension=dimension, value=value, computed_at=now)
    for name in Tally.COUNTS:
        setattr(rollup, name, getattr(part, name))
    for slot in range(SLOTS):
        setattr(rollup, f"wall_{slot}", part.response[slot])
        setattr(rollup, f"service_{slot}", part.service[slot])
    if dimension == "all":
        for hour in range(24):
            setattr(rollup, f"hour_{hour}", part.hours[hour])
    return rollup


def _stopwords() -> frozenset[str]:
    return frozenset().union(*load_lexicon().stopwords.values())


def words_of(posts: QuerySet[Post]) -> dict[tuple, Counter]:
    """
    The complaints and technical problems: how many of them used each word, per (day,
    channel, category). (How many there were, by theme: `themes_of`.)
    """
    stopwords = _stopwords()
    words: dict[tuple, Counter] = {}
    for category in FEEDBACK_CATEGORIES:
        rows = posts.filter(in_category(posts.db, category)).values_list("published_at", "channel_id", "text")
        for published_at, channel_id, text in rows.order_by():
            words.setdefault((oslo_day(published_at), channel_id, category), Counter()).update(
                terms_of(text or "", stopwords)
            )
    return words


def themes_of(posts: QuerySet[Post]) -> Counter:
    """
    The complaints and technical problems per (channel, category, theme), counted by
    the database in one read of the posts in either category.
    """
    conditions = [in_category(posts.db, category) for category in FEEDBACK_CATEGORIES]
    counts = {f"n_{number}": _count(Q(condition)) for number, condition in enumerate(conditions)}
    themes: Counter = Counter()
    for channel_id, theme_id, *found in (
        posts.filter(reduce(operator.or_, (Q(condition) for condition in conditions)))
        .values("channel_id", "theme_id")
        .annotate(**counts)
        .values_list("channel_id", "theme_id", *counts)
        .order_by()
    ):
        for category, count in zip(FEEDBACK_CATEGORIES, found, strict=True):
            if count:
                themes[(channel_id, category, theme_id)] += count
    return themes


def count_words(day: date) -> int:
    """
    The words of one day's complaints and technical problems counted again (the minute
    task does so for today, whose words the pages read from here); the rows written.
    """
    words = words_of(incoming(day, day))
    with transaction.atomic():
        return _replace_words(day, words)


def _replace_words(day: date, words: dict[tuple, Counter]) -> int:
    """A day's word rollups replaced by these counts, the most used kept (inside the caller's transaction)."""
    TermRollup.objects.filter(day=day).delete()
    rows = TermRollup.objects.bulk_create(
        TermRollup(day=key[0], channel_id=key[1], category=key[2], terms=top_terms(counts))
        for key, counts in words.items()
    )
    return len(rows)


def own_content_of(first: date, last: date) -> dict[tuple[date, int], list[int]]:
    """
    Per (day, channel): [our replies, our publications], counted by the database. Sent
    from here (the outbox, by the day it was sent), and written on the platform itself
    (our own posts the platforms delivered, unless the outbox sent them).
    """
    start, end = day_bounds(first, last)
    found: dict[tuple[date, int], list[int]] = {}
    sent = OutboxMessage.objects.filter(
        status__in=[OutboxMessage.Status.SENT, OutboxMessage.Status.SANDBOX], sent_at__gte=start, sent_at__lt=end
    )
    is_reply = Q(action=OutboxMessage.Action.REPLY)
    from_here = OutboxMessage.objects.filter(channel_id=OuterRef("channel_id"), external_id=OuterRef("external_id"))
    ours = Post.objects.filter(
        is_ours=True, deleted_at__isnull=True, published_at__gte=start, published_at__lt=end
    ).exclude(Exists(from_here))
    answers = Q(parent__isnull=False) | Q(kind__in=(Post.Kind.COMMENT, Post.Kind.REPLY))
    for rows, moment, reply in ((sent, "sent_at", is_reply), (ours, "published_at", answers)):
        for day, channel_id, replies, publications in (
            rows.annotate(day=TruncDate(moment, tzinfo=OSLO))
            .values("day", "channel_id")
            .annotate(r=_count(reply), p=_count(~reply))
            .values_list("day", "channel_id", "r", "p")
            .order_by()
        ):
            counts = found.setdefault((day, channel_id), [0, 0])
            counts[0] += replies
            counts[1] += publications
    return found


def _count(condition: Q) -> Sum:
    """How many of the rows meet the condition."""
    return Sum(flag(condition))


def compute_days(days: Iterable[date], *, until: float | None = None) -> int:
    """
    Compute these days' rollups again from the posts, in the order given, then their
    months; the number of daily rows written. With `until` (a time.monotonic() moment)
    the days left when it comes are left for the next run.
    """
    written = 0
    now = timezone.now()
    done = []
    for day in dict.fromkeys(days):
        if until is not None and time.monotonic() >= until:
            break
        done.append(day)
        posts = incoming(day, day)
        tallies = tally_day(posts, day)
        themes, words = themes_of(posts), words_of(posts)
        with transaction.atomic():
            DailyRollup.objects.filter(day=day).delete()
            rows = DailyRollup.objects.bulk_create(
                _rollup(key, part, now) for key, part in per_dimension(tallies).items()
            )
            FeedbackRollup.objects.filter(day=day).delete()
            FeedbackRollup.objects.bulk_create(
                FeedbackRollup(day=day, channel_id=channel_id, category=category, theme_id=theme_id, posts=count)
                for (channel_id, category, theme_id), count in themes.items()
            )
            _replace_words(day, words)
            OwnContentRollup.objects.filter(day=day).delete()
            OwnContentRollup.objects.bulk_create(
                OwnContentRollup(day=key[0], channel_id=key[1], replies=counts[0], publications=counts[1])
                for key, counts in own_content_of(day, day).items()
            )
            RollupDay.objects.filter(day=day, marked_at__lte=now).delete()
        written += len(rows)
    compute_months({month_of(day) for day in done})
    return written


def figure_sums() -> dict[str, Sum]:
    """The sums of a set of rollup rows' figures (counts and both histograms), by column."""
    return {
        **{name: Sum(name) for name in Tally.COUNTS},
        **{f"wall_{slot}": Sum(f"wall_{slot}") for slot in range(SLOTS)},
        **{f"service_{slot}": Sum(f"service_{slot}") for slot in range(SLOTS)},
    }


def month_of(day: date) -> date:
    return day.replace(day=1)


def month_last(day: date) -> date:
    """The last day of the month `day` is in."""
    return (day.replace(day=28) + timedelta(days=4)).replace(day=1) - timedelta(days=1)


def split_months(first: date, last: date) -> tuple[list[date], list[tuple[date, date]]]:
    """
    The days from `first` to `last` as the months wholly within them (their first
    days) and the runs of days left over at either end (pure).
    """
    months, loose = [], []
    month = first if first.day == 1 else month_last(first) + timedelta(days=1)
    if month_last(month) > last:
        return [], [(first, last)]
    if first < month:
        loose.append((first, month - timedelta(days=1)))
    while month_last(month) <= last:
        months.append(month)
        month = month_last(month) + timedelta(days=1)
    if month <= last:
        loose.append((month, last))
    return months, loose


def compute_months(months: Iterable[date]) -> int:
    """Sum these months' daily rollups (their themes and words too) into their monthly rows again; the rows written."""
    written = 0
    now = timezone.now()
    for month in sorted(set(months)):
        days = {"day__gte": month, "day__lte": month_last(month)}
        sums = (
            DailyRollup.objects.filter(**days)
            .values("channel_id", "dimension", "value")
            .annotate(**figure_sums())
            .order_by()
        )
        rows = [MonthlyRollup(month=month, computed_at=now, **row) for row in sums]
        themes = (
            FeedbackRollup.objects.filter(**days)
            .values("channel_id", "category", "theme_id")
            .annotate(posts=Sum("posts"))
            .order_by()
        )
        feedback_rows = [MonthlyFeedbackRollup(month=month, **row) for row in themes]
        words: dict[tuple, Counter] = {}
        for channel_id, category, terms in TermRollup.objects.filter(**days).values_list(
            "channel_id", "category", "terms"
        ):
            words.setdefault((channel_id, category), Counter()).update(terms)
        with transaction.atomic():
            MonthlyRollup.objects.filter(month=month).delete()
            MonthlyRollup.objects.bulk_create(rows)
            MonthlyFeedbackRollup.objects.filter(month=month).delete()
            MonthlyFeedbackRollup.objects.bulk_create(feedback_rows)
            MonthlyTermRollup.objects.filter(month=month).delete()
            MonthlyTermRollup.objects.bulk_create(
                MonthlyTermRollup(
                    month=month, channel_id=channel_id, category=category, terms=top_terms(counts, MONTH_TERMS_KEPT)
                )
                for (channel_id, category), counts in words.items()
            )
        written += len(rows)
    return written


def rebuild(first: date, last: date) -> int:
    """Every day from `first` to `last` (inclusive) computed again; the rows written."""
    return compute_days(first + timedelta(days=offset) for offset in range((last - first).days + 1))


def mark_days(days: Iterable[date]) -> int:
    """Days to compute again on the next run (a changed policy, a holiday, an old post edited)."""
    days = sorted(set(days))
    existing = set(RollupDay.objects.filter(day__in=days).values_list("day", flat=True))
    RollupDay.objects.bulk_create([RollupDay(day=day) for day in days if day not in existing], ignore_conflicts=True)
    RollupDay.objects.filter(day__in=existing).update(marked_at=timezone.now())
    return len(days)


def mark_every_day() -> int:
    """Every day that has posts: the service hours or a policy changed, so every service time may have."""
    first = Post.objects.filter(is_ours=False).order_by("published_at").values_list("published_at", flat=True).first()
    if first is None:
        return 0
    today = timezone.localdate()
    start = oslo_day(first)
    return mark_days(start + timedelta(days=offset) for offset in range((today - start).days))


def recompute_recent(today: date | None = None, *, seconds: float = MARKED_SECONDS) -> int:
    """
    Today's words, the last RECENT_DAYS closed days, then the marked ones, newest first,
    for up to `seconds` in all.
    """
    started = time.monotonic()
    today = today or timezone.localdate()
    count_words(today)
    recent = [today - timedelta(days=offset) for offset in range(1, RECENT_DAYS + 1)]
    written = compute_days(recent)
    marked = RollupDay.objects.filter(day__lt=today).exclude(day__in=recent).order_by("-day")
    return written + compute_days(marked.values_list("day", flat=True), until=started + seconds)
