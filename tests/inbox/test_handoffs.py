"""
Nothing lost or doubled between the stages: a delivery is claimed with a lease, a post
whose triage task was lost is swept, a reply goes out once, the deadline sweep commits
in chunks with its notifications.
"""

import threading
from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from inbox.connectors import facebook
from inbox.ingest import deliveries
from inbox.models import OutboxMessage, Post, TriageDecision, WebhookDelivery
from inbox.triage import sweeps
from inbox.work import actions, outbox
from socialstrategy.models import Notification
from socialstrategy.roles import apply_roles
from strategy.models import Channel, Team, TeamMembership
from tests.factories import PostFactory

from .payloads import PAGE_ID, facebook_body, fb_comment
from .test_sending import platform  # noqa: F401 - the fake platform fixture

pytestmark = pytest.mark.django_db


def a_delivery(**fields) -> WebhookDelivery:
    return WebhookDelivery.objects.create(source="facebook", body=facebook_body(fb_comment("1")), **fields)


# --- Deliveries: a real claim ------------------------------------------------------


def test_a_claimed_delivery_is_not_processed_by_a_second_copy(facebook_page):
    delivery = a_delivery()

    assert deliveries.claim(delivery.pk) is not None
    # A second copy of the task (the sweep's, or a redelivery) finds it claimed and does nothing.
    assert deliveries.process_delivery(delivery_id=delivery.pk) is None
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts) == (WebhookDelivery.Status.PROCESSING, 1)
    assert Post.objects.count() == 0


def test_a_dead_workers_delivery_is_taken_up_when_its_lease_expires(facebook_page, settings, eager_tasks):
    delivery = a_delivery()
    deliveries.claim(delivery.pk)  # the worker dies here

    assert deliveries.sweep_deliveries() == {"requeued": 0, "failed": 0}  # the lease still holds
    later = timezone.now() + timedelta(seconds=settings.INBOX_DELIVERY_LEASE_SECONDS + 1)
    with time_machine.travel(later):
        assert deliveries.sweep_deliveries() == {"requeued": 1, "failed": 0}

    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts, delivery.lease_until) == (WebhookDelivery.Status.PROCESSED, 2, None)
    assert Post.objects.count() == 1


def test_a_delivery_that_kills_its_worker_every_time_ends_failed(facebook_page, settings):
    settings.INBOX_DELIVERY_MAX_ATTEMPTS = 3
    delivery = a_delivery()
    now = timezone.now()
    for attempt in range(3):
        assert deliveries.claim(delivery.pk, now=now + timedelta(hours=attempt)) is not None  # ... and dies

    assert deliveries.claim(delivery.pk, now=now + timedelta(hours=5)) is None
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts) == (WebhookDelivery.Status.FAILED, 3)
    assert "maximum number of attempts" in delivery.error


def test_the_sweep_does_not_resend_a_pending_delivery_it_just_sent(facebook_page, settings):
    sent = []
    delivery = a_delivery(received_at=timezone.now() - timedelta(minutes=10))
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(deliveries.tasks.process_delivery_task, "apply_async", lambda **kw: sent.append(kw))
        assert deliveries.sweep_deliveries()["requeued"] == 1
        # Still waiting in the backlog a minute later: not sent a second time.
        with time_machine.travel(timezone.now() + timedelta(seconds=60)):
            assert deliveries.sweep_deliveries()["requeued"] == 0
    assert [kw["args"] for kw in sent] == [(delivery.pk,)]


# --- Triage: the untriaged sweep --------------------------------------------------


def test_a_post_whose_triage_task_was_lost_is_triaged_by_the_sweep(facebook_page, eager_tasks):
    call_command("load_strategy", verbosity=0)
    post = Post.objects.create(
        channel=facebook_page,
        external_id="lost",
        kind="comment",
        text="Appen krasjer hver gang jeg logger inn, hva gjør jeg?",
        published_at=timezone.now(),
        received_at=timezone.now(),
    )

    assert sweeps.sweep_untriaged() == {"requeued": 0, "failed_safe": 0}  # too young: its task may still be queued
    with time_machine.travel(timezone.now() + timedelta(minutes=3)):
        assert sweeps.sweep_untriaged() == {"requeued": 1, "failed_safe": 0}
        assert sweeps.sweep_untriaged() == {"requeued": 0, "failed_safe": 0}

    post.refresh_from_db()
    assert post.triaged_at is not None
    assert post.must_reply and post.due_at is not None
    assert TriageDecision.objects.filter(post=post).count() == 1


def test_a_post_triage_keeps_failing_on_is_put_before_a_person(facebook_page, ingrid, settings, monkeypatch):
    call_command("load_strategy", verbosity=0)
    TeamMembership.objects.create(team=Team.objects.get(slug="communication-unit"), user=ingrid)
    settings.INBOX_TRIAGE_MAX_ATTEMPTS = 2
    sent = []
    monkeypatch.setattr(sweeps.tasks.triage_post_task, "apply_async", lambda args, **kw: sent.append(args))  # lost
    start = timezone.now()
    post = Post.objects.create(
        channel=Channel.objects.get(slug="facebook"),
        external_id="broken",
        kind="comment",
        text="Noe triage ikke klarer",
        published_at=start,
        received_at=start,
    )

    for minutes in (3, 4, 6):  # sweeps a minute apart; it is sent again at most every two minutes
        with time_machine.travel(start + timedelta(minutes=minutes)):
            sweeps.sweep_untriaged()
    with time_machine.travel(start + timedelta(minutes=9)):
        assert sweeps.sweep_untriaged() == {"requeued": 0, "failed_safe": 1}

    assert len(sent) == 2
    post.refresh_from_db()
    assert (post.must_reply, post.team.slug, post.status) == (True, "communication-unit", "open")
    assert post.due_at is not None and post.triaged_at is not None
    decision = post.decisions.get()
    assert decision.note == "Sorteringen kunne ikke avgjøre dette innlegget; en person må se på det."
    assert post.notifications.get(user=ingrid).kind == Notification.Kind.ASSIGNED


def test_an_edit_puts_the_post_back_for_the_sweep(
    facebook_page, strategy, eager_tasks, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        deliveries.process_delivery(delivery_id=a_delivery().pk)
    post = Post.objects.get()
    assert post.triaged_at is not None

    edited = fb_comment("1", message="Nå virker ingenting, betalingen feiler", verb="edited")
    WebhookDelivery.objects.create(source="facebook", body=facebook_body(edited))
    # The edit's triage task is lost: the broker never sees it.
    deliveries.process_delivery(delivery_id=WebhookDelivery.objects.order_by("-pk").first().pk)

    post.refresh_from_db()
    assert post.triaged_at is None
    assert sweeps.untriaged_posts(now=timezone.now() + timedelta(minutes=3)).filter(pk=post.pk).exists()


# --- The deadline sweep: chunks, and recipients once ------------------------------


def test_the_deadline_sweep_commits_in_chunks_and_reads_the_recipients_once(facebook_page, ingrid, monkeypatch):
    monkeypatch.setattr(sweeps, "CHUNK", 10)
    team = Team.objects.create(slug="communication-unit", name="Kommunikasjon")
    TeamMembership.objects.create(team=team, user=ingrid, is_lead=True)
    due = datetime(2026, 5, 13, 12, tzinfo=UTC)
    Post.objects.bulk_create(
        Post(
            channel=facebook_page,
            external_id=str(n),
            kind="comment",
            text=f"Innlegg {n}",
            published_at=due - timedelta(hours=2),
            must_reply=True,
            due_at=due,
            team=team,
            status="open",
        )
        for n in range(25)
    )

    with time_machine.travel(due + timedelta(minutes=1)):
        with CaptureQueriesContext(connection) as queries:
            assert sweeps.sweep_deadlines() == {"breached": 25, "warned": 0}
        assert sweeps.sweep_deadlines() == {"breached": 0, "warned": 0}

    assert Notification.objects.filter(kind="breach", user=ingrid).count() == 25
    sql = [query["sql"] for query in queries.captured_queries]
    # The recipients are read once per run, not once per post; three chunks, each its own update.
    assert sum("strategy_teammembership" in q for q in sql) == 2  # the unit's members, and every membership
    assert sum(q.startswith('UPDATE "inbox_post"') for q in sql) == 3


# --- Exactly-once replies ------------------------------------------------------


def an_unanswered_question(channel) -> Post:
    return PostFactory(
        channel=channel,
        external_id="111_222",
        author__name="Kari Nordmann",
        text="Når åpner dere?",
        must_reply=True,
        status="open",
    )


@pytest.fixture
def unanswered(facebook_page):
    return an_unanswered_question(facebook_page)


def test_a_reply_form_sent_twice_sends_one_reply(unanswered, ingrid, settings):
    settings.SOCIAL_SANDBOX = True
    actions.reply_to_post(post=unanswered, user=ingrid, text="Vi åpner klokka ni.", after=0)
    unanswered.refresh_from_db()
    unanswered.status = "open"  # as the second request read it, before the first one committed

    with pytest.raises(outbox.AlreadySent):
        actions.reply_to_post(post=unanswered, user=ingrid, text="Vi åpner klokka ni.", after=0)

    assert OutboxMessage.objects.count() == 1


def test_a_reply_is_pending_with_its_key_before_the_platform_is_called(platform, unanswered, ingrid):  # noqa: F811
    seen = []
    platform.answers[("POST", "/v21.0/111_222/comments")] = (200, {"id": "111_333"})
    original = facebook.send_reply

    def watching(post, text):
        seen.append(list(OutboxMessage.objects.values_list("status", "idempotency_key")))
        return original(post, text)

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(facebook, "send_reply", watching)
        message = actions.reply_to_post(post=unanswered, user=ingrid, text="Klokka ni.", after=0)

    assert seen == [[("pending", f"reply:{unanswered.pk}:after:0")]]
    message.refresh_from_db()
    assert (message.status, message.external_id) == ("sent", "111_333")


def test_a_message_left_sending_becomes_not_confirmed_and_its_writer_is_told(unanswered, ingrid, settings):
    message = OutboxMessage.objects.create(
        channel=unanswered.channel,
        action="reply",
        in_reply_to=unanswered,
        text="Klokka ni.",
        status="pending",
        idempotency_key=f"reply:{unanswered.pk}:after:0",
        created_by=ingrid,
    )

    assert outbox.sweep_outbox() == 0
    with time_machine.travel(timezone.now() + timedelta(seconds=settings.INBOX_OUTBOX_PENDING_SECONDS + 1)):
        assert outbox.sweep_outbox() == 1

    message.refresh_from_db()
    assert message.status == "unknown"
    assert unanswered.notifications.get(user=ingrid).kind == Notification.Kind.UNCONFIRMED
    # Not sent again by itself; the key stays held until a person says it was not published.
    with pytest.raises(outbox.AlreadySent):
        outbox.send_reply(post=unanswered, text="Klokka ni.", after=0)
    outbox.confirm(message=message, published=False)
    settings.SOCIAL_SANDBOX = True
    assert outbox.send_reply(post=unanswered, text="Klokka ni.", after=0).status == "sandbox"


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_eight_people_replying_at_once_make_one_platform_call(platform, facebook_page, django_user_model):  # noqa: F811
    apply_roles()
    from django.contrib.auth.models import Group

    group = Group.objects.get(name="communication_unit")
    people = [django_user_model.objects.create_user(f"writer{n}") for n in range(8)]
    for person in people:
        person.groups.add(group)
    post = an_unanswered_question(facebook_page)
    platform.answers[("POST", "/v21.0/111_222/comments")] = (200, {"id": "111_333"})
    platform.delay = 0.2  # the platform is slow: everyone is writing while the first call is out
    barrier = threading.Barrier(len(people))
    outcomes = []

    def reply(person):
        try:
            barrier.wait()
            actions.reply_to_post(
                post=Post.objects.get(pk=post.pk),
                user=django_user_model.objects.get(pk=person.pk),
                text=f"Svar fra {person.username}",
                after=0,
            )
            outcomes.append("sent")
        except (outbox.AlreadySent, actions.PostHeldByOther) as exc:
            outcomes.append(type(exc).__name__)
        except Exception as exc:  # a ValidationError: the post was answered before this one read it
            outcomes.append(type(exc).__name__)
        finally:
            connection.close()

    threads = [threading.Thread(target=reply, args=(person,)) for person in people]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    assert len(outcomes) == len(people)
    assert outcomes.count("sent") == 1
    calls = [r for r in platform.server.received if r.path == "/v21.0/111_222/comments"]
    assert len(calls) == 1
    assert OutboxMessage.objects.exclude(status="failed").count() == 1


def test_a_person_settles_a_reply_not_confirmed_on_the_post_page(client, unanswered, ingrid, settings):
    message = OutboxMessage.objects.create(
        channel=unanswered.channel,
        action="reply",
        in_reply_to=unanswered,
        text="Vi åpner klokka ni.",
        status="unknown",
        idempotency_key=f"reply:{unanswered.pk}:after:0",
        created_by=ingrid,
    )
    client.force_login(ingrid)
    page = reverse("inbox:post-detail", args=[unanswered.pk])
    confirm = reverse("inbox:post-confirm-reply", args=[unanswered.pk, message.pk])

    html = client.get(page).content.decode()
    assert "Svaret er ikke bekreftet" in html
    assert confirm in html
    # No second reply while the first may be on the platform.
    assert 'name="reply-text"' not in html
    with pytest.raises(ValidationError, match="ikke bekreftet ennå"):
        actions.reply_to_post(post=unanswered, user=ingrid, text="Vi åpner klokka ni!")

    response = client.post(confirm, {"published": "no"}, follow=True)
    assert response.redirect_chain[-1][0].endswith("#reply")  # the post's own page: a reload sends nothing
    assert "Vi åpner klokka ni.</textarea>" in response.content.decode()  # back in the reply box
    message.refresh_from_db()
    assert message.status == "failed"

    message.status = "unknown"
    message.save()
    client.post(confirm, {"published": "yes"})
    message.refresh_from_db()
    unanswered.refresh_from_db()
    assert message.status == "sent"
    assert (unanswered.status, unanswered.first_response_at) == ("answered", message.sent_at)


def test_a_manager_cannot_settle_a_reply(client, unanswered, lars):
    message = OutboxMessage.objects.create(
        channel=unanswered.channel, action="reply", in_reply_to=unanswered, text="Hei", status="unknown"
    )
    client.force_login(lars)

    response = client.post(reverse("inbox:post-confirm-reply", args=[unanswered.pk, message.pk]), {"published": "yes"})

    assert response.status_code == 403
    message.refresh_from_db()
    assert message.status == "unknown"


def test_our_reply_arriving_from_the_platform_confirms_a_reply_not_confirmed(
    facebook_page, ingrid, eager_tasks, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        deliveries.process_delivery(delivery_id=a_delivery().pk)
    post = Post.objects.get()
    message = OutboxMessage.objects.create(
        channel=facebook_page,
        action="reply",
        in_reply_to=post,
        text="Vi åpner klokka ni.",
        status="unknown",
        idempotency_key=f"reply:{post.pk}:after:0",
        created_by=ingrid,
    )
    ours = fb_comment("2", "Vi åpner klokka ni.", parent=post.external_id, sender=(PAGE_ID, "Oss"))
    delivery = WebhookDelivery.objects.create(source="facebook", body=facebook_body(ours))

    deliveries.process_delivery(delivery_id=delivery.pk)

    message.refresh_from_db()
    assert message.status == "sent"
    assert message.external_id == Post.objects.get(is_ours=True).external_id
