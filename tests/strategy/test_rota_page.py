"""The rota page: the communication unit keeps the rota in the product; managers read it; routing uses it."""

from datetime import time

import pytest
from django.core.management import call_command
from django.urls import reverse

from strategy.models import DutyDeviation, DutyShift, Team, TeamMembership


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
