"""
The dashboards' figures, defined once. Pure: plain rows in, counts and times out; no
ORM, no settings. The daily rollups and today's raw posts are tallied by the same
`tally`, so the two can never count differently.

The definitions (the reports page's help says the same in words):
- posts: incoming posts by people (not ours, not deleted), by the Oslo day they were
  published;
- must reply: those triage (or a person) marked as needing an answer, those that
  needed a look included;
- answered: must-reply posts with a first response; on time when it came at or before
  `due_at`, else late;
- waiting: must-reply posts with no response that are still open; breached: those of
  them whose deadline has passed (now);
- handled without a reply: must-reply posts closed with no response, by the reason
  given (no reply needed, spam, answered elsewhere); neither answered nor late;
- on-time rate: answered on time / (answered + breached), None when both are 0;
- first-response time: from publication to the first response, of answered must-reply
  posts, in wall-clock seconds and in service seconds (only service hours count, by
  the post's response policy: `deadlines.service_seconds`); p50 and p90 by nearest
  rank, which a histogram of fixed buckets gives to within one bucket.
A like, a hidden comment or an internal note is never a response: only a reply sets
`first_response_at`.
"""

import math
import operator
import re
from bisect import bisect_left
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date, datetime
from functools import cached_property
from zoneinfo import ZoneInfo

from ..triage.deadlines import is_public_holiday

OSLO = ZoneInfo("Europe/Oslo")

# The histogram's bucket edges, in seconds: bucket i holds times in (BUCKETS[i-1], BUCKETS[i]];
# the last bucket, past the last edge, holds everything slower than a week.
BUCKETS = (
    60, 300, 600, 900, 1800, 2700, 3600, 5400, 7200, 10800, 14400, 21600, 28800, 43200,
    86400, 172800, 259200, 604800,
)  # fmt: skip
SLOTS = len(BUCKETS) + 1

CLOSED = "closed"
# The reasons for closing a post without an answer, as Post.CloseReason stores them.
NO_REPLY_NEEDED, SPAM, ANSWERED_ELSEWHERE = "no_reply_needed", "spam", "answered_elsewhere"


@dataclass(frozen=True)
class PostRow:
    """One incoming post, as the figures need it."""

    published_at: datetime
    must_reply: bool
    needs_look: bool
    due_at: datetime | None
    first_response_at: datetime | None
    status: str
    close_reason: str
    # Publication to first response in service seconds (by the post's policy); None when unanswered.
    service_seconds: float | None = None


def oslo_day(moment: datetime) -> date:
    return moment.astimezone(OSLO).date()


def day_type(day: date) -> str:
    """ "weekday", "weekend" or "holiday" (a Norwegian public holiday on a weekday)."""
    if day.weekday() >= 5:
        return "weekend"
    return "holiday" if is_public_holiday(day) else "weekday"


def answered_on_time(due_at: datetime | None, answered_at: datetime) -> bool:
    """A first response at or before the deadline (or to a post without one) is on time."""
    return due_at is None or answered_at <= due_at


def response_seconds(published_at: datetime, answered_at: datetime) -> float:
    """Publication to first response, wall-clock seconds (never below zero)."""
    return max(0.0, (answered_at - published_at).total_seconds())


def bucket_of(seconds: float) -> int:
    return bisect_left(BUCKETS, seconds)


def percentile(histogram: list[int], share: float) -> float | None:
    """
    The nearest-rank percentile (`share` 0.5 for p50) of the times a histogram holds,
    placed linearly within its bucket; None for an empty histogram. The true value lies
    in the same bucket.
    """
    total = sum(histogram)
    if not total:
        return None
    rank = max(1, math.ceil(share * total))
    seen = 0
    for slot, count in enumerate(histogram):
        if count and seen + count >= rank:
            low = 0.0 if slot == 0 else float(BUCKETS[slot - 1])
            if slot >= len(BUCKETS):
                return low
            return low + (BUCKETS[slot] - low) * (rank - seen) / count
        seen += count
    return None  # pragma: no cover - the loop always finds the rank


def exact_percentile(values: Iterable[float], share: float) -> float | None:
    """The nearest-rank percentile of the values themselves (today's raw rows, the tests)."""
    ordered = sorted(values)
    if not ordered:
        return None
    return ordered[max(1, math.ceil(share * len(ordered))) - 1]


@dataclass
class Tally:
    """What became of a set of posts: counts and first-response histograms; tallies add up."""

    posts: int = 0
    must_reply: int = 0
    needs_look: int = 0
    answered: int = 0
    answered_on_time: int = 0
    no_reply_needed: int = 0
    spam: int = 0
    answered_elsewhere: int = 0
    response: list[int] = field(default_factory=lambda: [0] * SLOTS)
    service: list[int] = field(default_factory=lambda: [0] * SLOTS)
    # Posts by the Oslo hour they were published in.
    hours: list[int] = field(default_factory=lambda: [0] * 24)

    COUNTS = (
        "posts",
        "must_reply",
        "needs_look",
        "answered",
        "answered_on_time",
        "no_reply_needed",
        "spam",
        "answered_elsewhere",
    )

    def add(self, row: PostRow) -> None:
        self.posts += 1
        self.hours[row.published_at.astimezone(OSLO).hour] += 1
        if not row.must_reply:
            return
        self.must_reply += 1
        self.needs_look += row.needs_look
        if row.first_response_at is not None:
            self.answered += 1
            if answered_on_time(row.due_at, row.first_response_at):
                self.answered_on_time += 1
            wall = response_seconds(row.published_at, row.first_response_at)
            self.response[bucket_of(wall)] += 1
            self.service[bucket_of(row.service_seconds if row.service_seconds is not None else wall)] += 1
        elif row.status == CLOSED:
            if row.close_reason == NO_REPLY_NEEDED:
                self.no_reply_needed += 1
            elif row.close_reason == SPAM:
                self.spam += 1
            elif row.close_reason == ANSWERED_ELSEWHERE:
                self.answered_elsewhere += 1

    def merge(self, other: "Tally") -> "Tally":
        # Spelt out, not a loop over COUNTS: a report merges thousands of tallies.
        self.posts += other.posts
        self.must_reply += other.must_reply
        self.needs_look += other.needs_look
        self.answered += other.answered
        self.answered_on_time += other.answered_on_time
        self.no_reply_needed += other.no_reply_needed
        self.spam += other.spam
        self.answered_elsewhere += other.answered_elsewhere
        self.response = list(map(operator.add, self.response, _slots(other.response)))
        self.service = list(map(operator.add, self.service, _slots(other.service)))
        self.hours = list(map(operator.add, self.hours, other.hours))
        return self

    def flat(self) -> list[int]:
        """Every figure in one list (the counts, both histograms, the hours): for adding many tallies up fast."""
        # Spelt out, as merge is: a year's page flattens two thousand tallies.
        return [
            self.posts,
            self.must_reply,
            self.needs_look,
            self.answered,
            self.answered_on_time,
            self.no_reply_needed,
            self.spam,
            self.answered_elsewhere,
            *_slots(self.response),
            *_slots(self.service),
            *self.hours,
        ]

    @classmethod
    def total(cls, parts: list["Tally"]) -> "Tally":
        """A new tally of these added up (none: an empty one)."""
        return cls.from_flats([part.flat() for part in parts]) if parts else cls()

    @classmethod
    def from_flats(cls, flats: list[list[int]]) -> "Tally":
        """Flat tallies added up column by column: faster than merging a year's days or hundreds of keys."""
        return cls.from_flat(flats[0] if len(flats) == 1 else [sum(column) for column in zip(*flats, strict=True)])

    @classmethod
    def from_flat(cls, figures: list[int]) -> "Tally":
        counts = len(cls.COUNTS)
        return cls(
            *figures[:counts],
            response=list(figures[counts : counts + SLOTS]),
            service=list(figures[counts + SLOTS : counts + 2 * SLOTS]),
            hours=list(figures[counts + 2 * SLOTS :]),
        )

    @property
    def late(self) -> int:
        return self.answered - self.answered_on_time

    @property
    def handled_without_reply(self) -> int:
        return self.no_reply_needed + self.spam + self.answered_elsewhere


def _slots(histogram: list[int]) -> list[int]:
    """A stored histogram at today's number of buckets (an empty one is all zeros)."""
    if len(histogram) == SLOTS:
        return histogram
    return list(histogram) + [0] * (SLOTS - len(histogram)) if len(histogram) <= SLOTS else list(histogram[:SLOTS])


def tally(rows: Iterable[PostRow]) -> Tally:
    total = Tally()
    for row in rows:
        total.add(row)
    return total


def is_breached(due_at: datetime | None, now: datetime) -> bool:
    """A waiting post is breached once its deadline has come (a post without one never is)."""
    return due_at is not None and due_at <= now


@dataclass(frozen=True)
class Waiting:
    """Must-reply posts still waiting for an answer that share a key: how many, and how many are breached now."""

    key: tuple
    posts: int = 1
    breached: int = 0

    @classmethod
    def post(cls, key: tuple, due_at: datetime | None, now: datetime) -> "Waiting":
        return cls(key, 1, int(is_breached(due_at, now)))


@dataclass(frozen=True)
class Figures:
    """The figures of one set of posts (a period, a channel, a team ...)."""

    posts: int
    must_reply: int
    needs_look: int
    answered: int
    answered_on_time: int
    late: int
    waiting: int
    breached: int
    no_reply_needed: int
    spam: int
    answered_elsewhere: int
    on_time_rate: float | None
    # The first responses' histograms, wall-clock and in service hours: the percentiles
    # below come from them when they are asked for (a year's page makes 400 Figures and
    # shows the percentiles of some 60).
    response: tuple[int, ...] = ()
    service: tuple[int, ...] = ()

    @cached_property
    def p50(self) -> float | None:
        return percentile(self.response, 0.5)

    @cached_property
    def p90(self) -> float | None:
        return percentile(self.response, 0.9)

    @cached_property
    def service_p50(self) -> float | None:
        return percentile(self.service, 0.5)

    @cached_property
    def service_p90(self) -> float | None:
        return percentile(self.service, 0.9)

    @property
    def handled_without_reply(self) -> int:
        return self.no_reply_needed + self.spam + self.answered_elsewhere


def figures(total: Tally, waiting: Iterable[Waiting]) -> Figures:
    waiting = list(waiting)
    breached = sum(part.breached for part in waiting)
    judged = total.answered + breached
    return Figures(
        posts=total.posts,
        must_reply=total.must_reply,
        needs_look=total.needs_look,
        answered=total.answered,
        answered_on_time=total.answered_on_time,
        late=total.late,
        waiting=sum(part.posts for part in waiting),
        breached=breached,
        no_reply_needed=total.no_reply_needed,
        spam=total.spam,
        answered_elsewhere=total.answered_elsewhere,
        on_time_rate=total.answered_on_time / judged if judged else None,
        response=tuple(total.response),
        service=tuple(total.service),
    )


# --- Grouping by a dimension ----------------------------------------------------------
#
# A rollup key is (day, channel id, categories, priority, team id, target group id, the
# first responder's user id),
# where categories are the post's codes sorted and joined by "+". A dimension maps a
# key to the values it is counted under: one value, or for categories each code (a
# post with two categories counts under both, and once in the total).


def categories_key(codes: Iterable[str]) -> str:
    return "+".join(sorted(set(codes)))


DIMENSIONS: dict[str, Callable[[tuple], list]] = {
    "day": lambda key: [key[0]],
    "channel": lambda key: [key[1]],
    "category": lambda key: key[2].split("+") if key[2] else [],
    "priority": lambda key: [key[3]],
    "team": lambda key: [key[4]],
    "target_group": lambda key: [key[5]],
    "person": lambda key: [key[6]],
    "day_type": lambda key: [day_type(key[0])],
    "weekday": lambda key: [key[0].weekday()],
}


def figures_by(parts: dict, waiting: Iterable[Waiting], by: str) -> dict[object, Figures]:
    """The figures per value of one dimension, from each value's tally; what is waiting placed by the same rule."""
    values_of = DIMENSIONS[by]
    waits: dict[object, list[Waiting]] = {}
    for post in waiting:
        for value in values_of(post.key):
            waits.setdefault(value, []).append(post)
    return {value: figures(parts.get(value, Tally()), waits.get(value, [])) for value in set(parts) | set(waits)}


def grouped(tallies: dict[tuple, Tally], waiting: Iterable[Waiting], by: str) -> dict[object, Figures]:
    """The figures per value of one dimension, from tallies by full key."""
    values_of = DIMENSIONS[by]
    members: dict[object, list[Tally]] = {}
    for key, part in tallies.items():
        for value in values_of(key):
            members.setdefault(value, []).append(part)
    return figures_by({value: Tally.total(parts) for value, parts in members.items()}, waiting, by)


def heatmap(by_day: dict[tuple, Tally]) -> list[list[int]]:
    """Posts per weekday (0 Monday) and Oslo hour, from tallies keyed by day first."""
    cells = [[0] * 24 for _ in range(7)]
    for key, part in by_day.items():
        row = cells[key[0].weekday()]
        for hour, count in enumerate(part.hours):
            row[hour] += count
    return cells


# --- Feedback for the business: what complaints and technical problems were about --------

FEEDBACK_CATEGORIES = ("dissatisfied_customer", "technical_problem")
# The words a day keeps per channel, category and theme: enough that a period's top ten are right.
TERMS_KEPT = 60
_WORD = re.compile(r"[^\W\d_]{4,}")


def terms_of(text: str, stopwords: frozenset[str]) -> set[str]:
    """The words of a post that say what it is about: four letters or more, no stopwords, each once."""
    return {word for word in _WORD.findall(text.lower()) if word not in stopwords}


def top_terms(counts: Counter, kept: int = TERMS_KEPT) -> dict[str, int]:
    """The most used words (ties by the word, so the same counts always keep the same words)."""
    return dict(sorted(counts.items(), key=lambda item: (-item[1], item[0]))[:kept])


def dialogue_share(replies: int, publications: int) -> float | None:
    """Our replies against all we said on a channel (the strategy: one-way information must not dominate)."""
    said = replies + publications
    return replies / said if said else None
