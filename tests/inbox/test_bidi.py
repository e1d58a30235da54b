"""A right-to-left override in a name or a text stays inside it (#10: it reversed the text around it in lists)."""

import pytest
from django.urls import reverse

from inbox.notices import Kind, notify_about
from tests.factories import AuthorFactory, PostFactory

pytestmark = pytest.mark.django_db

RLO = "\u202e"
NAME = f"Kari {RLO}nnamdroN"
TEXT = f"Hei {RLO}!tekkis ikke rivrev appen"


@pytest.fixture
def post():
    return PostFactory(author=AuthorFactory(name=NAME), text=TEXT, must_reply=True, status="open")


def test_the_queue_isolates_the_authors_name_and_the_text(client, ingrid, post):
    client.force_login(ingrid)

    html = client.get(reverse("inbox:queue", args=["all"])).content.decode()

    assert f"<bdi>{NAME}</bdi>" in html
    assert f'dir="auto">{TEXT}</a>' in html


def test_the_post_page_isolates_the_name_and_the_text(client, ingrid, post):
    client.force_login(ingrid)

    html = client.get(reverse("inbox:post-detail", args=[post.pk])).content.decode()

    assert f"Innlegg fra <bdi>{NAME}</bdi>" in html
    assert f'dir="auto">{TEXT}</p>' in html
    assert f"<bdi>{NAME}</bdi></strong>" in html


def test_the_notifications_isolate_the_text(client, ingrid, post):
    notify_about(post, users=[ingrid], kind=Kind.ASSIGNED)
    client.force_login(ingrid)

    html = client.get(reverse("notifications")).content.decode()

    assert f'<p dir="auto">Et innlegg er tildelt deg: {TEXT}</p>' in html
