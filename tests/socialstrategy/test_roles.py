import pytest
from django.contrib.auth.models import Group, Permission
from django.urls import reverse

from socialstrategy import roles

pytestmark = pytest.mark.django_db


def group_permissions() -> dict[str, set[str]]:
    return {
        group.name: {
            f"{p.content_type.app_label}.{p.codename}" for p in group.permissions.select_related("content_type")
        }
        for group in Group.objects.prefetch_related("permissions")
    }


def test_every_group_holds_exactly_its_roles_permissions():
    """The whole matrix: after migrate, each role's group holds exactly roles.ROLES, nothing more."""
    assert group_permissions() == roles.ROLES


def test_the_matrix_says_what_each_role_may_do():
    matrix = roles.ROLES
    # The communication unit owns the strategy and its rules, and works the inbox.
    assert {"strategy.change_guideline", "strategy.add_replyrule", "inbox.change_post"} <= matrix["communication_unit"]
    # A manager reads everything the communication unit reads, and changes nothing.
    assert all(name.split(".")[1].startswith("view_") for name in matrix["manager"])
    assert {"strategy.view_goal", "strategy.view_replyrule", "inbox.view_post"} <= matrix["manager"]
    # An employee reads the guidelines and answers what is forwarded to them; nothing else.
    assert matrix["employee"] == {
        "strategy.view_guideline",
        "strategy.view_team",
        "inbox.answer_forwarded",
        "inbox.view_savedreply",
        "inbox.add_note",
    }


def test_applying_the_roles_again_puts_back_what_was_changed_by_hand():
    manager = Group.objects.get(name="manager")
    manager.permissions.add(Permission.objects.get(codename="change_post"))
    Group.objects.filter(name="employee").delete()

    roles.apply_roles()

    assert group_permissions() == roles.ROLES


def test_a_role_naming_a_permission_no_model_has_is_refused(monkeypatch):
    monkeypatch.setitem(roles.ROLES, "manager", {"inbox.view_postt"})

    with pytest.raises(roles.UnknownPermission, match=r"inbox\.view_postt"):
        roles.apply_roles()


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
    ("persona", "landing"), [("ingrid", "/inbox/"), ("lars", "/reports/"), ("ola", "/inbox/forwarded/")]
)
def test_home_sends_each_role_to_its_start_page(client, request, persona, landing):
    client.force_login(request.getfixturevalue(persona))

    assert client.get(reverse("home")).url == landing


def test_someone_in_the_communication_unit_and_a_manager_lands_on_the_inbox(client, ingrid):
    # The inbox comes first in the menu: the work before the figures about it.
    ingrid.groups.add(Group.objects.get(name=roles.MANAGER))
    client.force_login(ingrid)

    assert client.get(reverse("home")).url == "/inbox/"


def test_logging_in_as_a_manager_opens_the_reports(client, lars):
    lars.set_password("a-long-enough-passphrase")
    lars.save()

    response = client.post(reverse("login"), {"username": "lars", "password": "a-long-enough-passphrase"}, follow=True)

    assert response.redirect_chain[-1][0] == "/reports/"
    assert response.status_code == 200


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
