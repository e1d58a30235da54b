from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from django.core.management import call_command
from django.urls import reverse

from inbox.models import Post
from inbox.triage import services as triage_services
from strategy.models import Channel

OSLO = ZoneInfo("Europe/Oslo")


@pytest.fixture
def post(strategy):
    call_command("load_strategy", verbosity=0)
    post = Post.objects.create(
        channel=Channel.objects.get(slug="facebook"),
        external_id="1",
        kind="comment",
        text="Har hørt at dere legger ned butikken i Bergen",
        published_at=datetime(2026, 5, 13, 10, tzinfo=OSLO),
    )
    triage_services.triage_post(post_id=post.pk)
    return post


def url(post) -> str:
    return reverse("inbox:post-detail", args=[post.pk])


def override_url(post) -> str:
    return reverse("inbox:post-triage", args=[post.pk])


def test_it_shows_the_decision_the_rule_the_guideline_and_the_correction(client, post, ingrid):
    client.force_login(ingrid)

    html = client.get(url(post)).content.decode()

    assert "Faktafeil" in html
    assert "9.4" in html and "Svar alltid når" in html
    assert "Vi legger ikke ned butikkene våre." in html
    assert "Kommunikasjonsenheten" in html


def test_the_communication_unit_overrides_and_the_history_stays(client, post, ingrid):
    client.force_login(ingrid)

    response = client.post(
        override_url(post),
        {"triage-categories": ["negative"], "triage-priority": "low", "triage-note": "Ironi fra en kjent spøkefugl"},
        follow=True,
    )

    post.refresh_from_db()
    assert (post.must_reply, post.priority, post.categories, post.due_at) == (False, "low", ["negative"], None)
    assert post.decisions.count() == 2
    assert "Ironi fra en kjent spøkefugl" in response.content.decode()


def test_an_override_that_contradicts_itself_is_explained(client, post, ingrid):
    client.force_login(ingrid)

    response = client.post(
        override_url(post),
        {"triage-categories": ["technical_problem"], "triage-priority": "high", "triage-note": "x"},
        follow=True,
    )

    assert response.redirect_chain[-1][0].endswith("#override-panel")
    assert post.decisions.count() == 1
    form = response.context["override_form"]
    assert form.non_field_errors()
    assert form["categories"].value() == ["technical_problem"]  # what was ticked is kept


def test_managers_read_but_cannot_override(client, post, lars):
    client.force_login(lars)

    assert client.get(url(post)).status_code == 200
    assert (
        client.post(
            override_url(post), {"triage-categories": [], "triage-priority": "low", "triage-note": "nei"}
        ).status_code
        == 403
    )
    assert post.decisions.count() == 1


def test_employees_get_403(client, post, ola):
    client.force_login(ola)

    assert client.get(url(post)).status_code == 403
