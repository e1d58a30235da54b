"""triage_post, overrides, re-triage, routing and the deadline sweep, on the database."""

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core import mail
from django.core.management import call_command
from django.utils import translation

from inbox.ingest import events
from inbox.models import Post, TriageDecision
from inbox.triage import services as triage_services
from inbox.triage import sweeps
from socialstrategy.models import Notification
from strategy.models import Channel, ReplyRule, Team, TeamMembership
from tests.factories import PUBLISHED, AuthorFactory, PostFactory, UserFactory

OSLO = ZoneInfo("Europe/Oslo")
# 10:00 in Oslo on Wednesday 13 May 2026: when PostFactory's posts are published, unless a test says otherwise.
WEDNESDAY_MORNING = PUBLISHED.astimezone(OSLO)


@pytest.fixture
def rulebook(strategy):
    """The demo strategy with its reply rules, policies and matrix (load_strategy installs them)."""
    call_command("load_strategy", verbosity=0)


@pytest.fixture
def facebook(rulebook) -> Channel:
    return Channel.objects.get(slug="facebook")


@pytest.fixture
def support_team(rulebook):
    team = Team.objects.get(slug="technical-support")
    busy = UserFactory(username="busy", email="busy@bedriften.example")
    idle = UserFactory(username="idle", email="idle@bedriften.example")
    away = UserFactory(username="away")
    lead = UserFactory(username="lead", email="lead@bedriften.example")
    TeamMembership.objects.create(team=team, user=busy)
    TeamMembership.objects.create(team=team, user=idle)
    TeamMembership.objects.create(team=team, user=away, on_duty=False)
    TeamMembership.objects.create(team=team, user=lead, is_lead=True, on_duty=False)
    return {"team": team, "busy": busy, "idle": idle, "away": away, "lead": lead}


def test_a_must_reply_post_gets_categories_a_deadline_a_team_and_its_reasons(facebook):
    post = PostFactory(channel=facebook, text="Hei! Når åpner dere butikken i Tromsø?")

    decision = triage_services.triage_post(post_id=post.pk)

    post.refresh_from_db()
    assert post.categories == ["product_question"]
    assert post.must_reply
    assert post.priority == "normal"
    assert post.due_at == datetime(2026, 5, 13, 16, 0, tzinfo=OSLO)  # the same working day
    assert post.team.slug == "customer-service"
    assert post.status == Post.Status.OPEN
    assert decision.deadline_rule == "same_day"
    assert decision.decided_by is None
    assert [r.slug for r in decision.rules.all()] == ["product-question"]
    assert [g.slug for g in decision.guidelines.all()] == ["always-reply"]
    assert decision.reasons[0]["words"] == ["åpner", "dere", "butikken"]


def test_a_post_that_needs_no_reply_has_no_deadline(facebook):
    post = PostFactory(channel=facebook, text="Elsker den nye jakka! 😍")

    triage_services.triage_post(post_id=post.pk)

    post.refresh_from_db()
    assert (post.must_reply, post.due_at, post.priority, post.team) == (False, None, "low", None)


def test_triage_is_idempotent(facebook):
    post = PostFactory(channel=facebook, text="Appen krasjer når jeg logger inn")

    first = triage_services.triage_post(post_id=post.pk)
    second = triage_services.triage_post(post_id=post.pk)

    assert first == second
    assert TriageDecision.objects.count() == 1


def test_an_urgent_post_gets_the_shorter_target(facebook):
    post = PostFactory(
        channel=facebook, text="My order never arrived and the app keeps crashing", published_at=WEDNESDAY_MORNING
    )

    decision = triage_services.triage_post(post_id=post.pk)

    assert decision.priority == "urgent"
    assert decision.due_at == datetime(2026, 5, 13, 12, 0, tzinfo=OSLO)
    assert decision.deadline_rule == "target"


def test_routing_picks_the_least_busy_member_on_duty(facebook, support_team):
    from django.contrib.auth.models import Group

    for member in (support_team["busy"], support_team["idle"]):
        member.groups.add(Group.objects.get(name="communication_unit"))
    PostFactory(
        channel=facebook, text="old", external_id="old", assignee=support_team["busy"], must_reply=True, status="open"
    )
    post = PostFactory(channel=facebook, text="Appen fungerer ikke")

    triage_services.triage_post(post_id=post.pk)

    post.refresh_from_db()
    assert post.team == support_team["team"]
    assert post.assignee == support_team["idle"]
    assert post.notifications.filter(user=support_team["idle"], kind="assigned").exists()
    assert not post.forwards.exists()


def test_routing_to_an_employee_is_a_forward_from_the_system(facebook, support_team):
    from django.contrib.auth.models import Group

    support_team["idle"].groups.add(Group.objects.get(name="employee"))
    PostFactory(
        channel=facebook, text="old", external_id="old", assignee=support_team["busy"], must_reply=True, status="open"
    )
    post = PostFactory(channel=facebook, text="Appen fungerer ikke")

    triage_services.triage_post(post_id=post.pk)

    post.refresh_from_db()
    forward = post.forwards.get()
    assert (forward.to_user, forward.sent_by, forward.ended_at) == (support_team["idle"], None, None)
    assert post.assignee == support_team["idle"]
    assert post.notifications.filter(user=support_team["idle"], kind="forwarded").exists()
    assert post.activities.filter(kind="forwarded").exists()


def test_triage_does_not_take_a_post_from_whoever_holds_it(facebook, support_team, ingrid):
    post = PostFactory(channel=facebook, text="Appen fungerer ikke", assignee=ingrid)

    triage_services.triage_post(post_id=post.pk)

    post.refresh_from_db()
    assert post.assignee == ingrid


def test_an_override_is_a_new_decision_and_the_system_leaves_it(facebook, ingrid):
    post = PostFactory(channel=facebook, text="Elsker den nye jakka!")
    triage_services.triage_post(post_id=post.pk)

    override = triage_services.override_triage(
        post=post, user=ingrid, categories=["product_question"], must_reply=True, priority="high", note="Spør om str."
    )
    triage_services.triage_post(post_id=post.pk)

    post.refresh_from_db()
    assert post.must_reply and post.priority == "high"
    assert post.due_at == datetime(2026, 5, 13, 16, 0, tzinfo=OSLO)
    assert post.decisions.count() == 2
    assert post.decisions.latest() == override
    assert override.decided_by == ingrid


def test_retriage_applies_changed_rules_to_open_posts(facebook, django_capture_on_commit_callbacks, eager_tasks):
    post = PostFactory(channel=facebook, text="Kassen på nettsiden oppfører seg rart")
    triage_services.triage_post(post_id=post.pk)
    assert not Post.objects.get(pk=post.pk).must_reply
    rule = ReplyRule.objects.get(slug="technical-problem")
    rule.keywords_nb += "\noppfører seg rart"
    rule.save()

    with django_capture_on_commit_callbacks(execute=True):
        count = triage_services.retriage_open_posts()

    assert count == 1
    post.refresh_from_db()
    assert post.categories == ["technical_problem"]
    assert post.decisions.count() == 2


def test_an_ingested_post_is_triaged_after_commit(facebook, django_capture_on_commit_callbacks, eager_tasks):
    from inbox.connectors.base import AuthorData, PostEvent

    event = PostEvent(
        external_id="c1",
        text="Jeg har innloggingsproblemer",
        author=AuthorData("9", "Kari"),
        published_at=WEDNESDAY_MORNING,
    )
    with django_capture_on_commit_callbacks(execute=True):
        events.ingest_event(channel=facebook, event=event)

    assert Post.objects.get().categories == ["technical_problem"]


@pytest.mark.parametrize("earlier", [0, 2])
def test_a_repeated_complainer_is_urgent(facebook, earlier):
    author = AuthorFactory(platform="facebook", external_id="77", name="Per")
    for n in range(earlier):
        PostFactory(
            channel=facebook,
            text="klage",
            external_id=f"e{n}",
            author=author,
            must_reply=True,
            categories=["dissatisfied_customer"],
            published_at=WEDNESDAY_MORNING - timedelta(days=n + 1),
        )
    post = PostFactory(channel=facebook, text="Skuffet over leveringen", external_id="now", author=author)

    decision = triage_services.triage_post(post_id=post.pk)

    assert decision.priority == ("urgent" if earlier else "high")


class TestTheDeadlineSweep:
    def test_it_marks_a_breach_once_and_tells_the_assignee_the_lead_and_the_communication_unit(
        self, facebook, support_team, ingrid, django_capture_on_commit_callbacks, eager_tasks
    ):
        comm = Team.objects.get(slug="communication-unit")
        ingrid.email = "ingrid@bedriften.example"
        ingrid.save()
        TeamMembership.objects.create(team=comm, user=ingrid)
        post = PostFactory(channel=facebook, text="Appen fungerer ikke")
        triage_services.triage_post(post_id=post.pk)
        after = datetime(2026, 5, 13, 16, 1, tzinfo=OSLO)

        with django_capture_on_commit_callbacks(execute=True):
            first = sweeps.sweep_deadlines(now=after)
            second = sweeps.sweep_deadlines(now=after + timedelta(minutes=1))

        assert first["breached"] == 1 and second["breached"] == 0
        post.refresh_from_db()
        assert post.breached_at == after
        told = set(post.notifications.filter(kind="breach").values_list("user__username", flat=True))
        assert told == {"busy", "lead", "ingrid"}  # equally busy: the first member
        emailed = post.notifications.filter(kind="breach", emailed_at__isnull=False)
        assert set(emailed.values_list("user__username", flat=True)) == {"busy", "lead", "ingrid"}
        with translation.override("nb"):  # emails go out in the product's language
            breached_subject = str(Notification.Kind.BREACH.label)
        breach_mail = [m for m in mail.outbox if breached_subject in m.subject]
        assert sorted(m.to[0] for m in breach_mail) == [
            "busy@bedriften.example",
            "ingrid@bedriften.example",
            "lead@bedriften.example",
        ]

    def test_a_post_answered_in_time_is_never_breached(self, facebook):
        post = PostFactory(channel=facebook, text="Appen fungerer ikke")
        triage_services.triage_post(post_id=post.pk)
        Post.objects.filter(pk=post.pk).update(first_response_at=WEDNESDAY_MORNING + timedelta(hours=1))

        assert sweeps.sweep_deadlines(now=datetime(2026, 5, 14, 9, 0, tzinfo=UTC)) == {"breached": 0, "warned": 0}

    def test_it_warns_thirty_minutes_before_the_deadline(self, facebook, support_team):
        post = PostFactory(channel=facebook, text="Appen fungerer ikke")
        triage_services.triage_post(post_id=post.pk)

        result = sweeps.sweep_deadlines(now=datetime(2026, 5, 13, 15, 40, tzinfo=OSLO))
        again = sweeps.sweep_deadlines(now=datetime(2026, 5, 13, 15, 45, tzinfo=OSLO))

        assert (result["warned"], again["warned"]) == (1, 0)
        assert post.notifications.filter(kind="due_soon", user=support_team["busy"]).count() == 1

    def test_the_sweep_task_runs_under_its_lock(self, facebook, eager_tasks):
        from inbox.triage.tasks import sweep_deadlines_task

        post = PostFactory(
            channel=facebook, text="Appen fungerer ikke", published_at=datetime(2020, 1, 6, 9, 0, tzinfo=OSLO)
        )
        triage_services.triage_post(post_id=post.pk)

        with time_machine.travel(datetime(2020, 1, 7, 9, 0, tzinfo=OSLO)):
            sweep_deadlines_task.delay()

        assert Post.objects.get(pk=post.pk).breached_at is not None


def test_the_strategy_tables_are_read_once_a_while_and_an_edit_takes_effect_at_once(
    facebook, settings, django_assert_num_queries
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from inbox.triage import rulebook
    from strategy.models import ResponsibilityRule

    settings.TRIAGE_VERSION_CHECK_SECONDS = 60
    rulebook.forget_tables()
    triage_services.triage_post(post_id=PostFactory(channel=facebook, text="Når åpner dere i Tromsø?").pk)
    with CaptureQueriesContext(connection) as queries:
        triage_services.triage_post(post_id=PostFactory(channel=facebook, text="Hva koster frakten?").pk)
    read = " ".join(q["sql"] for q in queries.captured_queries)
    # The policies, the matrix, teams, themes and guidelines came from the first post's reading.
    for table in ("responsepolicy", "responsibilityrule", 'strategy_team"', "strategy_theme", "strategy_guideline"):
        assert table not in read

    line = ResponsibilityRule.objects.get(category="product_question", channel=None, theme=None)
    line.team = Team.objects.get(slug="communication-unit")
    line.save()  # in this process at once; in the others within TRIAGE_VERSION_CHECK_SECONDS
    post = PostFactory(channel=facebook, text="Har dere str 42 av joggeskoene?")
    triage_services.triage_post(post_id=post.pk)

    post.refresh_from_db()
    assert post.team.slug == "communication-unit"
    rulebook.forget_tables()


def test_an_edited_post_is_compared_with_its_decision_and_keeps_a_persons(facebook, ingrid):
    post = PostFactory(channel=facebook, text="Appen krasjer når jeg logger inn")
    triage_services.triage_post(post_id=post.pk)
    triage_services.override_triage(
        post=post, user=ingrid, categories=[], must_reply=False, priority="low", note="a joke"
    )
    Post.objects.filter(pk=post.pk).update(triaged_at=None, edited_at=PUBLISHED + timedelta(minutes=5))

    decision = triage_services.triage_post(post_id=post.pk)

    assert decision.decided_by == ingrid
    assert TriageDecision.objects.filter(post=post).count() == 2


def test_a_new_post_from_the_same_author_in_an_answered_thread_is_work_again_when_it_needs_a_reply(facebook):
    author = AuthorFactory(platform="facebook")
    answered = PostFactory(channel=facebook, author=author, text="Appen krasjer når jeg logger inn", status="answered")
    follow = PostFactory(
        channel=facebook, author=author, parent=answered, kind="reply", text="Det hjalp ikke, appen krasjer fortsatt"
    )

    triage_services.triage_post(post_id=follow.pk)

    follow.refresh_from_db()
    assert follow.must_reply and follow.status == Post.Status.OPEN and follow.due_at is not None
    assert Post.objects.get(pk=answered.pk).status == Post.Status.ANSWERED  # one place to answer: the new post
