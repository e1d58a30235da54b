import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db

URL = reverse("strategy:overview")


def test_it_shows_the_strategy_to_the_communication_unit(client, strategy, ingrid, django_assert_max_num_queries):
    client.force_login(ingrid)

    with django_assert_max_num_queries(20):
        response = client.get(URL)

    assert response.status_code == 200
    html = response.content.decode()
    assert "Bli mer tilgjengelig" in html  # goal 1, in bokmål by default
    assert "Eksisterende kunder" in html
    assert "Relasjonsbygging" in html  # a purpose of Facebook
    assert "Kommunikasjonsenheten" in html


def test_it_lists_team_members(client, strategy, ingrid):
    from strategy.models import Team, TeamMembership

    TeamMembership.objects.create(team=Team.objects.get(slug="communication-unit"), user=ingrid, is_lead=True)
    client.force_login(ingrid)

    response = client.get(URL)

    assert "Ingrid Berg" in response.content.decode()


def test_it_shows_the_strategy_to_managers(client, strategy, lars):
    client.force_login(lars)
    assert client.get(URL).status_code == 200


def test_it_denies_employees_with_403(client, strategy, ola):
    client.force_login(ola)

    response = client.get(URL)

    assert response.status_code == 403
    assert "Ingen tilgang" in response.content.decode()


def test_it_redirects_anonymous_users_to_login(client):
    response = client.get(URL)

    assert response.status_code == 302
    assert response.url == f"{reverse('login')}?next={URL}"


def test_it_says_so_when_nothing_is_recorded(client, ingrid):
    client.force_login(ingrid)

    response = client.get(URL)

    assert response.status_code == 200
    assert "Ingen mål registrert ennå." in response.content.decode()
