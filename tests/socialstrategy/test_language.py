import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_it_speaks_bokmaal_by_default_whatever_the_browser_asks(client):
    response = client.get(reverse("login"), headers={"accept-language": "en-US,en;q=0.9"})

    html = response.content.decode()
    assert '<html lang="nb"' in html
    assert "Logg inn" in html


def test_it_switches_to_english_and_back(client):
    client.post(reverse("set_language"), {"language": "en", "next": "/accounts/login/"})
    assert "Log in" in client.get(reverse("login")).content.decode()

    client.post(reverse("set_language"), {"language": "nb", "next": "/accounts/login/"})
    assert "Logg inn" in client.get(reverse("login")).content.decode()


def test_it_ignores_an_unknown_language(client):
    client.cookies["django_language"] = "sv"

    assert '<html lang="nb"' in client.get(reverse("login")).content.decode()
