"""
The access walk (#10): every URL in the URLconf, opened (GET) by each kind of visitor,
answers what the table below says: 200, a redirect to the login page ("login"), 403,
401 (the API, to the anonymous), 405 (an action that only takes POST), or another
redirect ("302"). A URL the table lacks fails the test: a new page must say who may open it.
"""

import pytest
from django.contrib.auth.models import Permission
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from inbox.models import CsvImport, Forward, OutboxMessage, ReplyApproval, SavedReply, TriageModel
from strategy.models import DutyShift, KnownClaim, ReplyRule, ResponsePolicy, ResponsibilityRule
from tests.factories import ChannelFactory, PostFactory, TeamFactory

pytestmark = pytest.mark.django_db

VISITORS = ("anonymous", "ola", "lars", "ingrid")  # employee, manager, communication unit

# name: (anonymous, employee, manager, communication unit)
TABLE = {
    "home": ("login", "302", "302", "302"),
    "health": (200, 200, 200, 200),
    "login": (200, "302", "302", "302"),
    "logout": ("login", 405, 405, 405),
    "password_reset": (200, 200, 200, 200),
    "password_reset_done": (200, 200, 200, 200),
    "password_reset_confirm": (200, 200, 200, 200),
    "password_reset_complete": (200, 200, 200, 200),
    "set_language": ("302", "302", "302", "302"),
    "notifications": ("login", 200, 200, 200),
    "notifications-read": ("login", 405, 405, 405),
    "notification-preference": ("login", 405, 405, 405),
    "strategy:overview": ("login", 403, 200, 200),
    "strategy:guidelines": ("login", 200, 200, 200),
    "strategy:rota": ("login", 403, 200, 200),
    "strategy:rota-edit": ("login", 403, 403, 200),
    "strategy:rota-remove": ("login", 405, 405, 405),
    "webhooks:facebook": (403, 403, 403, 403),
    "webhooks:x": (403, 403, 403, 403),
    "inbox:queue-default": ("login", 403, 200, 200),
    "inbox:queue": ("login", 403, 200, 200),
    "inbox:import-list": ("login", 403, 403, 200),
    "inbox:import-upload": ("login", 403, 403, 200),
    "inbox:import-detail": ("login", 403, 403, "302"),  # an upload goes on to its mapping
    "inbox:import-mapping": ("login", 403, 403, 200),
    "inbox:import-preview": ("login", 403, 403, 200),
    "inbox:import-progress": ("login", 403, 403, 200),
    "inbox:forwarded": ("login", 200, 200, 200),  # staff get forwards too
    "inbox:post-detail": ("login", 200, 200, 200),
    "inbox:post-triage": ("login", "302", "302", "302"),  # the triage is part of the post page
    "inbox:post-claim": ("login", 405, 405, 405),
    "inbox:post-release": ("login", 405, 405, 405),
    "inbox:post-assign": ("login", 405, 405, 405),
    "inbox:post-forward": ("login", 405, 405, 405),
    "inbox:post-hand-back": ("login", 405, 405, 405),
    "inbox:post-reply": ("login", 405, 405, 405),
    "inbox:post-confirm-reply": ("login", 405, 405, 405),
    "inbox:post-approve": ("login", 405, 405, 405),
    "inbox:post-send-back": ("login", 405, 405, 405),
    "inbox:post-close": ("login", 405, 405, 405),
    "inbox:post-spam": ("login", 405, 405, 405),
    "inbox:post-reopen": ("login", 405, 405, 405),
    "inbox:post-note": ("login", 405, 405, 405),
    "inbox:post-author-link": ("login", 405, 405, 405),
    "inbox:post-author-unlink": ("login", 405, 405, 405),
    "inbox:post-author-group": ("login", 405, 405, 405),
    "inbox:bulk": ("login", 405, 405, 405),
    "reports:dashboard": ("login", 403, 200, 200),
    "reports:export": ("login", 403, 200, 200),
    "reports:mine": ("login", 200, 403, 403),  # an employee's own figures
    "inbox:queue-export": ("login", 403, 200, 200),
    "api:reports-summary": (401, 400, 400, 400),  # without its dates, a 400 naming them; employees: their own
    "inbox:saved-replies": ("login", 200, 200, 200),  # everyone who answers reads them
    "inbox:saved-reply-create": ("login", 403, 403, 200),
    "inbox:saved-reply-update": ("login", 403, 403, 200),
    "inbox:saved-reply-delete": ("login", 403, 403, 200),
    "inbox:rules": ("login", 403, 200, 200),
    "inbox:rules-try": ("login", 403, 405, 405),
    "inbox:rules-retriage": ("login", 403, 403, 405),
    "inbox:triage-quality": ("login", 403, 200, 200),
    "inbox:triage-train": ("login", 403, 403, 405),
    "inbox:triage-model-activate": ("login", 403, 403, 405),
    "inbox:inbox-settings": ("login", 403, 403, 405),
    "inbox:employee-accounts": ("login", 405, 405, 405),
    "inbox:rule-create": ("login", 403, 403, 200),
    "inbox:rule-update": ("login", 403, 403, 200),
    "inbox:rule-delete": ("login", 403, 403, 200),
    "inbox:claim-create": ("login", 403, 403, 200),
    "inbox:claim-update": ("login", 403, 403, 200),
    "inbox:claim-delete": ("login", 403, 403, 200),
    "inbox:policy-create": ("login", 403, 403, 200),
    "inbox:policy-update": ("login", 403, 403, 200),
    "inbox:policy-delete": ("login", 403, 403, 200),
    "inbox:matrix-create": ("login", 403, 403, 200),
    "inbox:matrix-update": ("login", 403, 403, 200),
    "inbox:matrix-delete": ("login", 403, 403, 200),
    "api:schema": (401, 200, 200, 200),
    "api:docs": ("login", 200, 200, 200),
    "api:post-list": (401, 403, 200, 200),
    "api:post-detail": (401, 403, 200, 200),
    "api:channel-list": (401, 403, 200, 200),
    "api:channel-detail": (401, 403, 200, 200),
}


def url_names(patterns=None, namespace=""):
    for pattern in patterns if patterns is not None else get_resolver().url_patterns:
        if isinstance(pattern, URLResolver):
            if pattern.namespace == "admin":
                continue
            yield from url_names(
                pattern.url_patterns, namespace + (f"{pattern.namespace}:" if pattern.namespace else "")
            )
        elif isinstance(pattern, URLPattern) and pattern.name:
            yield namespace + pattern.name


@pytest.fixture
def world(ingrid, ola):
    channel = ChannelFactory()
    post = PostFactory(channel=channel, must_reply=True, status="open")
    Forward.objects.create(post=post, sent_by=ingrid, to_user=ola, note="Se på denne")
    team = TeamFactory()
    return {
        "post_id": post.pk,
        "message_id": OutboxMessage.objects.create(
            channel=channel, action="reply", in_reply_to=post, text="Hei", status="unknown"
        ).pk,
        "approval_id": ReplyApproval.objects.create(post=post, text="Hei", written_by=ingrid).pk,
        "import_id": CsvImport.objects.create(channel=channel, file_name="a.csv", content=b"id,text\n1,Hei\n").pk,
        "model_id": TriageModel.objects.create(version="walk-1", parameters={}).pk,
        "shift_id": DutyShift.objects.create(team=team, user=ola, day=0, start="08:00", end="16:00").pk,
        "slug": "all",
        "uidb64": "MQ",
        "token": "wrong-token",
        "pk": {
            "inbox:saved-reply": SavedReply.objects.create(title="Takk", language="nb", text="Takk!").pk,
            "inbox:rule": ReplyRule.objects.create(slug="r", name="Regel", category="product_question").pk,
            "inbox:claim": KnownClaim.objects.create(slug="c", pattern="a", correction="b").pk,
            "inbox:policy": ResponsePolicy.objects.create(
                promptly_hours=4, working_start="08:00", working_end="16:00", on_duty_start="09:00", on_duty_end="21:00"
            ).pk,
            "inbox:matrix": ResponsibilityRule.objects.create(category="negative", team=team).pk,
            "api:post": post.pk,
            "api:channel": channel.pk,
        },
    }


def path_of(name: str, world: dict) -> str:
    for kwargs in (
        {},
        {"slug": world["slug"]},
        {"slug": world["slug"], "kind": "csv"},
        {"table": "channel", "kind": "csv"},
        {"post_id": world["post_id"]},
        {"post_id": world["post_id"], "message_id": world["message_id"]},
        {"post_id": world["post_id"], "approval_id": world["approval_id"]},
        {"import_id": world["import_id"]},
        {"model_id": world["model_id"]},
        {"uidb64": world["uidb64"], "token": world["token"]},
        {"kind": "shift", "pk": world["shift_id"]},
        {"pk": next((pk for prefix, pk in world["pk"].items() if name.startswith(prefix)), 0)},
    ):
        try:
            return reverse(name, kwargs=kwargs)
        except Exception:  # noqa: S112 - the next set of arguments
            continue
    raise AssertionError(f"cannot build a path for {name}")


def outcome(response) -> int | str:
    if response.status_code in (301, 302):
        return "login" if response.url.startswith(reverse("login")) else "302"
    return response.status_code


def test_every_url_has_a_row():
    assert sorted(set(url_names()) - set(TABLE)) == [], "add the new URL to TABLE: who may open it?"
    assert sorted(set(TABLE) - set(url_names())) == [], "TABLE names a URL that is gone"


@pytest.mark.parametrize("visitor", VISITORS)
def test_every_visitor_gets_what_the_table_says(client, world, request, visitor):
    index = VISITORS.index(visitor)
    if visitor != "anonymous":
        client.force_login(request.getfixturevalue(visitor))
    found = {name: outcome(client.get(path_of(name, world))) for name in TABLE}

    wrong = {name: (found[name], TABLE[name][index]) for name in TABLE if found[name] != TABLE[name][index]}
    assert wrong == {}, "\n".join(f"{name}: got {got}, expected {want}" for name, (got, want) in sorted(wrong.items()))


def test_a_manager_changes_nothing_through_any_of_it(lars):
    assert not any(
        p.codename.startswith(("add_", "change_", "delete_")) for p in Permission.objects.filter(group__user=lars)
    )
