import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_it_answers_without_a_login(client):
    response = client.get(reverse("health"))

    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok"}
    assert "no-cache" in response["Cache-Control"]


def test_it_only_answers_get(client):
    assert client.post(reverse("health")).status_code == 405
