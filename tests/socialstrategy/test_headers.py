"""Headers on every answer (#10): a Content-Security-Policy, a Permissions-Policy, and no caching behind the login."""

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db

STAFF_PAGES = [
    "inbox:queue-default",
    "inbox:rules",
    "inbox:saved-replies",
    "inbox:import-list",
    "strategy:overview",
    "strategy:guidelines",
    "notifications",
]


@pytest.mark.parametrize("name", STAFF_PAGES)
def test_every_staff_page_is_private_and_has_its_policies(client, ingrid, name):
    client.force_login(ingrid)

    response = client.get(reverse(name))

    assert response.status_code == 200
    assert response["Cache-Control"] == "private, no-store"
    policy = response["Content-Security-Policy"]
    assert "default-src 'self'" in policy
    assert "script-src 'self'" in policy and "'unsafe-inline'" not in policy
    assert "frame-ancestors 'none'" in policy
    assert "camera=()" in response["Permissions-Policy"]


def test_the_login_page_has_its_policies_too(client, db):
    response = client.get(reverse("login"))

    assert "Content-Security-Policy" in response
    assert "Permissions-Policy" in response


def test_no_page_has_an_inline_script_or_style(client, ingrid):
    client.force_login(ingrid)

    for name in STAFF_PAGES:
        html = client.get(reverse(name)).content.decode()
        assert "<script>" not in html and "<style" not in html and ' style="' not in html, name
