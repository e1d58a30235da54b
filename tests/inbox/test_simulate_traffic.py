"""
`simulate_traffic` against the live server: signed deliveries over HTTP, stored by
the webhooks and processed at once (Celery eager, in the server's thread) into posts.
The secrets are the test ones, set by the autouse fixture in conftest.py.
"""

import os
import socket
import subprocess
import sys
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from inbox.models import Author, Post, WebhookDelivery

from . import payloads

ROOT = Path(__file__).resolve().parents[2]

pytestmark = pytest.mark.slow


@pytest.fixture
def server(live_server, transactional_db, facebook_page, x_account, eager_tasks):
    """The live server with the demo channels, processing what it receives before it answers."""
    return live_server


def simulate(server, **options) -> str:
    out = StringIO()
    call_command("simulate_traffic", url=server.url, rate=0, verbosity=2, stdout=out, **options)
    return out.getvalue()


def test_it_fills_the_inbox_with_signed_deliveries_that_become_posts(server, facebook_page, x_account):
    output = simulate(server, count=60, seed=2024, wait_for_server=5)

    deliveries = WebhookDelivery.objects.all()
    assert deliveries.count() == 60
    assert set(deliveries.values_list("status", flat=True)) == {"processed"}
    assert set(deliveries.values_list("source", flat=True)) == {"facebook", "x"}
    # Every delivery is a post, except the edit and the delete, which change one.
    posts = Post.objects.all()
    assert posts.count() == 58
    assert not posts.filter(author__isnull=True).exists()
    assert Author.objects.count() > 10
    assert set(posts.values_list("kind", flat=True)) == {"post", "comment", "reply", "mention", "direct_message"}
    assert set(posts.values_list("channel__slug", flat=True)) == {"facebook", "x"}

    # The run opens with the page's own post, and the comments are written on it (or on visitors' posts).
    page_post = posts.get(is_ours=True)
    assert (page_post.kind, page_post.author.external_id) == ("post", payloads.PAGE_ID)
    facebook_comments = posts.filter(channel=facebook_page, kind__in=["comment", "reply"])
    assert facebook_comments.filter(thread_root=page_post).exists()
    assert not facebook_comments.filter(thread_root__isnull=True).exists()
    # Replies are linked to the earlier comments and tweets they answer.
    replies = posts.filter(kind="reply")
    assert replies.filter(channel=facebook_page).exists()
    assert replies.filter(channel=x_account).exists()
    assert not replies.filter(parent__isnull=True).exists()
    assert all(reply.parent.published_at <= reply.published_at for reply in replies.select_related("parent"))

    edited = posts.get(edited_at__isnull=False)
    assert "\n\n" in edited.text and edited.deleted_at is None
    deleted = posts.get(deleted_at__isnull=False)
    assert deleted.pk != edited.pk and deleted.author is not None

    lines = output.splitlines()
    assert sum("/60 " in line for line in lines) == 60
    assert "sent 60 deliveries" in lines[-1] and "HTTP 200: 60" in lines[-1] and "Seed 2024" in lines[-1]


def test_it_sends_the_same_posts_again_with_the_same_seed_and_the_server_keeps_each_once(server):
    simulate(server, count=20, seed=7)
    first_run = set(Post.objects.values_list("channel_id", "external_id", "text", "edited_at", "deleted_at"))

    simulate(server, count=20, seed=7)

    assert WebhookDelivery.objects.filter(status="processed").count() == 40
    assert set(Post.objects.values_list("channel_id", "external_id", "text", "edited_at", "deleted_at")) == first_run
    assert Post.objects.count() == 18


@pytest.mark.parametrize(
    ("wrong", "setting", "accepted_first"),
    [
        # The run opens with the page's post on Facebook; its first tweet is the third delivery.
        ("FACEBOOK_APP_SECRET", "FACEBOOK_APP_SECRET", 0),
        ("X_CONSUMER_SECRET", "X_CONSUMER_SECRET", 2),
    ],
)
def test_it_fails_saying_which_setting_to_check_when_the_server_refuses_the_signature(
    server, tmp_path, wrong, setting, accepted_first
):
    # A process of its own, so that it signs with other secrets than the server checks.
    env = {
        **os.environ,
        "FACEBOOK_APP_SECRET": payloads.FACEBOOK_SECRET,
        "X_CONSUMER_SECRET": payloads.X_SECRET,
        wrong: "not-the-servers-secret",
        # No database of its own: the command falls back to the demo ids, which the test channels have.
        "DATABASE_URL": f"sqlite:///{tmp_path / 'empty.sqlite3'}",
        "CELERY_FILESYSTEM_DIR": str(tmp_path / "broker"),
    }
    command = [sys.executable, "manage.py", "simulate_traffic", "--url", server.url, "--count", "10", "--rate", "0"]

    result = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)

    assert result.returncode == 1
    assert f"(HTTP 403). Check {setting}" in result.stderr
    assert "it must equal the server's" in result.stderr
    assert WebhookDelivery.objects.count() == accepted_first


def test_it_refuses_to_send_unsigned_deliveries(settings):
    settings.X_CONSUMER_SECRET = ""

    with pytest.raises(CommandError, match="X_CONSUMER_SECRET not set"):
        call_command("simulate_traffic", url="http://127.0.0.1:9", count=1)


def test_it_gives_up_waiting_for_a_server_that_does_not_answer(db):
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    # Nothing listens on the port now.

    with pytest.raises(CommandError, match=r"/health/ did not answer 200 within 1 s"):
        call_command("simulate_traffic", url=f"http://127.0.0.1:{port}", count=1, wait_for_server=1, verbosity=0)
