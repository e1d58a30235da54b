from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from inbox.triage.deadlines import (
    DEFAULT_POLICY,
    Policy,
    add_service_hours,
    due_at,
    in_service_hours,
    is_public_holiday,
    service_seconds,
)

OSLO = ZoneInfo("Europe/Oslo")


def local(*args) -> datetime:
    return datetime(*args, tzinfo=OSLO)


# The examples of the issue, in local time; the rule that gives each.
@pytest.mark.parametrize(
    ("published", "due", "rule"),
    [
        (local(2026, 5, 13, 10, 0), local(2026, 5, 13, 16, 0), "same_day"),  # a Wednesday morning
        (local(2026, 5, 13, 17, 30), local(2026, 5, 14, 13, 0), "promptly"),  # into Ascension Day
        (local(2026, 5, 15, 15, 0), local(2026, 5, 16, 12, 0), "promptly"),  # Friday afternoon into Saturday
        (local(2026, 5, 16, 19, 30), local(2026, 5, 17, 11, 30), "promptly"),  # Saturday evening into Sunday
        (local(2026, 3, 29, 1, 30), local(2026, 3, 29, 13, 0), "promptly"),  # the night the clocks go forward
        (local(2026, 5, 17, 22, 0), local(2026, 5, 18, 12, 0), "promptly"),  # Sunday night into Monday
    ],
)
def test_the_strategys_examples(published, due, rule):
    deadline = due_at(published)

    assert deadline.due_at == due
    assert deadline.due_at.tzinfo == UTC
    assert deadline.rule == rule


def test_the_daylight_saving_example_is_in_summer_time():
    deadline = due_at(local(2026, 3, 29, 1, 30))

    assert deadline.due_at.astimezone(OSLO).utcoffset() == timedelta(hours=2)
    assert deadline.due_at == datetime(2026, 3, 29, 11, 0, tzinfo=UTC)


def test_the_night_the_clocks_go_back():
    # Sunday 25 October 2026: 03:00 CEST becomes 02:00 CET; on-duty hours start at 09:00 CET.
    assert due_at(local(2026, 10, 25, 2, 30)).due_at == datetime(2026, 10, 25, 12, 0, tzinfo=UTC)


def test_a_post_at_the_cutoff_is_not_due_the_same_day():
    assert due_at(local(2026, 5, 13, 13, 59)).due_at == local(2026, 5, 13, 16, 0)
    # 14:00-16:00 on Wednesday, then 09:00-11:00 on Thursday, Ascension Day.
    assert due_at(local(2026, 5, 13, 14, 0)).due_at == local(2026, 5, 14, 11, 0)


def test_an_early_post_on_a_working_day_is_due_at_the_end_of_that_day():
    assert due_at(local(2026, 5, 12, 5, 45)).due_at == local(2026, 5, 12, 16, 0)


@pytest.mark.parametrize(
    "day",
    [
        "2026-01-01",
        "2026-04-02",
        "2026-04-03",
        "2026-04-05",
        "2026-04-06",
        "2026-05-01",
        "2026-05-14",
        "2026-05-17",
        "2026-05-24",
        "2026-05-25",
        "2026-12-25",
        "2026-12-26",
    ],
)
def test_norwegian_public_holidays_of_2026(day):
    assert is_public_holiday(date.fromisoformat(day))


def test_christmas_eve_is_a_working_day():
    assert not is_public_holiday(date(2026, 12, 24))
    assert due_at(local(2026, 12, 24, 10, 0)).due_at == local(2026, 12, 24, 16, 0)


def test_easter_moves_with_the_moon():
    # Maundy Thursday 2027 is 25 March; a post that morning gets on-duty hours, not a same-day deadline.
    deadline = due_at(local(2027, 3, 25, 10, 0))

    assert deadline.rule == "promptly"
    assert deadline.due_at == local(2027, 3, 25, 14, 0)


def test_an_urgent_target_shortens_the_deadline():
    urgent = Policy(target_hours=Decimal(2))

    deadline = due_at(local(2026, 5, 13, 10, 0), urgent)

    assert (deadline.due_at, deadline.rule) == (local(2026, 5, 13, 12, 0), "target")
    # 15:00-16:00 on Wednesday, then 09:00-10:00 on Ascension Day.
    assert due_at(local(2026, 5, 13, 15, 0), urgent).due_at == local(2026, 5, 14, 10, 0)


def test_the_same_day_rule_can_be_switched_off():
    deadline = due_at(local(2026, 5, 13, 10, 0), Policy(same_day_cutoff=None, promptly_hours=Decimal(1)))

    assert (deadline.due_at, deadline.rule) == (local(2026, 5, 13, 11, 0), "promptly")


def test_service_hours_wait_through_closed_hours():
    assert add_service_hours(local(2026, 5, 13, 15, 0), Decimal("1.5")) == local(2026, 5, 14, 9, 30)


def test_naive_times_are_refused():
    with pytest.raises(ValueError, match="aware"):
        due_at(datetime(2026, 5, 13, 10, 0))  # noqa: DTZ001 - the point of the test


def test_a_policy_without_service_hours_is_refused():
    closed = Policy(working_start=time(8), working_end=time(8), on_duty_start=time(9), on_duty_end=time(9))

    with pytest.raises(ValueError, match="no deadline"):
        due_at(local(2026, 5, 13, 17, 0), closed)


# hypothesis takes naive bounds and attaches the time zone itself.
moments = st.datetimes(
    min_value=datetime(2025, 1, 1),  # noqa: DTZ001
    max_value=datetime(2028, 12, 31),  # noqa: DTZ001
    timezones=st.just(UTC),
)


@settings(max_examples=400, deadline=None)
@given(moments)
def test_due_is_never_before_published(published):
    assert due_at(published).due_at >= published


@settings(max_examples=400, deadline=None)
@given(moments)
def test_every_due_time_falls_inside_service_hours(published):
    assert in_service_hours(due_at(published).due_at, DEFAULT_POLICY)


@settings(max_examples=400, deadline=None)
@given(moments, st.timedeltas(min_value=timedelta(0), max_value=timedelta(days=3)))
def test_due_is_monotonic_in_the_publish_time(published, later_by):
    assert due_at(published).due_at <= due_at(published + later_by).due_at


@settings(max_examples=200, deadline=None)
@given(moments, st.timedeltas(min_value=timedelta(0), max_value=timedelta(hours=6)))
def test_an_urgent_deadline_is_never_later_than_the_normal_one(published, _unused):
    assert due_at(published, Policy(target_hours=Decimal(2))).due_at <= due_at(published).due_at


def test_where_a_post_stands_against_its_deadline():
    from inbox.triage.deadlines import Standing, standing

    due = datetime(2026, 5, 13, 14, 0, tzinfo=UTC)
    hour = timedelta(hours=1)

    assert standing(due, due - hour, due + 5 * hour) == Standing("answered-on-time", hour)
    assert standing(due, due, due) == Standing("answered-on-time", timedelta(0))  # at the deadline is on time
    assert standing(due, due + 2 * hour, due + 5 * hour) == Standing("answered-late", 2 * hour)
    assert standing(None, due, due).state == "answered"
    assert standing(due, None, due - 3 * hour) == Standing("on-time", 3 * hour)
    assert standing(due, None, due - hour / 2) == Standing("due-soon", hour / 2)
    assert standing(due, None, due + hour) == Standing("breached", hour)
    assert standing(None, None, due) == Standing("none")
    assert standing(due, due + hour, due).answered and not standing(due, None, due).answered


# --- Service time between two instants (the dashboards' response times) -----------------


@pytest.mark.parametrize(
    ("start", "end", "hours"),
    [
        (local(2026, 5, 13, 10, 0), local(2026, 5, 13, 11, 30), 1.5),  # inside one working day
        (local(2026, 5, 13, 6, 0), local(2026, 5, 13, 9, 0), 1),  # the clock starts at 08:00
        (local(2026, 5, 15, 15, 0), local(2026, 5, 18, 9, 0), 1 + 12 + 12 + 1),  # Friday to Monday
        (local(2026, 5, 13, 17, 0), local(2026, 5, 14, 10, 0), 1),  # into Ascension Day: on-duty hours
        (local(2026, 3, 28, 20, 0), local(2026, 3, 29, 10, 0), 1 + 1),  # the night the clocks go forward
        (local(2026, 10, 24, 20, 0), local(2026, 10, 25, 10, 0), 1 + 1),  # and back
        (local(2026, 5, 13, 16, 30), local(2026, 5, 13, 23, 0), 0),  # after hours only
        (local(2026, 5, 13, 12, 0), local(2026, 5, 13, 11, 0), 0),  # an end before the start
    ],
)
def test_service_time_counts_only_service_hours(start, end, hours):
    assert service_seconds(start, end) == hours * 3600


@settings(max_examples=300, deadline=None)
@given(moments, st.integers(min_value=0, max_value=60 * 8))
def test_service_time_undoes_adding_service_hours(start, minutes):
    end = add_service_hours(start, Decimal(minutes) / 60)
    assert service_seconds(start, end) == pytest.approx(minutes * 60, abs=1e-3)


@settings(max_examples=200, deadline=None)
@given(moments, st.timedeltas(min_value=timedelta(0), max_value=timedelta(days=20)))
def test_service_time_is_never_more_than_wall_time(start, length):
    assert 0 <= service_seconds(start, start + length) <= length.total_seconds()
