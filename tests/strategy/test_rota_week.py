"""A week as it happens (strategy/rota.py, pure): per date, who is on duty when, holidays and changes applied."""

from datetime import date, datetime, time, timedelta
from itertools import pairwise
from zoneinfo import ZoneInfo

from hypothesis import given, settings
from hypothesis import strategies as st

from strategy.rota import (
    HOLIDAY,
    Deviation,
    Duty,
    Shift,
    duty_by_day,
    on_duty,
    public_holiday_name,
    team_duty_by_day,
    week_of,
)

OSLO = ZoneInfo("Europe/Oslo")
WEEK = [Shift(1, day, time(8), time(16)) for day in range(5)] + [
    Shift(2, day, time(9), time(21)) for day in (5, 6, HOLIDAY)
]
# Week 20 of 2026: Monday 11 May to Sunday 17 May, with Ascension Day (Thursday 14 May)
# and Constitution Day (Sunday 17 May).
WEEK_20 = week_of(date(2026, 5, 13))
MONDAY, TUESDAY, WEDNESDAY, THURSDAY, FRIDAY, SATURDAY, SUNDAY = WEEK_20


def test_it_gives_the_week_from_monday_to_sunday_of_any_date_in_it():
    assert [date(2026, 5, 11) + timedelta(days=offset) for offset in range(7)] == WEEK_20
    assert week_of(date(2026, 5, 11)) == week_of(date(2026, 5, 17)) == WEEK_20
    assert week_of(date(2026, 1, 1))[0] == date(2025, 12, 29)  # a week across the new year


def test_it_follows_the_weekly_pattern_and_the_holiday_pattern_on_public_holidays():
    days = duty_by_day(WEEK, [], WEEK_20)

    assert days[WEDNESDAY] == [Duty(1, time(8), time(16))]
    assert days[THURSDAY] == [Duty(2, time(9), time(21))]  # Ascension Day: the holiday rota
    assert days[SATURDAY] == [Duty(2, time(9), time(21))]
    assert list(days) == WEEK_20


def test_a_day_away_takes_the_person_off_and_part_of_a_day_cuts_the_shift():
    sick = Deviation(1, MONDAY, away=True)
    dentist = Deviation(1, TUESDAY, away=True, start=time(11), end=time(12, 30))

    days = duty_by_day(WEEK, [sick, dentist], WEEK_20)

    assert days[MONDAY] == []
    assert days[TUESDAY] == [Duty(1, time(8), time(11)), Duty(1, time(12, 30), time(16))]
    assert days[WEDNESDAY] == [Duty(1, time(8), time(16))]  # only that date


def test_an_extra_shift_adds_a_person_and_joins_a_shift_it_touches():
    swap = Deviation(3, WEDNESDAY, away=False, start=time(12), end=time(16))
    longer = Deviation(1, WEDNESDAY, away=False, start=time(16), end=time(18))
    whole_day = Deviation(3, FRIDAY, away=False)

    days = duty_by_day(WEEK, [swap, longer, whole_day], WEEK_20)

    assert days[WEDNESDAY] == [Duty(1, time(8), time(18)), Duty(3, time(12), time(16))]
    assert days[FRIDAY] == [Duty(3, time(0), None), Duty(1, time(8), time(16))]  # None: until midnight


def test_an_open_ended_change_runs_from_or_to_midnight():
    late = Deviation(1, MONDAY, away=True, start=time(12))
    early = Deviation(3, MONDAY, away=False, end=time(7))

    assert duty_by_day(WEEK, [late, early], [MONDAY])[MONDAY] == [
        Duty(3, time(0), time(7)),
        Duty(1, time(8), time(12)),
    ]


def test_the_last_change_that_covers_a_moment_decides_it_as_on_duty_does():
    away, back = Deviation(1, MONDAY, away=True), Deviation(1, MONDAY, away=False, start=time(14), end=time(15))

    assert duty_by_day(WEEK, [away, back], [MONDAY])[MONDAY] == [Duty(1, time(14), time(15))]
    assert duty_by_day(WEEK, [back, away], [MONDAY])[MONDAY] == []


def test_a_change_or_a_shift_that_ends_before_it_starts_covers_nothing():
    backwards = Deviation(1, MONDAY, away=True, start=time(12), end=time(10))
    odd_shift = Shift(4, 0, time(10), time(9))

    assert duty_by_day([*WEEK, odd_shift], [backwards], [MONDAY])[MONDAY] == [Duty(1, time(8), time(16))]


def test_a_team_without_a_rota_has_every_member_who_takes_posts_on_duty_all_day():
    members = {1: True, 2: False, 3: True}

    days = team_duty_by_day(members, [], [], [MONDAY, THURSDAY])

    assert days == {day: [Duty(1, time(0), None), Duty(3, time(0), None)] for day in (MONDAY, THURSDAY)}


def test_a_team_with_a_rota_has_only_its_members_on_duty():
    extra = Deviation(9, MONDAY, away=False, start=time(8), end=time(10))  # no longer a member

    days = team_duty_by_day({1: False}, WEEK, [extra], [MONDAY, SATURDAY])

    assert days == {MONDAY: [Duty(1, time(8), time(16))], SATURDAY: []}


def test_it_names_the_public_holidays():
    assert public_holiday_name(THURSDAY, "no") == "Kristi himmelfartsdag"
    assert public_holiday_name(SUNDAY, "en_US") == "Constitution Day"
    assert public_holiday_name(WEDNESDAY, "no") is None


# Times on the quarter hour, now and then missing (a change for the whole day, or to or from midnight).
moments = st.builds(time, st.integers(0, 23), st.sampled_from([0, 15, 30, 45]))
shifts = st.builds(Shift, st.integers(1, 3), st.sampled_from([*range(7), HOLIDAY]), moments, moments)
deviations = st.builds(
    Deviation, st.integers(1, 4), st.sampled_from(WEEK_20), st.booleans(), st.none() | moments, st.none() | moments
)


@settings(max_examples=150, deadline=None)
@given(st.lists(shifts, max_size=8), st.lists(deviations, max_size=6))
def test_it_agrees_with_on_duty_at_every_moment(shifts, deviations):
    days = duty_by_day(shifts, deviations, WEEK_20)

    for day in WEEK_20:
        # Each person's stretches are apart: none empty, none touching or overlapping another.
        for user_id in {d.user_id for d in days[day]}:
            own = [d for d in days[day] if d.user_id == user_id]
            assert all(d.end is None or d.start < d.end for d in own)
            assert all(a.end is not None and a.end < b.start for a, b in pairwise(own))
        # Who is on duty changes only where a shift or a change starts or ends: checking there checks all day.
        edges = {time(0)} | {t for item in [*shifts, *deviations] for t in (item.start, item.end) if t is not None}
        for moment in sorted(edges):
            expected = on_duty(shifts, deviations, datetime.combine(day, moment, tzinfo=OSLO))
            found = {d.user_id for d in days[day] if d.start <= moment and (d.end is None or moment < d.end)}
            assert found == expected, (day, moment)
