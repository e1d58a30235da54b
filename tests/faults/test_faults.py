"""
Faults on real processes: a web server (gunicorn), a worker (prefork, 2 children) and
beat, on the test database in PostgreSQL and a Redis of the test's own.

While signed Facebook deliveries stream in over HTTP, worker children are killed with
SIGKILL in the middle of triage, Redis is stopped and started again empty (queued
tasks are lost), and PostgreSQL terminates every connection to the test database.
Afterwards nothing is lost and nothing is doubled: every post exactly once, one triage
decision each, every delivery processed, every breach told once. And a delivery that
kills its worker every time ends failed after its attempts, without holding up others.
"""

import os
import random
import re
import signal
import time
import urllib.error
import urllib.request
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta

import psycopg2
import pytest
from celery import Celery
from django.contrib.auth.models import Group
from django.db import connection
from django.db.models import Count
from django.utils import timezone

from inbox.connectors import facebook
from inbox.ingest.deliveries import GAVE_UP
from inbox.models import Post, TriageDecision, WebhookDelivery
from inbox.triage.sweeps import waiting_posts
from socialstrategy import roles
from socialstrategy.models import Notification
from strategy.models import Channel, Team, TeamMembership
from strategy.rules import load_rules
from strategy.services import DEFAULT_STRATEGY_FILE, load_strategy, read_strategy_file
from tests.factories import UserFactory
from tests.inbox.payloads import PAGE_ID, facebook_body, facebook_signature, fb_comment

from .conftest import FAULT_SETTINGS, Services, wait_for

pytestmark = [pytest.mark.slow, pytest.mark.postgres, pytest.mark.redis, pytest.mark.xdist_group("redis")]

MAX_ATTEMPTS = int(FAULT_SETTINGS["INBOX_DELIVERY_MAX_ATTEMPTS"])
TRIAGE_TASK = "inbox.tasks.triage_post_task"
# Published in March 2025, a minute apart: every deadline has passed, so each must-reply post is breached.
FIRST_PUBLISHED = 1742667604
# Each author writes the same kind of post: the complainers complain five times (earlier complaints raise priority).
TEXTS = [
    "Hei! Når åpner dere butikken i Tromsø? ({n})",
    "Ikke fornøyd med kundeservicen i det hele tatt ({n})",
    "Appen fungerer ikke etter oppdateringen ({n})",
    "Elsker den nye jakka! ({n})",
    "Har dere denne i str 42 ({n})",
]


def world() -> None:
    """The demo strategy and rules, the Facebook page, and people to route to and to tell."""
    load_strategy(read_strategy_file(DEFAULT_STRATEGY_FILE))
    load_rules()
    Channel.objects.filter(slug="facebook").update(external_id=PAGE_ID, is_active=True)
    ingrid = UserFactory(username="ingrid", first_name="Ingrid", email="")
    ingrid.groups.add(Group.objects.get(name=roles.COMMUNICATION_UNIT))
    kari = UserFactory(username="kari", first_name="Kari", email="")
    kari.groups.add(Group.objects.get(name=roles.EMPLOYEE))
    TeamMembership.objects.create(team=Team.objects.get(slug="customer-service"), user=kari, is_lead=True, on_duty=True)


def send(services: Services, body: bytes, timeout: float = 30) -> tuple[int, float]:
    """POST a signed delivery; (HTTP status, seconds it took)."""
    request = urllib.request.Request(
        f"{services.web_url}/webhooks/facebook/",
        data=body,
        method="POST",
        headers={"Content-Type": "application/json", "X-Hub-Signature-256": facebook_signature(body)},
    )
    started = time.monotonic()
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            return response.status, time.monotonic() - started
    except urllib.error.HTTPError as exc:
        return exc.code, time.monotonic() - started


def external_id(body: bytes) -> str:
    (batch,) = facebook.parse(body)
    (event,) = batch.events
    return event.external_id


def stream_bodies() -> list[bytes]:
    """200 deliveries of distinct posts: 170 comments by 40 people, 30 replies to them, in a shuffled order."""
    bodies = [
        facebook_body(
            fb_comment(
                f"c{n}",
                TEXTS[n % len(TEXTS)].format(n=n),
                sender=(str(500 + n % 40), f"Person {n % 40}"),
                created=FIRST_PUBLISHED + 60 * n,
            )
        )
        for n in range(170)
    ]
    bodies += [
        facebook_body(
            fb_comment(
                f"r{n}",
                f"Takk for svaret! ({n})",
                parent=f"111_c{n * 5}",
                sender=("900", "Svarer"),
                created=FIRST_PUBLISHED + 60 * (n * 5) + 30,
            )
        )
        for n in range(30)
    ]
    random.Random(20260513).shuffle(bodies)
    return bodies


class Faults:
    """The faults of the first test, and what each found."""

    def __init__(self, services: Services):
        self.services = services
        self.probe = Celery("faults-probe", broker=services.redis.url)
        self.probe.conf.broker_connection_retry_on_startup = True
        self.kills: list[dict] = []
        self.terminated: list[int] = []
        self.seen: Counter = Counter()
        self.inspections = 0
        self.vanished: list[dict] = []

    def close(self) -> None:
        self.probe.close()

    def kill_a_child_during_triage(self, timeout: float = 6) -> None:
        """SIGKILL the worker child running a triage task (asked of the worker); any child when none is seen."""
        worker = self.services.worker
        killed = {kill["pid"] for kill in self.kills}
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            children = worker.children()
            try:
                replies = self.probe.control.inspect(timeout=0.5, limit=1).active() or {}
                self.inspections += 1
            except Exception:  # the probe is only a way to aim; the kill happens anyway
                replies = {}
            for tasks in replies.values():
                for task in tasks:
                    self.seen[task.get("name")] += 1
                    pid = task.get("worker_pid")
                    if task.get("name") == TRIAGE_TASK and pid in children and pid not in killed:
                        try:
                            os.kill(pid, signal.SIGKILL)
                        except ProcessLookupError:  # it ended between the listing and the kill
                            self.vanished.append(task)
                            continue
                        self.kills.append({"pid": pid, "during": "triage", "post": task.get("args")})
                        self._wait_for_pool()
                        return
            time.sleep(0.05)
        children = worker.children()
        assert children, f"the worker has no children:\n{worker.tail()}"
        pid = random.choice(children)
        os.kill(pid, signal.SIGKILL)
        self.kills.append({"pid": pid, "during": "no triage task seen", "post": None})
        self._wait_for_pool()

    def _wait_for_pool(self) -> None:
        worker = self.services.worker
        killed = {kill["pid"] for kill in self.kills}

        def replaced():
            children = set(worker.children())
            return len(children) >= 2 and not children & killed

        wait_for(replaced, timeout=20, what="the worker to replace its child")

    def terminate_database_connections(self) -> None:
        """What a failover or an administrator does: end every session on the test database but this one."""
        db = connection.settings_dict
        admin = psycopg2.connect(
            dbname=db["NAME"], user=db["USER"], password=db["PASSWORD"] or None, host=db["HOST"], port=db["PORT"]
        )
        try:
            admin.autocommit = True
            with admin.cursor() as cursor:
                cursor.execute(
                    "SELECT pid, pg_terminate_backend(pid) FROM pg_stat_activity "
                    "WHERE datname = current_database() AND pid <> pg_backend_pid()"
                )
                self.terminated = [pid for pid, ended in cursor.fetchall() if ended]
        finally:
            admin.close()
        # The test's own connection was among them.
        connection.close()


def quiescent(services: Services) -> dict | None:
    """Nothing left to do: no delivery unfinished, no post untriaged or due and not breached, the queues empty."""
    unfinished = WebhookDelivery.objects.filter(status__in=["pending", "processing"]).count()
    untriaged = Post.objects.filter(triaged_at__isnull=True, deleted_at__isnull=True, is_ours=False).count()
    unbreached = waiting_posts().filter(breached_at__isnull=True, due_at__lt=timezone.now()).count()
    queued = services.redis.queue_lengths()
    if unfinished or untriaged or unbreached or any(queued.values()) or not queued:
        return None
    return {"queued": queued}


def sweep_figures(log: str) -> dict:
    requeued = [int(m) for m in re.findall(r"delivery sweep: (\d+) sent again", log)]
    given_up = [int(m) for m in re.findall(r"delivery sweep: \d+ sent again, (\d+) given up", log)]
    untriaged = [int(m) for m in re.findall(r"untriaged sweep: \d+ posts were not triaged; (\d+) sent", log)]
    return {
        "delivery sweep runs that sent something": len(requeued),
        "deliveries sent again by the sweep": sum(requeued),
        "deliveries given up by the sweep": sum(given_up),
        "untriaged sweep runs that sent something": len(untriaged),
        "posts sent to triage again by the sweep": sum(untriaged),
    }


def test_nothing_is_lost_or_doubled_under_faults(services):
    world()
    services.start_web()
    services.start_worker()
    services.start_beat()
    faults = Faults(services)
    bodies = stream_bodies()
    expected = {external_id(body) for body in bodies}
    assert len(expected) == 200
    # Deliveries are sent one by one, and in bursts of BURST at the faults, so that the
    # worker has work in hand (and Redis holds queued tasks) when the fault strikes.
    kill_at = {15, 45, 75, 125, 165}
    redis_down_at, terminate_at = 95, 140
    statuses: list[int] = []
    answer_times: list[float] = []
    figures: dict = {}

    def burst(batch: list[bytes], fault) -> None:
        with ThreadPoolExecutor(max_workers=4) as pool:
            futures = [pool.submit(send, services, body) for body in batch]
            fault()
            answers = [future.result() for future in futures]
        statuses.extend(status for status, _ in answers)
        answer_times.extend(seconds for _, seconds in answers)

    def stop_redis_with_tasks_queued() -> None:
        queued = wait_for(
            lambda: sum(services.redis.queue_lengths().values()), timeout=5, interval=0.02, what="tasks queued in Redis"
        )
        figures["tasks queued in redis when it stopped (lost)"] = queued
        services.redis.stop()

    started = time.monotonic()
    try:
        i = 0
        while i < len(bodies):
            if i in kill_at:
                burst(bodies[i : i + 8], faults.kill_a_child_during_triage)
                i += 8
                continue
            if i == terminate_at:
                burst(bodies[i : i + 8], lambda: (time.sleep(0.15), faults.terminate_database_connections()))
                i += 8
                continue
            if i == redis_down_at:
                # Redis goes away with what it held (queued tasks, unacknowledged ones), and
                # deliveries keep arriving while it is away; it comes back empty.
                burst(bodies[i : i + 12], stop_redis_with_tasks_queued)
                down_at = time.monotonic()
                i += 12
                burst(bodies[i : i + 10], lambda: None)
                i += 10
                time.sleep(max(0.0, 3 - (time.monotonic() - down_at)))
                services.redis.start()
                back_at = time.monotonic()
                figures["redis down (s)"] = round(back_at - down_at, 1)
                # Does the worker consume again? A fresh delivery, timed until its post exists.
                fresh = facebook_body(fb_comment("fresh", "Hei! Er dere der igjen?", sender=("777", "Fersk")))
                fresh_id = external_id(fresh)
                expected.add(fresh_id)
                statuses.append(send(services, fresh)[0])
                wait_for(
                    lambda: Post.objects.filter(external_id=fresh_id).exists(),  # noqa: B023 - called at once
                    timeout=60,
                    interval=0.1,
                    what="the fresh delivery's post after Redis came back",
                )
                figures["fresh post after redis came back (s)"] = round(time.monotonic() - back_at, 1)
                fresh_delivery = Post.objects.select_related("delivery").get(external_id=fresh_id).delivery
                figures["fresh delivery"] = (
                    f"processed from its own message (attempts {fresh_delivery.attempts})"
                    if fresh_delivery.sent_at == fresh_delivery.received_at
                    else f"still pending when the sweep looked, sent again (attempts {fresh_delivery.attempts})"
                )
                continue
            status, seconds = send(services, bodies[i])
            statuses.append(status)
            answer_times.append(seconds)
            i += 1
            time.sleep(0.08)
        figures["stream sent (s)"] = round(time.monotonic() - started, 1)
        last_fault = time.monotonic()

        settled_state = None
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            settled_state = quiescent(services)
            if settled_state:
                # A copy of a task still in flight (sent by a sweep, redelivered) would land now.
                time.sleep(3)
                settled_state = quiescent(services)
                if settled_state:
                    break
            time.sleep(0.5)
        figures["settled after the stream (s)"] = round(time.monotonic() - last_fault, 1)
    finally:
        faults.close()

    # The figures, for the report, before any assertion can stop the test.
    deliveries = WebhookDelivery.objects.all()
    by_status = Counter(deliveries.values_list("status", flat=True))
    attempts = Counter(deliveries.values_list("attempts", flat=True))
    resent = sum(
        1
        for received, sent in deliveries.values_list("received_at", "sent_at")
        if sent and sent > received + timedelta(seconds=0.5)
    )
    per_post = {row["external_id"]: row["n"] for row in Post.objects.values("external_id").annotate(n=Count("pk"))}
    decisions = dict(Post.objects.annotate(n=Count("decisions")).values_list("external_id", "n"))
    breaches = Notification.objects.filter(kind=Notification.Kind.BREACH)
    distinct_breaches = breaches.values("user", "kind", "target_type", "target_id").distinct().count()
    figures.update(
        {
            "webhook answers": dict(Counter(statuses)),
            "slowest webhook answer (s)": round(max(answer_times), 2),
            "kills": faults.kills,
            "active tasks seen when aiming (inspections)": (dict(faults.seen), faults.inspections),
            "children gone before the kill": faults.vanished,
            "connections terminated": len(faults.terminated),
            "deliveries by status": dict(by_status),
            "deliveries by attempts": dict(sorted(attempts.items())),
            "deliveries sent again (sent_at after received_at)": resent,
            "posts": len(per_post),
            "triage decisions": sum(decisions.values()),
            "notifications by kind": dict(Counter(Notification.objects.values_list("kind", flat=True))),
            "breach notifications / distinct (user, kind, target)": (breaches.count(), distinct_breaches),
            **sweep_figures(services.worker.log_text()),
        }
    )
    print("\n===== fault test figures =====")
    for name, value in figures.items():
        print(f"{name}: {value}")

    assert settled_state, "the system did not settle within 120 s of the stream's end"
    assert statuses == [200] * 201
    assert len({kill["pid"] for kill in faults.kills}) == 5
    assert faults.terminated, "no connection was terminated"
    # Every delivered post exactly once.
    assert set(per_post) == expected, (
        f"missing: {sorted(expected - set(per_post))}, extra: {sorted(set(per_post) - expected)}"
    )
    assert {eid: n for eid, n in per_post.items() if n != 1} == {}
    replies = Post.objects.filter(external_id__startswith="111_r")
    assert replies.count() == 30
    assert replies.filter(kind="reply", parent__isnull=False).count() == 30
    # Every delivery processed: none pending, processing or failed.
    assert WebhookDelivery.objects.count() == 201
    assert dict(by_status) == {"processed": 201}, [
        (d.pk, d.status, d.attempts, d.error) for d in deliveries.exclude(status="processed")
    ]
    # One triage decision per post, no doubles.
    doubled = {eid: n for eid, n in decisions.items() if n != 1}
    assert doubled == {}, describe_decisions(doubled)
    assert not Post.objects.filter(triaged_at__isnull=True).exists()
    # Every breach told once, and told.
    assert breaches.count() == distinct_breaches
    breached = Post.objects.filter(breached_at__isnull=False)
    assert breached.exists()
    ingrid_told = set(breaches.filter(user__username="ingrid").values_list("target_id", flat=True))
    assert set(breached.values_list("pk", flat=True)) <= ingrid_told
    # A post triaged once is forwarded (and its person told) at most once.
    forwarded = Notification.objects.filter(kind=Notification.Kind.FORWARDED)
    told_twice = forwarded.values("user", "target_id").annotate(n=Count("pk")).filter(n__gt=1)
    assert list(told_twice) == []
    # The worker consumed again soon after Redis came back.
    assert figures["fresh post after redis came back (s)"] < 30


def describe_decisions(doubled: dict) -> list:
    """For a failure message: the doubled posts' decisions, oldest first."""
    rows = []
    for eid in sorted(doubled)[:10]:
        post = Post.objects.get(external_id=eid)
        rows.append(
            (
                eid,
                post.pk,
                [
                    (d.pk, d.created_at.isoformat(), d.priority, d.categories, d.must_reply, d.team_id)
                    for d in TriageDecision.objects.filter(post=post).order_by("created_at", "pk")
                ],
            )
        )
    return rows


def test_a_poison_delivery_ends_failed_after_its_attempts(services):
    world()
    services.start_web()
    services.start_worker(poison=True)
    services.start_beat()
    poison = facebook_body(fb_comment("poison", "POISON-PILL: this kills whoever parses it"))
    normal = facebook_body(fb_comment("normal", "Hei! Når åpner dere butikken i Tromsø?"))

    started = time.monotonic()
    assert send(services, poison)[0] == 200
    assert send(services, normal)[0] == 200

    poison_delivery, normal_delivery = WebhookDelivery.objects.order_by("pk")
    # Three attempts, each waiting for the lease to run out and the sweep to send it again.
    lease = int(FAULT_SETTINGS["INBOX_DELIVERY_LEASE_SECONDS"])
    sweep = int(FAULT_SETTINGS["INBOX_SWEEP_SECONDS"])
    bound = MAX_ATTEMPTS * (lease + 2 * sweep) + 30

    def ended():
        poison_delivery.refresh_from_db()
        return poison_delivery.status not in ("pending", "processing")

    try:
        wait_for(ended, timeout=bound, interval=0.5, what="the poison delivery to end")
    finally:
        poison_delivery.refresh_from_db()
        normal_delivery.refresh_from_db()
        deaths = services.worker.log_text().count("parses a poison delivery and dies")
        print(
            f"\npoison delivery: {poison_delivery.status} after {poison_delivery.attempts} attempts, "
            f"{time.monotonic() - started:.1f}s; children killed by it: {deaths}; "
            f"error: {poison_delivery.error!r}; normal delivery: {normal_delivery.status}"
        )

    assert poison_delivery.status == "failed"
    assert poison_delivery.attempts == MAX_ATTEMPTS
    assert poison_delivery.error == GAVE_UP
    assert deaths == MAX_ATTEMPTS
    assert not Post.objects.filter(external_id="111_poison").exists()
    wait_for(lambda: Post.objects.filter(external_id="111_normal", triaged_at__isnull=False).exists(), timeout=30)
    normal_delivery.refresh_from_db()
    assert normal_delivery.status == "processed"
    # The worker is still there and still working after its children were killed.
    assert services.worker.alive()
    assert len(services.worker.children()) == 2
