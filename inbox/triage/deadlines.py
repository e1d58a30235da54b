"""
When a post must be answered, by the strategy's section 9: "reply the same day the
post was published; on weekends and holidays, strive to respond promptly".

Pure: a publication time and a policy in, a deadline out. No ORM, no settings.
Service hours are working hours on working days (Mon-Fri, not Norwegian public
holidays) and on-duty hours on Saturdays, Sundays and public holidays, all in local
time (Europe/Oslo). Arithmetic is done in UTC, so daylight-saving nights cost nothing.
"""

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from functools import lru_cache
from zoneinfo import ZoneInfo

import holidays

OSLO = ZoneInfo("Europe/Oslo")
# How far ahead a deadline may be looked for: far beyond any real policy, but finite.
MAX_DAYS_AHEAD = 60


@dataclass(frozen=True)
class Policy:
    """
    A response policy. The defaults are the strategy's.

    - same_day_cutoff: a post published on a working day before this time is due at
      the end of that day's working hours; None switches the same-day rule off.
    - promptly_hours: any other post is due this many service hours after publication.
    - target_hours: when set, no post is due later than this many service hours after
      publication (a shorter target, e.g. for urgent posts).
    """

    same_day_cutoff: time | None = time(14, 0)
    promptly_hours: Decimal = Decimal(4)
    target_hours: Decimal | None = None
    working_start: time = time(8, 0)
    working_end: time = time(16, 0)
    on_duty_start: time = time(9, 0)
    on_duty_end: time = time(21, 0)
    timezone: str = "Europe/Oslo"


DEFAULT_POLICY = Policy()


@dataclass(frozen=True)
class Deadline:
    due_at: datetime  # aware, UTC
    rule: str  # "same_day", "promptly" or "target"


@lru_cache(maxsize=64)
def _holidays(year: int) -> holidays.HolidayBase:
    return holidays.country_holidays("NO", years=year)


def is_public_holiday(day: date) -> bool:
    return day in _holidays(day.year)


def is_working_day(day: date) -> bool:
    return day.weekday() < 5 and not is_public_holiday(day)


@lru_cache(maxsize=4096)
def service_window(day: date, policy: Policy = DEFAULT_POLICY) -> tuple[datetime, datetime]:
    """The service hours of a local day, as UTC datetimes: working hours, or on-duty hours (kept: pure)."""
    zone = ZoneInfo(policy.timezone)
    if is_working_day(day):
        start, end = policy.working_start, policy.working_end
    else:
        start, end = policy.on_duty_start, policy.on_duty_end
    return (
        datetime.combine(day, start, tzinfo=zone).astimezone(UTC),
        datetime.combine(day, end, tzinfo=zone).astimezone(UTC),
    )


def add_service_hours(start: datetime, hours: Decimal, policy: Policy = DEFAULT_POLICY) -> datetime:
    """The moment `hours` of service time have passed since `start`; outside service hours the clock waits."""
    if start.tzinfo is None:
        raise ValueError("start must be an aware datetime")
    remaining = timedelta(seconds=float(hours) * 3600)
    zone = ZoneInfo(policy.timezone)
    day = start.astimezone(zone).date()
    for _ in range(MAX_DAYS_AHEAD):
        window_start, window_end = service_window(day, policy)
        begin = max(window_start, start)
        if begin < window_end:
            available = window_end - begin
            if remaining <= available:
                return begin + remaining
            remaining -= available
        day += timedelta(days=1)
    raise ValueError(f"no deadline within {MAX_DAYS_AHEAD} days; check the policy's hours")


def due_at(published_at: datetime, policy: Policy = DEFAULT_POLICY) -> Deadline:
    """The deadline of a post published at `published_at` (aware) under `policy`."""
    if published_at.tzinfo is None:
        raise ValueError("published_at must be an aware datetime")
    published_at = published_at.astimezone(UTC)
    zone = ZoneInfo(policy.timezone)
    local = published_at.astimezone(zone)
    deadline = None
    if policy.same_day_cutoff is not None and is_working_day(local.date()) and local.time() < policy.same_day_cutoff:
        _start, end = service_window(local.date(), policy)
        deadline = Deadline(end, "same_day")
    else:
        deadline = Deadline(add_service_hours(published_at, policy.promptly_hours, policy), "promptly")
    if policy.target_hours is not None:
        target = add_service_hours(published_at, policy.target_hours, policy)
        if target < deadline.due_at:
            deadline = Deadline(target, "target")
    return deadline


def in_service_hours(moment: datetime, policy: Policy = DEFAULT_POLICY) -> bool:
    """Whether `moment` lies within the service hours of its local day (ends included)."""
    day = moment.astimezone(ZoneInfo(policy.timezone)).date()
    start, end = service_window(day, policy)
    return start <= moment <= end


@dataclass(frozen=True)
class Standing:
    """
    Where a post stands against its deadline: waiting ("on-time", "due-soon",
    "breached", with the time left or overdue) or answered ("answered-on-time",
    "answered-late", with how late; "answered" when it had no deadline); "none" when
    it has neither a deadline nor an answer.
    """

    state: str
    delta: timedelta = timedelta(0)

    @property
    def answered(self) -> bool:
        return self.state.startswith("answered")


def standing(
    due_at: datetime | None, answered_at: datetime | None, now: datetime, *, soon: timedelta = timedelta(hours=1)
) -> Standing:
    """A first response at or before `due_at` is on time; after it, late by the difference."""
    if answered_at is not None:
        if due_at is None:
            return Standing("answered")
        if answered_at <= due_at:
            return Standing("answered-on-time", due_at - answered_at)
        return Standing("answered-late", answered_at - due_at)
    if due_at is None:
        return Standing("none")
    if due_at <= now:
        return Standing("breached", now - due_at)
    return Standing("due-soon" if due_at - now <= soon else "on-time", due_at - now)


def service_seconds(start: datetime, end: datetime, policy: Policy = DEFAULT_POLICY) -> float:
    """
    The service time between two instants, in seconds: only the service hours count,
    by the same calendar as `due_at` (working hours on working days, on-duty hours on
    weekends and public holidays). Zero when `end` is not after `start`.
    """
    if start.tzinfo is None or end.tzinfo is None:
        raise ValueError("start and end must be aware datetimes")
    if end <= start:
        return 0.0
    zone = ZoneInfo(policy.timezone)
    day, last = start.astimezone(zone).date(), end.astimezone(zone).date()
    total = 0.0
    while day <= last:
        window_start, window_end = service_window(day, policy)
        begin, finish = max(window_start, start), min(window_end, end)
        if begin < finish:
            total += (finish - begin).total_seconds()
        day += timedelta(days=1)
    return total
