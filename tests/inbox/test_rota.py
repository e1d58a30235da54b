"""The rota (strategy/rota.py, pure) and routing by it: who is on duty when a post's clock runs."""

from datetime import date, datetime, time
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.management import call_command

from inbox.triage import routing
from inbox.triage import services as triage_services
from strategy.models import Channel, DutyDeviation, DutyShift, Team, TeamMembership
from strategy.rota import HOLIDAY, Deviation, Shift, next_change, on_duty
from tests.factories import PostFactory, UserFactory

OSLO = ZoneInfo("Europe/Oslo")
WEEK = [Shift(1, day, time(8), time(16)) for day in range(5)] + [
    Shift(2, day, time(9), time(21)) for day in (5, 6, HOLIDAY)
]


def at(*parts) -> datetime:
    return datetime(*parts, tzinfo=OSLO)


def test_who_is_on_duty_follows_the_weekly_rota_and_the_holidays():
    assert on_duty(WEEK, [], at(2026, 5, 13, 10)) == {1}  # a Wednesday morning
    assert on_duty(WEEK, [], at(2026, 5, 13, 16)) == set()  # the shift ends at 16:00
    assert on_duty(WEEK, [], at(2026, 5, 16, 9)) == {2}  # Saturday
    # Ascension Day (Thursday 14 May 2026) is a public holiday: the holiday shifts apply.
    assert on_duty(WEEK, [], at(2026, 5, 14, 10)) == {2}
    # Across the night the clocks change (Sunday 29 March 2026), local time still rules.
    assert on_duty(WEEK, [], at(2026, 3, 30, 8, 0)) == {1}


def test_dated_changes_take_people_off_and_put_others_on():
    sick = Deviation(1, date(2026, 5, 13), away=True)
    swap = Deviation(3, date(2026, 5, 13), away=False, start=time(12), end=time(16))
    assert on_duty(WEEK, [sick], at(2026, 5, 13, 10)) == set()
    assert on_duty(WEEK, [sick, swap], at(2026, 5, 13, 13)) == {3}
    assert on_duty(WEEK, [sick], at(2026, 5, 12, 10)) == {1}  # only that day


def test_the_next_change_says_when_and_who():
    when, who = next_change(WEEK, [], at(2026, 5, 13, 10))
    assert (when, who) == (at(2026, 5, 13, 16), frozenset())
    when, who = next_change(WEEK, [], at(2026, 5, 15, 17))  # Friday evening: Saturday 09:00
    assert (when, who) == (at(2026, 5, 16, 9), frozenset({2}))


@pytest.fixture
def desk(strategy):
    call_command("load_strategy", verbosity=0)
    support = Team.objects.get(slug="technical-support")
    unit = Team.objects.get(slug="communication-unit")
    weekday, weekend, unit_person = UserFactory(username="hverdag"), UserFactory(username="helg"), UserFactory()
    for team, user in ((support, weekday), (support, weekend), (unit, unit_person)):
        TeamMembership.objects.create(team=team, user=user)
    for day in range(5):
        DutyShift.objects.create(team=support, user=weekday, day=day, start=time(8), end=time(16))
    for day in (5, 6, 7):
        DutyShift.objects.create(team=unit, user=unit_person, day=day, start=time(9), end=time(21))
    return {"support": support, "weekday": weekday, "weekend": weekend, "unit": unit_person}


def technical_post(published):
    return PostFactory(
        channel=Channel.objects.get(slug="facebook"),
        text="Appen krasjer hver gang jeg logger inn",
        published_at=published,
    )


@time_machine.travel(at(2026, 5, 13, 10), tick=False)
def test_a_post_goes_to_the_team_member_on_duty_when_its_clock_runs(desk):
    post = technical_post(at(2026, 5, 13, 10))

    decision = triage_services.triage_post(post_id=post.pk)

    assert decision.assignee == desk["weekday"] and decision.note == ""


@time_machine.travel(at(2026, 5, 16, 7, 30), tick=False)
def test_with_nobody_of_the_team_on_duty_the_communication_unit_takes_it_and_the_decision_says_so(desk):
    # Saturday 07:30: the clock starts at 09:00, when only the communication unit's weekend shift is on.
    post = technical_post(at(2026, 5, 16, 7, 30))

    decision = triage_services.triage_post(post_id=post.pk)

    assert decision.assignee == desk["unit"]
    assert decision.note == "Ingen i Teknisk support er på vakt da: kommunikasjonsenhetens vakt tar det."


@time_machine.travel(at(2026, 5, 13, 10), tick=False)
def test_a_sick_day_moves_the_post_and_nobody_on_duty_still_leaves_a_person(desk):
    DutyDeviation.objects.create(team=desk["support"], user=desk["weekday"], date=date(2026, 5, 13), note="syk")
    post = technical_post(at(2026, 5, 13, 10))

    decision = triage_services.triage_post(post_id=post.pk)

    # Nobody of the unit is on duty on a weekday morning either: its least busy member takes it.
    assert decision.assignee == desk["unit"]
    assert "minst travle" in decision.note
    assert routing.on_duty(desk["support"].pk, at(2026, 5, 13, 10)) == frozenset()
