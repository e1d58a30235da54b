import pytest
from django.contrib.auth.models import Group
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_it_creates_the_three_roles_with_their_permissions():
    permissions = {
        group.name: {
            f"{p.content_type.app_label}.{p.codename}" for p in group.permissions.select_related("content_type")
        }
        for group in Group.objects.prefetch_related("permissions")
    }

    assert {"communication_unit", "manager", "employee"} <= set(permissions)
    assert "strategy.change_guideline" in permissions["communication_unit"]
    assert "strategy.view_goal" in permissions["manager"]
    assert "strategy.change_goal" not in permissions["manager"]
    # An employee reads the guidelines and answers what is forwarded to them; nothing else.
    assert permissions["employee"] == {
        "strategy.view_guideline",
        "strategy.view_team",
        "inbox.answer_forwarded",
        "inbox.view_savedreply",
        "inbox.add_note",
    }
    assert "inbox.change_post" not in permissions["manager"]


@pytest.mark.parametrize(
    ("persona", "visible", "hidden"),
    [
        ("ingrid", ["/inbox/", "/strategy/", "/strategy/guidelines/"], ["/admin/"]),
        ("lars", ["/strategy/", "/strategy/guidelines/"], ["/admin/"]),
        ("ola", ["/strategy/guidelines/", "/inbox/forwarded/"], ['/strategy/"', "/admin/"]),
    ],
)
def test_the_navigation_follows_the_role(client, request, persona, visible, hidden):
    client.force_login(request.getfixturevalue(persona))

    html = client.get(reverse("strategy:guidelines")).content.decode()

    for url in visible:
        assert f'href="{url}"' in html
    for url in hidden:
        assert f'href="{url}' not in html


@pytest.mark.parametrize(
    ("persona", "landing"), [("ingrid", "/inbox/"), ("lars", "/inbox/"), ("ola", "/inbox/forwarded/")]
)
def test_home_sends_each_role_to_its_start_page(client, request, persona, landing):
    client.force_login(request.getfixturevalue(persona))

    assert client.get(reverse("home")).url == landing


def test_home_tells_a_user_without_a_role_whom_to_ask(client, nina):
    client.force_login(nina)

    response = client.get(reverse("home"))

    assert response.status_code == 403
    assert "kommunikasjonsenheten" in response.content.decode()


def test_the_admin_is_closed_to_the_communication_unit(client, ingrid):
    client.force_login(ingrid)

    response = client.get("/admin/")

    assert response.status_code == 302
    assert response.url.startswith("/admin/login/")
