"""The rota page: the communication unit keeps the rota in the product; managers read it; routing uses it."""

from datetime import datetime, time
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.management import call_command
from django.urls import reverse

from strategy.models import DutyDeviation, DutyShift, Team, TeamMembership

OSLO = ZoneInfo("Europe/Oslo")


@pytest.fixture
def teams(strategy, ingrid, ola):
    call_command("load_strategy", verbosity=0)
    service = Team.objects.get(slug="customer-service")
    TeamMembership.objects.create(team=service, user=ola)
    TeamMembership.objects.create(team=Team.objects.get(slug="communication-unit"), user=ingrid)
    return {"service": service}


def test_the_communication_unit_adds_a_shift_and_a_sick_day_and_sees_who_is_on_duty(client, ingrid, ola, teams):
    client.force_login(ingrid)
    url = reverse("strategy:rota")
    service = teams["service"]

    response = client.post(
        url,
        {"shift-team": service.pk, "shift-user": ola.pk, "shift-day": 2, "shift-start": "08:00", "shift-end": "16:00"},
        follow=True,
    )
    assert DutyShift.objects.filter(team=service, user=ola, day=2, start=time(8), end=time(16)).exists()
    html = response.content.decode()
    assert "Vaktlisten er lagret" in html and "Ola Hansen 08:00\u201316:00" in html

    client.post(
        url, {"change-team": service.pk, "change-user": ola.pk, "change-date": "2099-05-13", "change-away": "on"}
    )
    assert DutyDeviation.objects.filter(user=ola, away=True).exists()
    assert "Ola Hansen borte" in client.get(url).content.decode()


def test_a_shift_that_ends_before_it_starts_or_for_someone_outside_the_team_is_refused(client, ingrid, lars, teams):
    client.force_login(ingrid)
    service = teams["service"]

    backwards = client.post(
        reverse("strategy:rota"),
        {
            "shift-team": service.pk,
            "shift-user": ingrid.pk,
            "shift-day": 0,
            "shift-start": "16:00",
            "shift-end": "08:00",
        },
        follow=True,
    )

    # Back at the page by a redirect (a reload sends nothing), with the errors and what was typed.
    assert backwards.redirect_chain == [(reverse("strategy:rota") + "#add-shift", 302)]
    html = backwards.content.decode()
    assert "En vakt må slutte etter at den begynner" in html and 'value="16:00"' in html
    assert "Ingrid Berg er ikke medlem av Kundeservice." in html
    assert not DutyShift.objects.exists()
    assert "En vakt må slutte" not in client.get(reverse("strategy:rota")).content.decode()  # said once


def test_managers_read_the_rota_and_employees_do_not(client, lars, ola, teams):
    client.force_login(lars)
    page = client.get(reverse("strategy:rota"))
    assert page.status_code == 200 and "Legg til en vakt" not in page.content.decode()
    assert client.post(reverse("strategy:rota"), {"shift-team": teams["service"].pk}).status_code == 403
    client.force_login(ola)
    assert client.get(reverse("strategy:rota")).status_code == 403


def test_the_inbox_says_who_is_on_duty_now(client, ingrid, ola, teams):
    from datetime import datetime
    from zoneinfo import ZoneInfo

    import time_machine

    DutyShift.objects.create(team=teams["service"], user=ola, day=2, start=time(8), end=time(16))
    client.force_login(ingrid)

    with time_machine.travel(datetime(2026, 5, 13, 10, tzinfo=ZoneInfo("Europe/Oslo")), tick=False):
        html = client.get(reverse("inbox:queue", args=["all"])).content.decode()

    line = html.split('class="on-duty meta"')[1].split("</p>")[0]
    assert "Kundeservice: Ola Hansen (neste" in line


# Editing in place. The new texts are checked in English (the bokmål catalogue is filled in afterwards).


@pytest.fixture
def english(client):
    client.cookies["django_language"] = "en"
    return client


@pytest.fixture
def monday_shift(teams, ola):
    return DutyShift.objects.create(team=teams["service"], user=ola, day=0, start=time(8), end=time(16))


def edit_url(kind: str, pk: int) -> str:
    return reverse("strategy:rota-edit", args=[kind, pk])


def test_it_shows_a_shift_filled_in_and_saves_it_in_place(english, ingrid, ola, teams, monday_shift):
    english.force_login(ingrid)
    url = edit_url("shift", monday_shift.pk)

    form = english.get(url).content.decode()
    assert 'name="shift-start" value="08:00"' in form and 'name="shift-end" value="16:00"' in form
    assert f'<option value="{ola.pk}" selected>' in form

    service = teams["service"]
    saved = english.post(
        url,
        {"shift-team": service.pk, "shift-user": ola.pk, "shift-day": 1, "shift-start": "09:00", "shift-end": "17:00"},
        follow=True,
    )

    assert saved.redirect_chain == [(reverse("strategy:rota") + "#team-customer-service", 302)]
    assert "The rota is saved" in saved.content.decode()
    monday_shift.refresh_from_db()
    assert (monday_shift.day, monday_shift.start, monday_shift.end) == (1, time(9), time(17))
    assert DutyShift.objects.count() == 1  # edited, not added


def test_it_edits_a_change_in_place(english, ingrid, ola, teams):
    change = DutyDeviation.objects.create(team=teams["service"], user=ola, date="2099-05-13", note="syk")
    english.force_login(ingrid)
    url = edit_url("change", change.pk)

    form = english.get(url).content.decode()
    assert 'name="change-date" value="2099-05-13"' in form and 'value="syk"' in form
    english.post(
        url,
        {
            "change-team": teams["service"].pk,
            "change-user": ola.pk,
            "change-date": "2099-05-14",
            "change-start": "12:00",
            "change-end": "16:00",
            "change-note": "tannlege",
        },
    )

    change.refresh_from_db()
    assert (str(change.date), change.away, change.start, change.note) == ("2099-05-14", False, time(12), "tannlege")


def test_an_invalid_edit_comes_back_by_a_redirect_with_what_was_typed_and_the_errors_once(
    client, ingrid, ola, teams, monday_shift
):
    client.force_login(ingrid)
    url = edit_url("shift", monday_shift.pk)

    backwards = client.post(
        url,
        {
            "shift-team": teams["service"].pk,
            "shift-user": ola.pk,
            "shift-day": 0,
            "shift-start": "16:00",
            "shift-end": "08:00",
        },
        follow=True,
    )

    assert backwards.redirect_chain == [(url, 302)]
    html = backwards.content.decode()
    assert html.count("En vakt må slutte etter at den begynner") == 1 and 'value="16:00"' in html
    monday_shift.refresh_from_db()
    assert (monday_shift.start, monday_shift.end) == (time(8), time(16))
    # Said once: the next view shows the shift as it is saved.
    again = client.get(url).content.decode()
    assert "En vakt må slutte" not in again and 'name="shift-start" value="08:00"' in again


def test_the_rota_has_an_edit_link_beside_each_remove_button_for_the_communication_unit(
    english, ingrid, ola, teams, monday_shift
):
    change = DutyDeviation.objects.create(team=teams["service"], user=ola, date="2099-05-13")
    english.force_login(ingrid)

    html = english.get(reverse("strategy:rota")).content.decode()

    shift_link = f'href="{edit_url("shift", monday_shift.pk)}" class="inline-edit"'
    assert f'{shift_link} aria-label="Edit Ola Hansen, Monday from 08:00"' in html
    change_link = f'href="{edit_url("change", change.pk)}" class="inline-edit"'
    assert f'{change_link} aria-label="Edit Ola Hansen, Wednesday 13 May"' in html
    assert 'aria-label="Remove Ola Hansen, Wednesday 13 May"' in html


def test_managers_read_the_rota_but_cannot_edit_and_employees_cannot_open_it(client, lars, ola, teams, monday_shift):
    url = edit_url("shift", monday_shift.pk)
    client.force_login(lars)
    assert "inline-edit" not in client.get(reverse("strategy:rota")).content.decode()
    assert client.get(url).status_code == 403
    assert client.post(url, {"shift-team": teams["service"].pk, "shift-day": 3}).status_code == 403

    client.force_login(ola)
    assert client.get(url).status_code == 403
    assert client.post(url, {"shift-day": 3}).status_code == 403
    monday_shift.refresh_from_db()
    assert monday_shift.day == 0


def test_it_finds_no_other_kind_and_no_missing_shift(client, ingrid, monday_shift):
    client.force_login(ingrid)
    assert client.get(edit_url("team", monday_shift.pk)).status_code == 404
    assert client.get(edit_url("change", monday_shift.pk + 100)).status_code == 404


# The week as it happens.


def on_duty(name: str, start: str, end: str) -> str:
    return f'{name} <span class="hours">{start}\u2013{end}</span>'


def week_section(html: str) -> str:
    return html.split('id="week"')[1].split("</section>")[0]


def row_of(section: str, team_slug: str, day: str) -> str:
    table = section.split(f'id="week-{team_slug}"')[1].split("</table>")[0]
    return table.split(f'<time datetime="{day}">')[1].split("</tr>")[0]


@pytest.fixture
def week_20(teams, ola, ingrid):
    """Ola: weekdays 08-16 and public holidays 10-14; a dentist on Tuesday; an extra Saturday morning."""
    service = teams["service"]
    for day in range(5):
        DutyShift.objects.create(team=service, user=ola, day=day, start=time(8), end=time(16))
    DutyShift.objects.create(team=service, user=ola, day=7, start=time(10), end=time(14))
    DutyDeviation.objects.create(
        team=service, user=ola, date="2026-05-12", start=time(11), end=time(12), note="tannlege"
    )
    DutyDeviation.objects.create(team=service, user=ola, date="2026-05-16", away=False, start=time(9), end=time(12))


def test_the_week_shows_each_date_with_the_holidays_and_the_changes_applied(english, ingrid, week_20):
    english.force_login(ingrid)
    with time_machine.travel(datetime(2026, 5, 13, 10, tzinfo=OSLO), tick=False):
        section = week_section(english.get(reverse("strategy:rota")).content.decode())

    assert "Week 20" in section
    monday = row_of(section, "customer-service", "2026-05-11")
    assert on_duty("Ola Hansen", "08:00", "16:00") in monday
    tuesday = row_of(section, "customer-service", "2026-05-12")
    assert on_duty("Ola Hansen", "08:00", "11:00") in tuesday and on_duty("Ola Hansen", "12:00", "16:00") in tuesday
    assert "tannlege" in tuesday
    wednesday = row_of(section, "customer-service", "2026-05-13")
    assert '<strong class="today-mark">today</strong>' in wednesday and "today-mark" not in tuesday
    thursday = row_of(section, "customer-service", "2026-05-14")
    assert "Ascension Day (public holiday)" in thursday and on_duty("Ola Hansen", "10:00", "14:00") in thursday
    saturday = row_of(section, "customer-service", "2026-05-16")
    assert on_duty("Ola Hansen", "09:00", "12:00") in saturday
    sunday = row_of(section, "customer-service", "2026-05-17")
    assert "Constitution Day" in sunday and on_duty("Ola Hansen", "10:00", "14:00") in sunday
    assert 'class="today" aria-current="date"' in section


def test_the_week_is_chosen_by_any_date_in_it_and_pages_back_and_forth(client, ingrid, week_20):
    client.force_login(ingrid)
    with time_machine.travel(datetime(2026, 5, 13, 10, tzinfo=OSLO), tick=False):
        section = week_section(client.get(reverse("strategy:rota"), {"week": "2026-12-24"}).content.decode())

    # Week 52 of 2026: the holiday names come in bokmål, and today is not in it.
    assert 'datetime="2026-12-21"' in section and 'datetime="2026-12-27"' in section
    assert "Første juledag" in section and 'aria-current="date"' not in section
    assert 'href="?week=2026-12-14#week" rel="prev"' in section and 'href="?week=2026-12-28#week" rel="next"' in section
    assert 'value="2026-12-24"' in section


@pytest.mark.parametrize("week", ["13.05.2026", "2026-02-30", "nonsense", "0001-01-01", "9999-12-31"])
def test_a_week_that_cannot_be_read_shows_this_week_and_says_why(english, ingrid, week_20, week):
    english.force_login(ingrid)
    with time_machine.travel(datetime(2026, 5, 13, 10, tzinfo=OSLO), tick=False):
        response = english.get(reverse("strategy:rota"), {"week": week})

    assert response.status_code == 200
    section = week_section(response.content.decode())
    assert "Week 20" in section and 'aria-current="date"' in section
    assert 'class="form-error" role="alert"' in section and "This week is shown instead." in section


def test_managers_see_the_week_too(client, lars, week_20):
    client.force_login(lars)
    html = client.get(reverse("strategy:rota"), {"week": "2026-05-13"}).content.decode()
    assert on_duty("Ola Hansen", "10:00", "14:00") in week_section(html)
