"""
The daily rollups, computed from the posts (services: they write). A day is computed
whole, in one transaction: its rows are replaced by what the posts say now, so a late
answer, a re-triage or a changed policy is counted once the day is computed again.
`recompute_recent` (every few minutes) takes the last closed days and the days marked
for it (`mark_days`); `rebuild` (the `rebuild_rollups` command) takes any range.
"""

import operator
from collections import Counter
from collections.abc import Iterable, Iterator
from datetime import date, datetime, time, timedelta
from functools import reduce

from django.db import transaction
from django.db.models import (
    Case,
    Count,
    DateTimeField,
    DurationField,
    Exists,
    ExpressionWrapper,
    F,
    OuterRef,
    Q,
    QuerySet,
    Sum,
    Value,
    When,
)
from django.db.models.functions import ExtractHour, Greatest, Least
from django.utils import timezone

from ..models import DailyRollup, FeedbackRollup, OutboxMessage, OwnContentRollup, Post, RollupDay, TermRollup
from ..selectors import in_category
from ..triage import deadlines, rulebook
from ..triage.language import load_lexicon
from .metrics import (
    ANSWERED_ELSEWHERE,
    BUCKETS,
    CLOSED,
    DIMENSIONS,
    FEEDBACK_CATEGORIES,
    NO_REPLY_NEEDED,
    OSLO,
    SLOTS,
    SPAM,
    PostRow,
    Tally,
    bucket_of,
    categories_key,
    oslo_day,
    terms_of,
    top_terms,
)

# Closed days computed again on every run: late answers mostly come within these.
RECENT_DAYS = 14
# Marked days taken per run, newest first (a policy change marks every day).
MARKED_PER_RUN = 60

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
    "author__target_group_id",
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


# --- One day's posts tallied in the database --------------------------------------------
#
# The same figures as `Tally.add`, counted by SQL per full key, so that a day of
# thousands of posts (today's, on every page; each day of a rebuild) comes back as a
# few hundred rows. The service time of a response within the day it was published is
# its overlap with that day's service window (`deadlines.service_window`, by the post's
# policy), computed in SQL too; the few answered on a later day, or under a policy in
# another time zone, are computed by `deadlines.service_seconds` as before.

KEY_FIELDS = ("channel_id", "categories", "priority", "team_id", "author__target_group_id", "first_responder_id")
_ANSWERED = Q(must_reply=True, first_response_at__isnull=False)


def _histogram(name: str, seconds: str, answered: Q) -> dict[str, Sum]:
    """Sums counting the answered posts in each bucket of `seconds` (an alias of durations)."""
    sums = {}
    for slot in range(SLOTS):
        bounds = {}
        if slot > 0:
            bounds[f"{seconds}__gt"] = timedelta(seconds=BUCKETS[slot - 1])
        if slot < len(BUCKETS):
            bounds[f"{seconds}__lte"] = timedelta(seconds=BUCKETS[slot])
        sums[f"{name}_{slot}"] = Sum(Case(When(answered & Q(**bounds), then=1), default=0))
    return sums


def _counts() -> dict[str, Sum]:
    must = Q(must_reply=True)
    closed_unanswered = must & Q(first_response_at__isnull=True, status=CLOSED)
    one = {"then": 1}
    return {
        "n_posts": Count("pk"),
        "n_must_reply": Sum(Case(When(must, **one), default=0)),
        "n_needs_look": Sum(Case(When(must & Q(needs_look=True), **one), default=0)),
        "n_answered": Sum(Case(When(_ANSWERED, **one), default=0)),
        "n_answered_on_time": Sum(
            Case(When(_ANSWERED & (Q(due_at__isnull=True) | Q(first_response_at__lte=F("due_at"))), **one), default=0)
        ),
        "n_no_reply_needed": Sum(Case(When(closed_unanswered & Q(close_reason=NO_REPLY_NEEDED), **one), default=0)),
        "n_spam": Sum(Case(When(closed_unanswered & Q(close_reason=SPAM), **one), default=0)),
        "n_answered_elsewhere": Sum(
            Case(When(closed_unanswered & Q(close_reason=ANSWERED_ELSEWHERE), **one), default=0)
        ),
    }


def _service_within(day: date) -> tuple[ExpressionWrapper | None, Q]:
    """
    The overlap of publication to first response with the day's service window, by the
    post's policy (`rulebook.policy_for` of its channel and priority), and the condition
    of the posts it holds for: answered the same day, under a policy kept in Oslo time.
    """
    from strategy.models import Channel, Priority

    by_window: dict[tuple[datetime, datetime], Q] = {}
    for channel_id in Channel.objects.values_list("pk", flat=True):
        for priority in Priority.values:
            policy = rulebook.policy_for(channel_id, priority)
            if policy.timezone == OSLO.key:
                pair = Q(channel_id=channel_id, priority=priority)
                window = deadlines.service_window(day, policy)
                by_window[window] = by_window[window] | pair if window in by_window else pair
    if not by_window:
        return None, Q(pk__in=[])
    covered = reduce(operator.or_, by_window.values())
    starts = [When(pairs, then=Value(start)) for (start, _end), pairs in by_window.items()]
    ends = [When(pairs, then=Value(end)) for (_start, end), pairs in by_window.items()]
    begin = Greatest(F("published_at"), Case(*starts, output_field=DateTimeField()))
    finish = Least(F("first_response_at"), Case(*ends, output_field=DateTimeField()))
    _start, day_end = day_bounds(day, day)
    return ExpressionWrapper(finish - begin, output_field=DurationField()), covered & Q(first_response_at__lt=day_end)


def tally_since(first: date, last: date, channel: int | None = None) -> dict[tuple, Tally]:
    """The posts from `first` (today) to `last` per full key: the first day in SQL, any later ones (none yet) by row."""
    tallies = tally_day(incoming(first, first, channel), first)
    if last > first:
        tallies.update(tally_by_key(incoming(first + timedelta(days=1), last, channel)))
    return tallies


def tally_day(posts: QuerySet[Post], day: date) -> dict[tuple, Tally]:
    """
    One Oslo day's posts (`posts` holds no other day's) tallied per full key, as
    `tally_by_key` would, with the counting done by the database.
    """
    service, in_sql = _service_within(day)
    posts = posts.order_by().alias(
        wall=ExpressionWrapper(F("first_response_at") - F("published_at"), output_field=DurationField()),
        hour=ExtractHour("published_at", tzinfo=OSLO),
    )
    sums = {**_counts(), **_histogram("wall", "wall", _ANSWERED)}
    if service is not None:
        posts = posts.alias(service=service)
        sums.update(_histogram("service", "service", _ANSWERED & in_sql))
    sums.update({f"hour_{hour}": Sum(Case(When(hour=hour, then=1), default=0)) for hour in range(24)})
    tallies: dict[tuple, Tally] = {}
    for row in posts.values(*KEY_FIELDS).annotate(**sums):
        key = (
            day,
            row["channel_id"],
            categories_key(row["categories"] or []),
            row["priority"],
            row["team_id"],
            row["author__target_group_id"],
            row["first_responder_id"],
        )
        part = Tally(
            **{name: row[f"n_{name}"] or 0 for name in Tally.COUNTS},
            response=[row[f"wall_{slot}"] or 0 for slot in range(SLOTS)],
            service=[row.get(f"service_{slot}") or 0 for slot in range(SLOTS)],
            hours=[row[f"hour_{hour}"] or 0 for hour in range(24)],
        )
        if key in tallies:
            tallies[key].merge(part)
        else:
            tallies[key] = part
    # The answered whose service time SQL did not compute: answered on a later day, another time zone.
    apart = posts.filter(_ANSWERED).exclude(in_sql) if service is not None else posts.filter(_ANSWERED)
    for values in apart.values_list(*KEY_FIELDS, "published_at", "first_response_at").iterator(chunk_size=2000):
        channel_id, categories, priority, team_id, group_id, person_id, published_at, answered_at = values
        key = (day, channel_id, categories_key(categories or []), priority, team_id, group_id, person_id)
        policy = rulebook.policy_for(channel_id, priority)
        tallies[key].service[bucket_of(deadlines.service_seconds(published_at, answered_at, policy))] += 1
    return tallies


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


def feedback_of(posts: QuerySet[Post]) -> tuple[Counter, dict[tuple, Counter]]:
    """
    The complaints and technical problems: how many per (day, channel, category, theme),
    and how many of them used each word per (day, channel, category).
    """
    stopwords = _stopwords()
    themes: Counter = Counter()
    words: dict[tuple, Counter] = {}
    for category in FEEDBACK_CATEGORIES:
        rows = posts.filter(in_category(posts.db, category)).values_list(
            "published_at", "channel_id", "theme_id", "text"
        )
        for published_at, channel_id, theme_id, text in rows.iterator(chunk_size=2000):
            day = oslo_day(published_at)
            themes[(day, channel_id, category, theme_id)] += 1
            words.setdefault((day, channel_id, category), Counter()).update(terms_of(text or "", stopwords))
    return themes, words


def own_content_of(first: date, last: date) -> dict[tuple[date, int], list[int]]:
    """
    Per (day, channel): [our replies, our publications]. Sent from here (the outbox, by
    the day it was sent), and written on the platform itself (our own posts the
    platforms delivered, unless the outbox sent them).
    """
    start, end = day_bounds(first, last)
    found: dict[tuple[date, int], list[int]] = {}
    sent = OutboxMessage.objects.filter(
        status__in=[OutboxMessage.Status.SENT, OutboxMessage.Status.SANDBOX], sent_at__gte=start, sent_at__lt=end
    )
    for sent_at, channel_id, action in sent.values_list("sent_at", "channel_id", "action").iterator():
        counts = found.setdefault((oslo_day(sent_at), channel_id), [0, 0])
        counts[0 if action == OutboxMessage.Action.REPLY else 1] += 1
    from_here = OutboxMessage.objects.filter(channel_id=OuterRef("channel_id"), external_id=OuterRef("external_id"))
    ours = (
        Post.objects.filter(is_ours=True, deleted_at__isnull=True, published_at__gte=start, published_at__lt=end)
        .exclude(Exists(from_here))
        .values_list("published_at", "channel_id", "parent_id", "kind")
    )
    for published_at, channel_id, parent_id, kind in ours.iterator():
        counts = found.setdefault((oslo_day(published_at), channel_id), [0, 0])
        counts[0 if parent_id is not None or kind in (Post.Kind.COMMENT, Post.Kind.REPLY) else 1] += 1
    return found


def compute_days(days: Iterable[date]) -> int:
    """Compute these days' rollups again from the posts; the number of rows written."""
    written = 0
    now = timezone.now()
    for day in sorted(set(days)):
        posts = incoming(day, day)
        tallies = tally_day(posts, day)
        themes, words = feedback_of(posts)
        with transaction.atomic():
            DailyRollup.objects.filter(day=day).delete()
            rows = DailyRollup.objects.bulk_create(
                _rollup(key, part, now) for key, part in per_dimension(tallies).items()
            )
            FeedbackRollup.objects.filter(day=day).delete()
            FeedbackRollup.objects.bulk_create(
                FeedbackRollup(day=key[0], channel_id=key[1], category=key[2], theme_id=key[3], posts=count)
                for key, count in themes.items()
            )
            TermRollup.objects.filter(day=day).delete()
            TermRollup.objects.bulk_create(
                TermRollup(day=key[0], channel_id=key[1], category=key[2], terms=top_terms(counts))
                for key, counts in words.items()
            )
            OwnContentRollup.objects.filter(day=day).delete()
            OwnContentRollup.objects.bulk_create(
                OwnContentRollup(day=key[0], channel_id=key[1], replies=counts[0], publications=counts[1])
                for key, counts in own_content_of(day, day).items()
            )
            RollupDay.objects.filter(day=day, marked_at__lte=now).delete()
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


def recompute_recent(today: date | None = None) -> int:
    """The last RECENT_DAYS closed days and up to MARKED_PER_RUN marked ones (newest first)."""
    today = today or timezone.localdate()
    recent = {today - timedelta(days=offset) for offset in range(1, RECENT_DAYS + 1)}
    marked = RollupDay.objects.filter(day__lt=today).order_by("-day").values_list("day", flat=True)
    return compute_days(recent | set(marked[:MARKED_PER_RUN]))
