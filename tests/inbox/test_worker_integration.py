"""
The whole path on real services: signed deliveries over HTTP to the live server,
a real Celery worker process on Redis, posts in PostgreSQL.
"""

import os
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection

from inbox.models import Post, WebhookDelivery
from tests.factories import ChannelFactory

from .payloads import PAGE_ID, facebook_body, facebook_signature, fb_comment

ROOT = Path(__file__).resolve().parents[2]
TEST_QUEUE = "tests-only"
CELERY = str(Path(sys.executable).with_name("celery"))

# One Redis database for the whole run: the tests that use it run in one xdist group, one at a time.
pytestmark = [pytest.mark.postgres, pytest.mark.redis, pytest.mark.slow, pytest.mark.xdist_group("redis")]


@pytest.fixture
def worker(live_server):
    """A worker process on the test database and the Redis of REDIS_URL."""
    db = connection.settings_dict
    env = {
        **os.environ,
        "DEBUG": "true",
        "DATABASE_URL": f"postgres://{db['USER']}@{db['HOST']}:{db['PORT']}/{db['NAME']}",
    }
    process = subprocess.Popen(
        [
            CELERY,
            "-A",
            "socialstrategy",
            "worker",
            "--concurrency=2",
            "--loglevel=WARNING",
            "--without-gossip",
            "--without-mingle",
            "--without-heartbeat",
            "--include=tests.inbox.worker_tasks",
            # The product's queues, and one of its own for the test task, so that no
            # other worker (another test's, still stopping) takes what only this one knows.
            f"--queues={','.join([*settings.INBOX_QUEUES, TEST_QUEUE])}",
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    yield process
    process.terminate()
    try:
        output, _ = process.communicate(timeout=30)
    except subprocess.TimeoutExpired:
        process.kill()
        output, _ = process.communicate()
    print(output)


def post(url: str, body: bytes) -> int:
    request = urllib.request.Request(
        url,
        data=body,
        method="POST",
        headers={"Content-Type": "application/json", "X-Hub-Signature-256": facebook_signature(body)},
    )
    with urllib.request.urlopen(request, timeout=10) as response:
        return response.status


def test_two_hundred_signed_deliveries_end_as_exactly_the_expected_posts(live_server, worker):
    ChannelFactory(slug="facebook", platform="facebook", external_id=PAGE_ID)
    url = f"{live_server.url}/webhooks/facebook/"
    bodies = []
    # 120 comments by 40 people; then 30 replies to them; 20 edits; 10 removals;
    # and 20 of the comments sent a second time, as a platform retrying would.
    for n in range(120):
        bodies.append(
            facebook_body(fb_comment(str(n), f"Kommentar {n}", sender=(str(500 + n % 40), f"Person {n % 40}")))
        )
    for n in range(30):
        bodies.append(facebook_body(fb_comment(f"r{n}", f"Svar {n}", parent=f"111_{n}", sender=("900", "Svarer"))))
    for n in range(20):
        bodies.append(facebook_body(fb_comment(str(n), f"Kommentar {n} (endret)", verb="edited")))
    for n in range(100, 110):
        bodies.append(facebook_body(fb_comment(str(n), verb="remove", sender=("1", ""))))
    bodies.extend(bodies[40:60])
    assert len(bodies) == 200

    statuses = [post(url, body) for body in bodies]

    assert statuses == [200] * 200
    deadline = time.monotonic() + 90
    while WebhookDelivery.objects.filter(status="pending").exists() and time.monotonic() < deadline:
        time.sleep(0.5)
    assert WebhookDelivery.objects.count() == 200
    assert set(WebhookDelivery.objects.values_list("status", flat=True)) == {"processed"}
    assert Post.objects.count() == 150
    assert Post.objects.filter(kind="reply", parent__isnull=False).count() == 30
    assert Post.objects.filter(text__endswith="(endret)").count() == 20
    assert Post.objects.filter(deleted_at__isnull=False).count() == 10
    assert Post.objects.values("author").distinct().count() == 41


def test_a_worker_keeps_its_database_connection_between_tasks_and_replaces_a_broken_one(worker):
    from socialstrategy.celery import app

    def run(count: int) -> set[int]:
        # Sent by name through the product's app (another test may have made its own app current).
        return {app.send_task("tests.backend_pid", queue=TEST_QUEUE).get(timeout=60) for _ in range(count)}

    # Celery would open a new session for every task (more than a triage costs);
    # each of the worker's two processes keeps its own.
    first = run(30)
    assert 1 <= len(first) <= 2
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_terminate_backend(pid) FROM unnest(%s) AS pid", [list(first)])
    # A session ended under the worker (a failover, say) is replaced before the next task uses it.
    after = run(10)
    assert after and not after & first
