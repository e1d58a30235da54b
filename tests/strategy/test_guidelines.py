import pytest
from django.urls import reverse

from tests.factories import GuidelineFactory

pytestmark = pytest.mark.django_db

URL = reverse("strategy:guidelines")


def test_it_shows_the_guidelines_to_employees(client, strategy, ola):
    client.force_login(ola)

    response = client.get(URL)

    assert response.status_code == 200
    html = response.content.decode()
    assert "Svar alltid når" in html
    assert 'id="always-reply"' in html
    assert "<li>" in html  # the Markdown lists are rendered


def test_it_shows_english_to_those_who_chose_it(client, strategy, ola):
    client.force_login(ola)
    client.post(reverse("set_language"), {"language": "en", "next": URL})

    response = client.get(URL)

    assert "Always reply when" in response.content.decode()


def test_it_renders_markdown_without_scripts(client, ola):
    GuidelineFactory(body_nb="**Tenk** før du svarer.<script>alert(1)</script>")
    client.force_login(ola)

    html = client.get(URL).content.decode()

    assert "<strong>Tenk</strong>" in html
    assert "<script>alert(1)" not in html


def test_it_denies_users_without_a_role(client, nina):
    client.force_login(nina)

    assert client.get(URL).status_code == 403
