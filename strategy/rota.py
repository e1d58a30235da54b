"""
Who is on duty when, by a team's rota: a weekly pattern of shifts (one set for each
weekday, one for public holidays) with dated exceptions (away: holidays, sick days,
the giving side of a swap; on: an extra shift, the taking side). Pure: plain data in,
user ids out, in local time (Europe/Oslo), with Norway's public holidays.
"""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import NamedTuple
from zoneinfo import ZoneInfo

import holidays

OSLO = ZoneInfo("Europe/Oslo")

HOLIDAY = 7  # the "day" of a shift worked on public holidays, whatever the weekday


@dataclass(frozen=True)
class Shift:
    user_id: int
    day: int  # 0 Monday .. 6 Sunday, or HOLIDAY
    start: time
    end: time  # after start; a shift does not run past midnight


@dataclass(frozen=True)
class Deviation:
    user_id: int
    on: date
    away: bool  # True: not on duty then; False: on duty then (an extra shift)
    start: time | None = None  # None: the whole day
    end: time | None = None


def _covers(start: time | None, end: time | None, moment: time) -> bool:
    return (start is None or start <= moment) and (end is None or moment < end)


def is_public_holiday(day: date) -> bool:
    return day in holidays.country_holidays("NO", years=day.year)


def public_holidays(first: date, last: date) -> list[date]:
    """The Norwegian public holidays from `first` to `last`, both included."""
    found = holidays.country_holidays("NO", years=range(first.year, last.year + 1))
    return sorted(day for day in found if first <= day <= last)


def day_of(moment: date) -> int:
    """Which of the rota's days a date is: a public holiday, else its weekday."""
    return HOLIDAY if is_public_holiday(moment) else moment.weekday()


def on_duty(
    shifts: Iterable[Shift], exceptions: Iterable[Deviation], at: datetime, zone: ZoneInfo = OSLO
) -> frozenset[int]:
    """The users on duty at `at` (aware): by their shifts that day, less who is away, plus extra shifts."""
    local = at.astimezone(zone)
    today, now = local.date(), local.time()
    day = day_of(today)
    on = {shift.user_id for shift in shifts if shift.day == day and shift.start <= now < shift.end}
    for exception in exceptions:
        if exception.on == today and _covers(exception.start, exception.end, now):
            if exception.away:
                on.discard(exception.user_id)
            else:
                on.add(exception.user_id)
    return frozenset(on)


def team_on_duty(
    members: dict[int, bool], shifts: Iterable[Shift], deviations: Iterable[Deviation], at: datetime
) -> frozenset[int]:
    """
    A team's members on duty at `at` (`members`: user id -> takes posts without a rota):
    by its rota when it has one (shifts or dated changes), else every member who takes
    posts. Someone on the rota who is no longer a member is not on duty.
    """
    shifts, deviations = list(shifts), list(deviations)
    if not shifts and not deviations:
        return frozenset(user_id for user_id, takes in members.items() if takes)
    return frozenset(user_id for user_id in on_duty(shifts, deviations, at) if user_id in members)


def next_change(
    shifts: Iterable[Shift], exceptions: Iterable[Deviation], at: datetime, *, days: int = 8, zone: ZoneInfo = OSLO
) -> tuple[datetime, frozenset[int]] | None:
    """When who is on duty next changes after `at` (within `days`), and who is on duty then."""
    shifts, exceptions = list(shifts), list(exceptions)
    current = on_duty(shifts, exceptions, at, zone)
    local = at.astimezone(zone)
    moments = set()
    for offset in range(days):
        day = local.date() + timedelta(days=offset)
        kind = day_of(day)
        for shift in shifts:
            if shift.day == kind:
                moments.update({shift.start, shift.end})
        for exception in exceptions:
            if exception.on == day:
                moments.update(m for m in (exception.start, exception.end) if m is not None)
                moments.add(time(0, 0))
        for moment in sorted(moments):
            when = datetime.combine(day, moment, tzinfo=zone)
            if when > local:
                then = on_duty(shifts, exceptions, when, zone)
                if then != current:
                    return when, then
        moments.clear()
    return None


class Duty(NamedTuple):
    """A stretch of a day someone is on duty, local time; `end` None: until midnight."""

    user_id: int
    start: time
    end: time | None


_DAY = timedelta(days=1)


def _since_midnight(moment: time) -> timedelta:
    return timedelta(hours=moment.hour, minutes=moment.minute, seconds=moment.second, microseconds=moment.microsecond)


def _clock(offset: timedelta) -> time | None:
    """The time of day `offset` after midnight; None for midnight at the end of the day."""
    if offset >= _DAY:
        return None
    minutes, seconds = divmod(offset.seconds, 60)
    return time(minutes // 60, minutes % 60, seconds, offset.microseconds)


def _add(stretches: list[tuple[timedelta, timedelta]], start: timedelta, end: timedelta) -> list:
    """The union of `stretches` (sorted, apart) and [start, end), sorted and apart again."""
    merged = []
    for low, high in sorted([*stretches, (start, end)]):
        if merged and low <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], high))
        else:
            merged.append((low, high))
    return merged


def _subtract(stretches: list[tuple[timedelta, timedelta]], start: timedelta, end: timedelta) -> list:
    """`stretches` less [start, end)."""
    left = []
    for low, high in stretches:
        if low < start:
            left.append((low, min(high, start)))
        if high > end:
            left.append((max(low, end), high))
    return left


def duty_by_day(
    shifts: Iterable[Shift], deviations: Iterable[Deviation], days: Iterable[date]
) -> dict[date, list[Duty]]:
    """
    Who is on duty when on each of `days`, by the shifts of its kind of day (a public
    holiday's, else its weekday's) and that date's changes, applied in order as
    `on_duty` does: the last change that covers a moment decides it. Each person's
    stretches are joined where they touch; sorted by start, then user id.
    """
    shifts, deviations = list(shifts), list(deviations)
    found = {}
    for day in days:
        kind = day_of(day)
        stretches: dict[int, list[tuple[timedelta, timedelta]]] = {}
        for shift in shifts:
            if shift.day == kind:
                start, end = _since_midnight(shift.start), _since_midnight(shift.end)
                if start < end:
                    stretches[shift.user_id] = _add(stretches.get(shift.user_id, []), start, end)
        for deviation in deviations:
            if deviation.on != day:
                continue
            # No start: from midnight; no end: to midnight (as on_duty reads them).
            start = timedelta() if deviation.start is None else _since_midnight(deviation.start)
            end = _DAY if deviation.end is None else _since_midnight(deviation.end)
            if end <= start:
                continue  # covers no moment (the forms refuse it; on_duty ignores it the same way)
            own = stretches.get(deviation.user_id, [])
            stretches[deviation.user_id] = _subtract(own, start, end) if deviation.away else _add(own, start, end)
        found[day] = sorted(
            (Duty(user_id, _clock(low), _clock(high)) for user_id, own in stretches.items() for low, high in own),
            key=lambda duty: (duty.start, duty.user_id),
        )
    return found


def team_duty_by_day(
    members: dict[int, bool], shifts: Iterable[Shift], deviations: Iterable[Deviation], days: Iterable[date]
) -> dict[date, list[Duty]]:
    """
    `duty_by_day` for a team, by `team_on_duty`'s rule (`members`: user id -> takes
    posts without a rota): with no shifts and no changes, every member who takes posts
    is on duty all day; someone on the rota who is no longer a member is not on duty.
    """
    shifts, deviations, days = list(shifts), list(deviations), list(days)
    if not shifts and not deviations:
        everyone = [Duty(user_id, time(0), None) for user_id, takes in sorted(members.items()) if takes]
        return {day: list(everyone) for day in days}
    return {
        day: [duty for duty in duties if duty.user_id in members]
        for day, duties in duty_by_day(shifts, deviations, days).items()
    }


def public_holiday_name(day: date, language: str | None = None) -> str | None:
    """The name of the public holiday on `day` (in `language`: "no", "en_US"), or None on other days."""
    return holidays.country_holidays("NO", years=day.year, language=language).get(day)


def week_of(day: date) -> list[date]:
    """The week (Monday to Sunday) that `day` falls in."""
    monday = day - timedelta(days=day.weekday())
    return [monday + timedelta(days=offset) for offset in range(7)]
