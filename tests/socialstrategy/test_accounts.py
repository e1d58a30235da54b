"""
Accounts (#10): logins are throttled and locked out, a forgotten password is reset by
email, and a session ends after a working day without use and after a day whatever.
"""

import re
from datetime import timedelta

import pytest
import time_machine
from django.core import mail
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db

LOGIN = reverse("login")


def attempt(client, password: str, address: str = "10.0.0.1"):
    return client.post(LOGIN, {"username": "ingrid", "password": password}, REMOTE_ADDR=address)


def test_five_wrong_passwords_lock_the_username_out_from_that_address(client, ingrid, settings):
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        assert attempt(client, "wrong").status_code == 200

    locked = attempt(client, "wrong")
    assert locked.status_code == 429
    html = locked.content.decode()
    assert "For mange forsøk" in html
    assert "om 15 minutter" in html
    # The right password is refused too, until the cool-off is over.
    assert attempt(client, PASSWORD).status_code == 429
    assert not client.session.get("_auth_user_id")


def test_the_lockout_is_for_that_address_only_and_ends_after_the_cool_off(client, ingrid, settings):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        attempt(client, "wrong")

    assert attempt(client, PASSWORD, address="10.0.0.2").status_code == 302  # a colleague's machine
    client.logout()
    with time_machine.travel(timezone.now() + settings.AXES_COOLOFF_TIME + timedelta(minutes=1)):
        assert attempt(client, PASSWORD).status_code == 302


def test_a_right_password_resets_the_count(client, ingrid, settings):
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        attempt(client, "wrong")
    assert attempt(client, PASSWORD).status_code == 302
    client.logout()

    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        assert attempt(client, "wrong").status_code == 200


def test_an_administrator_unlocks_a_username_from_the_terminal(client, ingrid, settings):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        attempt(client, "wrong")

    call_command("axes_reset_username", "ingrid", verbosity=0)

    assert attempt(client, PASSWORD).status_code == 302


def test_a_forgotten_password_is_reset_through_a_link_by_email(client, ingrid):
    ingrid.email = "ingrid@bedriften.example"
    ingrid.save()
    assert 'href="/accounts/password-reset/"' in client.get(LOGIN).content.decode()

    response = client.post(reverse("password_reset"), {"email": "ingrid@bedriften.example"}, follow=True)

    assert "Sjekk e-posten din" in response.content.decode()
    (message,) = mail.outbox
    assert message.to == ["ingrid@bedriften.example"]
    link = re.search(r"https?://[^/\s]+(/accounts/reset/\S+/)", message.body).group(1)
    form = client.get(link, follow=True)
    assert form.status_code == 200
    done = client.post(
        form.redirect_chain[-1][0],
        {"new_password1": "et nytt og langt passord 42", "new_password2": "et nytt og langt passord 42"},
        follow=True,
    )
    assert "Passordet er endret" in done.content.decode()
    assert client.post(LOGIN, {"username": "ingrid", "password": "et nytt og langt passord 42"}).status_code == 302


def test_an_unknown_address_gets_the_same_answer_and_no_email(client, db):
    response = client.post(reverse("password_reset"), {"email": "nobody@example.org"}, follow=True)

    assert "Sjekk e-posten din" in response.content.decode()
    assert mail.outbox == []


def test_a_session_ends_after_a_working_day_without_use(client, ingrid, settings):
    assert settings.SESSION_COOKIE_AGE == 8 * 3600
    start = timezone.now()
    client.force_login(ingrid)
    with time_machine.travel(start + timedelta(hours=7)):
        assert client.get(reverse("strategy:overview")).status_code == 200  # in use: the clock moves on
    with time_machine.travel(start + timedelta(hours=14)):
        assert client.get(reverse("strategy:overview")).status_code == 200
    with time_machine.travel(start + timedelta(hours=22, minutes=1)):
        assert client.get(reverse("strategy:overview")).status_code == 302


def test_a_session_in_use_all_along_still_ends_after_its_absolute_lifetime(client, ingrid, settings):
    client.force_login(ingrid)
    start = timezone.now()
    for hours in range(0, 24, 4):  # used every four hours: never idle for a working day
        with time_machine.travel(start + timedelta(hours=hours)):
            assert client.get(reverse("strategy:overview")).status_code == 200

    with time_machine.travel(start + timedelta(hours=24, minutes=5)):
        response = client.get(reverse("strategy:overview"))

    assert response.status_code == 302
    assert response.url.startswith(LOGIN)
