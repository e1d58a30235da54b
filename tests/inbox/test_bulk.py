"""Acting on several posts at once from a queue: each post changed as on its own page, and logged."""

from datetime import timedelta

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse
from django.utils import timezone

from inbox.models import Activity, Post
from inbox.work import bulk
from socialstrategy import roles
from socialstrategy.models import Notification
from tests.factories import ChannelFactory, TeamFactory, UserFactory


@pytest.fixture
def channel(db):
    return ChannelFactory(name="Facebook")


@pytest.fixture
def kari(db):
    """Kari is Ingrid's colleague in the communication unit."""
    user = UserFactory(username="kari", first_name="Kari", last_name="Nordmann")
    user.groups.add(Group.objects.get(name=roles.COMMUNICATION_UNIT))
    return user


@pytest.fixture(autouse=True)
def in_english(client):
    client.cookies["django_language"] = "en"


def make(channel, text, **fields):
    defaults = {"kind": "comment", "published_at": timezone.now() - timedelta(hours=1), "status": "open"}
    return Post.objects.create(channel=channel, external_id=text, text=text, **{**defaults, **fields})


def post_bulk(client, posts, action, **fields):
    data = {"posts": [post.pk for post in posts], "action": action, "next": "/inbox/queue/all/", **fields}
    return client.post(reverse("inbox:bulk"), data, follow=True)


def messages_of(response) -> list[str]:
    return [str(message) for message in response.context["messages"]]


def test_closing_several_as_no_reply_needed_closes_each_and_logs_each(client, ingrid, channel):
    posts = [make(channel, f"thanks {n}", must_reply=True, due_at=timezone.now()) for n in range(3)]
    client.force_login(ingrid)

    response = post_bulk(client, posts, "close")

    assert response.redirect_chain == [("/inbox/queue/all/", 302)]
    assert messages_of(response) == ["3 posts closed: no reply needed."]
    for post in posts:
        post.refresh_from_db()
        assert (post.status, post.close_reason) == ("closed", "no_reply_needed")
        assert post.activities.filter(kind=Activity.Kind.CLOSED, actor=ingrid).count() == 1


def test_spam_in_bulk_marks_each_post_and_skips_those_already_closed(client, ingrid, channel):
    open_one = make(channel, "buy followers now")
    closed = make(channel, "old", status="closed", close_reason="no_reply_needed")
    client.force_login(ingrid)

    response = post_bulk(client, [open_one, closed], "spam")

    open_one.refresh_from_db(), closed.refresh_from_db()
    assert (open_one.status, open_one.close_reason) == ("closed", "spam")
    assert open_one.activities.filter(kind=Activity.Kind.SPAM).count() == 1
    assert closed.close_reason == "no_reply_needed"
    assert messages_of(response) == ["1 post marked as spam and closed.", "1 post skipped: “old” (already closed)"]


def test_assigning_in_bulk_tells_the_person_once_per_post_and_skips_posts_a_colleague_holds(
    client, ingrid, kari, channel
):
    free = [make(channel, "free one"), make(channel, "free two")]
    held = make(channel, "held by Ingrid's colleague", assignee=kari)
    client.force_login(ingrid)

    response = post_bulk(client, [*free, held], "assign", to_user=kari.pk)

    assert [Post.objects.get(pk=post.pk).assignee for post in free] == [kari, kari]
    assert messages_of(response) == [
        "2 posts given to Kari Nordmann.",
        "1 post skipped: “held by Ingrid's colleague” (already with Kari Nordmann)",
    ]
    assert Notification.objects.filter(user=kari, kind=Notification.Kind.ASSIGNED).count() == 2
    assert Activity.objects.filter(kind=Activity.Kind.ASSIGNED, actor=ingrid).count() == 2


def test_taking_over_in_bulk_needs_the_box_ticked_and_tells_the_holder(client, ingrid, kari, channel):
    team = TeamFactory(name_nb="Kundeservice", name_en="Kundeservice")
    held = make(channel, "Kari has it", assignee=kari)
    client.force_login(ingrid)

    response = post_bulk(client, [held], "team", to_team=team.pk)

    held.refresh_from_db()
    assert held.assignee == kari and held.team is None
    assert messages_of(response) == ["1 post skipped: “Kari has it” (held by Kari Nordmann)"]

    response = post_bulk(client, [held], "team", to_team=team.pk, take_over="on")

    held.refresh_from_db()
    assert held.team == team and held.assignee is None
    assert messages_of(response) == ["1 post given to Kundeservice."]
    told = Notification.objects.get(user=kari, kind=Notification.Kind.RELEASED)
    assert told.text == "Ingrid Berg gave the post you held to Kundeservice."


def test_an_incomplete_action_says_what_is_missing_and_changes_nothing(client, ingrid, channel):
    post = make(channel, "something")
    client.force_login(ingrid)

    assert messages_of(post_bulk(client, [post], "assign")) == ["Choose the person to give the posts to."]
    assert messages_of(post_bulk(client, [], "close")) == ["Tick the posts to act on first."]
    response = client.post(reverse("inbox:bulk"), {"posts": ["\uff11\uff12", "x"], "action": "close"}, follow=True)
    assert response.status_code == 200
    assert messages_of(response) == ["Select a valid choice. \uff11\uff12 is not one of the available choices."]
    post.refresh_from_db()
    assert post.status == "open" and post.assignee is None


def test_unknown_ids_are_counted_and_an_outside_next_goes_to_the_inbox(client, ingrid, channel):
    post = make(channel, "real")
    client.force_login(ingrid)

    response = client.post(
        reverse("inbox:bulk"),
        {"posts": [post.pk, 999999], "action": "close", "next": "https://evil.example/"},
        follow=True,
    )

    assert response.redirect_chain[0] == (reverse("inbox:queue-default"), 302)
    assert messages_of(response) == ["1 post closed: no reply needed.", "1 post no longer exists."]


def test_managers_and_employees_may_not_act_in_bulk(client, lars, ola, channel):
    post = make(channel, "not theirs")
    for user in (lars, ola):
        client.force_login(user)
        assert client.post(reverse("inbox:bulk"), {"posts": [post.pk], "action": "spam"}).status_code == 403
    post.refresh_from_db()
    assert post.status == "open"


def test_the_queue_offers_ticks_to_the_communication_unit_only(client, ingrid, lars, channel):
    post = make(channel, "tick me", must_reply=True, due_at=timezone.now() + timedelta(hours=1))
    client.force_login(ingrid)
    html = client.get(reverse("inbox:queue", args=["all"])).content.decode()
    assert f'name="posts" value="{post.pk}" form="bulk-form"' in html
    assert 'id="bulk-form"' in html

    client.force_login(lars)
    html = client.get(reverse("inbox:queue", args=["all"])).content.decode()
    assert 'id="bulk-form"' not in html and 'name="posts"' not in html


def test_more_than_the_most_at_once_is_refused_whole(ingrid, channel):
    post = make(channel, "one of many")
    ids = [post.pk, *range(10**6, 10**6 + bulk.MOST_AT_ONCE)]
    with pytest.raises(Exception, match="At most 200 posts at once"):
        bulk.apply(action="close", post_ids=ids, user=ingrid)
    post.refresh_from_db()
    assert post.status == "open"
