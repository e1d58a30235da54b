"""
Who is on duty when, by a team's rota: a weekly pattern of shifts (one set for each
weekday, one for public holidays) with dated exceptions (away: holidays, sick days,
the giving side of a swap; on: an extra shift, the taking side). Pure: plain data in,
user ids out, in local time (Europe/Oslo), with Norway's public holidays.
"""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
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
