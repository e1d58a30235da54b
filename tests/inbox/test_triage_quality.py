"""The triage quality page (#11): figures over what people settled, misses, versions, train now, roll back."""

import pytest
from django.urls import reverse

from inbox.models import TriageDecision, TriageModel
from inbox.triage import learned, services
from inbox.triage.quality import Settled, measure
from inbox.work import actions as workflow
from tests.factories import PostFactory


def test_quality_counts_needs_a_look_as_caught_and_lists_misses_and_false_alarms():
    rows = [
        Settled(
            1,
            "a",
            must_reply=True,
            needs_look=False,
            categories=frozenset({"product_question"}),
            needed_answer=True,
            actual_categories=frozenset({"product_question"}),
        ),
        Settled(2, "b", must_reply=False, needs_look=True, categories=frozenset(), needed_answer=True),
        Settled(3, "c", must_reply=False, needs_look=False, categories=frozenset(), needed_answer=True),
        Settled(
            4,
            "d",
            must_reply=True,
            needs_look=False,
            categories=frozenset({"technical_problem"}),
            needed_answer=False,
            actual_categories=frozenset(),
        ),
    ]

    quality = measure(rows)

    assert quality.n == 4
    assert (quality.must_reply.precision, quality.must_reply.recall) == (0.5, pytest.approx(1 / 3))
    assert quality.caught.recall == pytest.approx(2 / 3)
    assert [row.post_id for row in quality.misses] == [3]
    assert [row.post_id for row in quality.false_alarms] == [4]
    assert quality.with_categories == 2
    assert quality.categories["product_question"].f1 == 1.0
    assert quality.categories["technical_problem"].precision == 0.0


@pytest.fixture
def settled(db, ingrid):
    """Three posts triaged by the rules (no model), then settled by Ingrid."""
    from django.core.management import call_command

    call_command("load_strategy", verbosity=0)
    flagged = PostFactory(text="Hvor er pakken min? Bestilte for to uker siden", language="nb")
    missed = PostFactory(text="Fint bilde!", language="nb")
    alarm = PostFactory(text="Appen krasjer hos naboen, ikke min sak", language="nb")
    for post in (flagged, missed, alarm):
        services.triage_post(post_id=post.pk)
    for post in (flagged, missed, alarm):
        post.refresh_from_db()
    workflow.reply_to_post(post=flagged, user=ingrid, text="Vi sjekker!")
    workflow.reply_to_post(post=missed, user=ingrid, text="Takk!")
    if alarm.must_reply:
        workflow.close_post(post=alarm, user=ingrid, reason="no_reply_needed")
    return {"flagged": flagged, "missed": missed, "alarm": alarm}


def test_the_page_shows_the_figures_and_the_posts_to_look_at(client, ingrid, settled):
    client.force_login(ingrid)
    client.cookies["django_language"] = "en"

    html = client.get(reverse("inbox:triage-quality")).content.decode()

    assert "3 settled posts" in html
    assert "Missed: needed an answer, triage said no" in html
    assert reverse("inbox:post-detail", args=[settled["missed"].pk]) in html
    assert "No version is active: the rules decide alone." in html
    assert "Train now" in html
    rows = learned.settled_since(settled["flagged"].received_at.replace(year=2000))
    assert {row.post_id for row in rows} == {post.pk for post in settled.values()}


def test_a_manager_may_read_the_page_but_not_train(client, lars, settled):
    client.force_login(lars)

    assert client.get(reverse("inbox:triage-quality")).status_code == 200
    assert client.post(reverse("inbox:triage-train")).status_code == 403
    assert "Train now" not in client.get(reverse("inbox:triage-quality")).content.decode()


def test_train_now_trains_a_version_by_that_person_and_shows_it_beside_the_figures(
    client, ingrid, settled, eager_tasks, django_capture_on_commit_callbacks
):
    client.force_login(ingrid)
    client.cookies["django_language"] = "en"

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("inbox:triage-train"))

    assert response.status_code == 302
    version = TriageModel.objects.get()
    assert (version.trained_by, version.is_active) == (ingrid, True)
    assert version.training_counts["replied"] >= 1  # a post triage did not flag, answered: a label
    html = client.get(reverse("inbox:triage-quality")).content.decode()
    assert f"In force: version {version.version}" in html
    assert "labelled posts" in html
    assert f"{version.blind_figures['must_reply']['precision']:.3f}" in html


@pytest.mark.django_db
def test_putting_an_earlier_version_in_force_rolls_back(client, ingrid):
    first = TriageModel.objects.create(version="v1", parameters={}, is_active=False)
    second = TriageModel.objects.create(version="v2", parameters={}, is_active=True)
    client.force_login(ingrid)

    response = client.post(reverse("inbox:triage-model-activate", args=[first.pk]))

    assert response.status_code == 302
    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.is_active, first.activated_by, second.is_active) == (True, ingrid, False)
    assert not TriageDecision.objects.exists()


def test_a_figure_with_nothing_to_measure_it_on_is_a_dash_not_a_perfect_score():
    from inbox.templatetags.inbox_tags import figure
    from inbox.triage.evaluation import Counts

    nothing_flagged = Counts(false_negative=1)  # one post needed an answer; triage flagged none
    assert figure(nothing_flagged, "precision") == "\u2013" and figure(nothing_flagged, "f1") == "\u2013"
    assert figure(nothing_flagged, "recall") in ("0.00", "0,00")
    assert figure(Counts(), "recall") == "\u2013"
    assert figure(Counts(true_positive=3, false_positive=1), "precision") in ("0.75", "0,75")
