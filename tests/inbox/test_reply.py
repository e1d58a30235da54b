"""Replying from the product: through the outbox in sandbox mode, and the post leaves the queues."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from inbox.models import Activity, OutboxMessage, Post
from inbox.work import actions as workflow
from tests.factories import PostFactory, UserFactory


@pytest.fixture
def post(db, settings):
    settings.SOCIAL_SANDBOX = True
    # A weekday morning: the post is due today whatever the hour the tests run at
    # (after 22:00 in Oslo, "now + 2 hours" was tomorrow and the post not due today).
    with time_machine.travel(datetime(2026, 5, 13, 10, 0, tzinfo=ZoneInfo("Europe/Oslo")), tick=True):
        now = timezone.now()
        yield PostFactory(
            channel__name="Facebook",
            external_id="123_456",
            author=None,
            text="Når åpner dere?",
            published_at=now - timedelta(hours=1),
            must_reply=True,
            status="open",
            categories=["product_question"],
            due_at=now + timedelta(hours=2),
        )


def test_a_reply_goes_to_the_outbox_and_the_post_leaves_must_reply_today(client, post, ingrid):
    client.force_login(ingrid)
    assert post in client.get(reverse("inbox:queue", args=["today"])).context["page"].posts

    response = client.post(
        reverse("inbox:post-reply", args=[post.pk]), {"reply-text": "Hei! Vi åpner kl. 9."}, follow=True
    )

    post.refresh_from_db()
    assert post.status == Post.Status.ANSWERED
    assert post.first_response_at is not None
    message = OutboxMessage.objects.get()
    assert (message.status, message.text, message.in_reply_to) == ("sandbox", "Hei! Vi åpner kl. 9.", post)
    assert Activity.objects.filter(post=post, kind="replied", actor=ingrid).exists()
    assert "Svaret ditt er sendt." in response.content.decode()
    assert post not in client.get(reverse("inbox:queue", args=["today"])).context["page"].posts


def test_someone_else_holding_the_post_stops_the_reply(client, post, ingrid):
    from django.contrib.auth.models import Group

    kari = UserFactory(username="kari", first_name="Kari", last_name="Lie")
    kari.groups.add(Group.objects.get(name="communication_unit"))
    workflow.claim_post(post=post, user=kari)
    client.force_login(ingrid)

    response = client.post(reverse("inbox:post-reply", args=[post.pk]), {"reply-text": "Hei!"}, follow=True)

    assert OutboxMessage.objects.count() == 0
    assert "Kari Lie svarer allerede på dette innlegget." in response.content.decode()


def test_a_manager_cannot_reply(client, post, lars):
    client.force_login(lars)

    assert client.post(reverse("inbox:post-reply", args=[post.pk]), {"reply-text": "Hei!"}).status_code == 403
    assert OutboxMessage.objects.count() == 0


def test_an_empty_reply_is_refused(client, post, ingrid):
    client.force_login(ingrid)

    response = client.post(reverse("inbox:post-reply", args=[post.pk]), {"reply-text": ""}, follow=True)

    assert OutboxMessage.objects.count() == 0
    assert "Skriv et svar før du sender." in response.content.decode()


def test_a_negative_post_asks_for_care(client, post, ingrid):
    Post.objects.filter(pk=post.pk).update(categories=["dissatisfied_customer", "negative"])
    client.force_login(ingrid)

    html = client.get(reverse("inbox:post-detail", args=[post.pk])).content.decode()

    assert "Tenk deg om før du svarer på et negativt eller kritisk innlegg." in html


def test_a_reply_must_fit_the_channel_counted_as_the_platform_counts():
    from inbox.work.limits import length_on, limit_for, x_length

    assert limit_for("x") == 280 and limit_for("facebook") == 8000 and limit_for("youtube") == 10000
    assert x_length("Hei, takk!") == 10
    assert x_length("Se https://bedriften.example/retur/alle-varer/30-dager-angrerett") == 3 + 23
    assert x_length("👍") == 2 and x_length("👨‍👩‍👧") == 2 and x_length("🇳🇴") == 2  # one emoji, however composed
    assert x_length("æøå é") == 5 and x_length("日本") == 4
    assert length_on("facebook", "👍 https://bedriften.example") == 2 + len("https://bedriften.example")


def test_a_reply_too_long_for_x_is_refused_with_its_count_and_nothing_is_sent(client, post, ingrid):
    post.channel.platform = "x"
    post.channel.save()
    client.force_login(ingrid)
    text = "Takk for at du sier fra! " * 17  # 424 characters once the last space is trimmed

    response = client.post(reverse("inbox:post-reply", args=[post.pk]), {"reply-text": text}, follow=True)

    html = response.content.decode()
    assert OutboxMessage.objects.count() == 0
    assert "Svaret er 424 tegn; X (Twitter) tar høyst 280. Kort det ned med 144." in html
    assert 'data-limit="280"' in html and 'data-count="x"' in html
    assert text.strip() in html  # the writer's text is kept

    fits = "Takk for at du sier fra! Se https://bedriften.example/kundeservice/apningstider/alle-kanaler 👍"
    client.post(reverse("inbox:post-reply", args=[post.pk]), {"reply-text": fits})
    assert OutboxMessage.objects.get().text == fits


def test_an_answered_post_takes_follow_ups_from_anyone_as_later_responses(client, post, ingrid, django_user_model):
    from django.contrib.auth.models import Group

    from socialstrategy.roles import COMMUNICATION_UNIT

    kari = django_user_model.objects.create_user("kari", first_name="Kari")
    kari.groups.add(Group.objects.get(name=COMMUNICATION_UNIT))
    client.force_login(ingrid)
    client.post(reverse("inbox:post-reply", args=[post.pk]), {"reply-text": "Hei! Vi åpner kl. 9."})
    post.refresh_from_db()
    first = post.first_response_at

    client.force_login(kari)
    page = client.get(reverse("inbox:post-detail", args=[post.pk])).content.decode()
    assert "Følg opp" in page and 'name="reply-text"' in page
    after = client.get(reverse("inbox:post-detail", args=[post.pk])).context["reply_form"]["after"].value()
    client.post(
        reverse("inbox:post-reply", args=[post.pk]),
        {"reply-text": "Og på lørdager åpner vi kl. 10.", "reply-after": after},
    )

    post.refresh_from_db()
    assert OutboxMessage.objects.count() == 2
    assert (post.status, post.first_response_at, post.assignee) == ("answered", first, ingrid)
    assert Activity.objects.filter(post=post, kind="replied", actor=kari).exists()
