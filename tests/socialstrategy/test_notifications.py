from datetime import UTC, datetime

import pytest
from django.urls import reverse

from inbox.models import Post
from inbox.notices import notify_about
from socialstrategy.models import Notification
from tests.factories import ChannelFactory

URL = reverse("notifications")


@pytest.fixture
def breach(db, ingrid):
    post = Post.objects.create(
        channel=ChannelFactory(name="Facebook"),
        external_id="1",
        kind="comment",
        text="Appen fungerer ikke og ingen svarer",
        published_at=datetime(2026, 5, 13, 8, tzinfo=UTC),
        due_at=datetime(2026, 5, 13, 14, tzinfo=UTC),
    )
    notify_about(post, users=[ingrid], kind=Notification.Kind.BREACH)
    return Notification.objects.get()


def test_the_bell_counts_unread_notifications(client, breach, ingrid):
    client.force_login(ingrid)

    html = client.get(reverse("strategy:overview")).content.decode()

    assert 'class="bell-count">1<' in html


def test_the_list_says_what_happened(client, breach, ingrid):
    client.force_login(ingrid)

    html = client.get(URL).content.decode()

    assert "Fristen er overskredet uten svar: Appen fungerer ikke og ingen svarer" in html
    assert "Facebook" in html
    assert f'href="{reverse("inbox:post-detail", args=[breach.target_id])}"' in html


def test_the_notifications_page_is_no_part_of_the_inbox_in_the_menu(client, breach, ingrid):
    client.force_login(ingrid)

    html = client.get(URL).content.decode()

    assert 'href="/inbox/" aria-current="page"' not in html


def test_a_notification_goes_with_the_post_it_is_about(breach):
    breach.target.delete()

    assert not Notification.objects.exists()


def test_marking_all_as_read_empties_the_bell(client, breach, ingrid):
    client.force_login(ingrid)

    client.post(reverse("notifications-read"))

    assert Notification.objects.get().read_at is not None
    assert "bell-count" not in client.get(URL).content.decode()


def test_a_user_sees_only_their_own(client, breach, ola):
    client.force_login(ola)

    html = client.get(URL).content.decode()

    assert "Appen fungerer ikke" not in html
    assert 'class="bell-count"' not in html


def test_anonymous_users_are_sent_to_login(client):
    assert client.get(URL).status_code == 302
