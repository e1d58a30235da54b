import pytest
from django.urls import reverse

from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db


def test_it_logs_in_and_lands_on_the_start_page(client, ingrid):
    response = client.post(reverse("login"), {"username": "ingrid", "password": PASSWORD}, follow=True)

    assert response.redirect_chain[-1][0] == reverse("inbox:queue-default")
    assert response.context["user"] == ingrid


def test_it_says_when_the_password_is_wrong(client, ingrid):
    response = client.post(reverse("login"), {"username": "ingrid", "password": "wrong"})

    assert response.status_code == 200
    assert "stemte ikke" in response.content.decode()


def test_it_logs_out_with_a_post(client, ingrid):
    client.force_login(ingrid)

    response = client.post(reverse("logout"))

    assert response.url == reverse("login")
    assert client.get(reverse("strategy:overview")).status_code == 302


def test_it_redirects_anonymous_users_everywhere_but_health(client):
    for url in ["/", "/strategy/", "/strategy/guidelines/"]:
        response = client.get(url)
        assert response.status_code == 302, url
        assert response.url.startswith(reverse("login")), url
    assert client.get(reverse("health")).status_code == 200
