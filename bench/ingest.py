"""
How fast the webhooks take in signed deliveries, and how soon a delivery is a post.

(a) Signed Facebook deliveries a second accepted by /webhooks/facebook/ under
    gunicorn (as the Procfile runs it), beside the same load on a trivial Django
    view that answers 200 (bench/urls.py): the ceiling of the stack on this machine.
(b) The lag from POST to stored post (p50, p95), with a real Celery worker.

Runs on PostgreSQL and Redis when DATABASE_URL and REDIS_URL are set, else on SQLite
and the filesystem broker in a temporary directory. The script creates the
database, migrates it, creates the Facebook channel, starts and stops gunicorn and
the worker, and drops the database at the end; a PostgreSQL database's name must
contain "bench", so that a mistyped DATABASE_URL cannot drop real data.

    .venv/bin/python bench/ingest.py [--requests 3000] [--concurrency 16]

Loopback only, a bounded number of requests; it stops by itself. See bench/README.md.
"""

import argparse
import hashlib
import hmac
import http.client
import itertools
import json
import logging
import os
import platform
import secrets
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
BIN = Path(sys.executable).parent

PAGE_ID = "1234567890"
POST_ID = "122100000000000001"
WEBHOOK_PATH = "/webhooks/facebook/"
CEILING_PATH = "/bench/ok/"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--requests", type=int, default=3000, help="requests per measured run in (a) (3000)")
    parser.add_argument("--concurrency", type=int, default=16, help="concurrent connections in (a) (16)")
    parser.add_argument("--warmup", type=int, default=200, help="unmeasured requests before each run in (a) (200)")
    parser.add_argument("--rounds", type=int, default=3, help="turns (a) takes at each endpoint in turn (3)")
    parser.add_argument("--web-workers", type=int, default=2, help="gunicorn workers, as in the Procfile (2)")
    parser.add_argument("--lag-requests", type=int, default=300, help="deliveries sent in (b) (300)")
    parser.add_argument("--lag-rate", type=float, default=10.0, help="deliveries a second in (b) (10)")
    parser.add_argument("--worker-concurrency", type=int, default=2, help="Celery worker processes (2)")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="socialstrategy-bench-") as scratch:
        bench = Bench(args, Path(scratch))
        try:
            bench.run()
        finally:
            bench.clean_up()


class Bench:
    def __init__(self, args, scratch: Path):
        self.args = args
        self.scratch = scratch
        self.processes: list[tuple[str, subprocess.Popen]] = []
        self.database = None
        self.secret = secrets.token_hex(32)
        self.next_comment = itertools.count(1)
        database_url = os.environ.get("DATABASE_URL", "")
        if database_url and not database_url.startswith(("postgres://", "postgresql://")):
            sys.exit("DATABASE_URL must name PostgreSQL; leave it unset to run on SQLite in a temporary directory.")
        self.environment = {
            # Production's settings (DEBUG off), on plain HTTP over the loopback.
            "DJANGO_SETTINGS_MODULE": "bench.settings",
            "DEBUG": "false",
            "SECRET_KEY": secrets.token_urlsafe(50),
            "ALLOWED_HOSTS": "127.0.0.1,localhost",
            "SECURE_SSL_REDIRECT": "false",
            "SECURE_HSTS_SECONDS": "0",
            "LOG_LEVEL": "WARNING",
            "FACEBOOK_APP_SECRET": self.secret,
            "CELERY_TASK_ALWAYS_EAGER": "false",
            "DATABASE_URL": database_url or f"sqlite:///{scratch / 'bench.sqlite3'}",
        }
        if not os.environ.get("REDIS_URL"):
            self.environment["CELERY_FILESYSTEM_DIR"] = str(scratch / "broker")
        # This process reads the same settings: it migrates, checks what was stored and measures the lag.
        os.environ.update(self.environment)

    def run(self) -> None:
        if self.environment["DATABASE_URL"].startswith("postgres"):
            self.database = PostgresDatabase(self.environment["DATABASE_URL"])
            self.database.create()
        import django

        django.setup()
        from django.core.management import call_command

        from strategy.models import Channel

        call_command("migrate", verbosity=0)
        Channel.objects.create(slug="facebook", platform="facebook", name="Facebook", external_id=PAGE_ID)
        self.describe()

        port = free_port()
        self.start(
            "gunicorn",
            [
                str(BIN / "gunicorn"),
                "socialstrategy.wsgi",
                "--bind",
                f"127.0.0.1:{port}",
                "--workers",
                str(self.args.web_workers),
                "--timeout",
                "30",
                "--backlog",
                "2048",
                "--log-level",
                "warning",
            ],
        )
        wait_for_health(port, self.processes[-1])
        self.throughput(port)
        self.lag(port)

    def describe(self) -> None:
        from django.conf import settings
        from django.db import connection

        if connection.vendor == "postgresql":
            name = connection.settings_dict["NAME"]
            database = f"PostgreSQL {connection.pg_version // 10000} ({name}, created and dropped here)"
        else:
            database = "SQLite in a temporary directory"
        broker = settings.CELERY_BROKER_URL.split("@")[-1] if os.environ.get("REDIS_URL") else "filesystem (temporary)"
        print("socialstrategy ingest benchmark")
        print(f"  machine:  {os.cpu_count()} cores, Python {platform.python_version()}, {platform.platform()}")
        print("            the load generator (Python threads in this process) shares the cores with the server")
        print(f"  database: {database}")
        print(f"  broker:   {broker}")
        print(f"  web:      gunicorn, {self.args.web_workers} sync workers, DEBUG off, loopback HTTP")
        print()

    def throughput(self, port: int) -> None:
        from inbox.models import WebhookDelivery

        args = self.args
        print(f"(a) throughput: {args.requests} signed Facebook deliveries over {args.concurrency} connections")
        print("    (no worker runs meanwhile: each accepted delivery is stored and its task queued in the broker)")
        bodies = self.deliveries(args.warmup)
        run_load(port, CEILING_PATH, bodies, args.concurrency)
        run_load(port, WEBHOOK_PATH, bodies, args.concurrency)
        bodies = self.deliveries(args.requests)
        stored_before = WebhookDelivery.objects.count()
        # In turns, so that whatever else the machine does weighs on both alike.
        ceilings, webhooks = [], []
        for turn in range(args.rounds):
            part = bodies[turn * len(bodies) // args.rounds : (turn + 1) * len(bodies) // args.rounds]
            ceilings.append(run_load(port, CEILING_PATH, part, args.concurrency))
            webhooks.append(run_load(port, WEBHOOK_PATH, part, args.concurrency))
        ceiling, webhook = Load.combine(ceilings), Load.combine(webhooks)
        stored = WebhookDelivery.objects.count() - stored_before
        print(f"  trivial view {CEILING_PATH:<20} {ceiling.line()}")
        print(f"  webhook      {WEBHOOK_PATH:<20} {webhook.line()}")
        ratios = sorted(hook.rate / floor.rate for hook, floor in zip(webhooks, ceilings, strict=True))
        print(
            f"  webhook / trivial view: {webhook.rate / ceiling.rate:.0%} "
            f"(in {args.rounds} turns of each: {ratios[0]:.0%} to {ratios[-1]:.0%})"
        )
        print(f"  stored: {stored} deliveries for {webhook.accepted} accepted")
        print()

    def lag(self, port: int) -> None:
        from django.db.models import Max

        from inbox.models import Post, WebhookDelivery
        from socialstrategy.celery import app

        args = self.args
        # What (a) queued would keep the worker busy for minutes: (b) starts from an empty queue.
        logging.getLogger("kombu.connection").setLevel(logging.ERROR)  # "no hostname" on the filesystem broker
        app.control.purge()
        self.start(
            "worker",
            [
                str(BIN / "celery"),
                "-A",
                "socialstrategy",
                "worker",
                f"--concurrency={args.worker_concurrency}",
                "--loglevel=WARNING",
                "--without-gossip",
                "--without-mingle",
                "--without-heartbeat",
            ],
        )
        warmup = self.deliveries(20)
        mark = WebhookDelivery.objects.aggregate(last=Max("pk"))["last"] or 0
        run_load(port, WEBHOOK_PATH, warmup, 2, rate=10)
        wait_for_processed(mark, len(warmup), timeout=120, worker=self.processes[-1])

        print(
            f"(b) lag from POST to stored post: {args.lag_requests} deliveries at {args.lag_rate:g} a second, "
            f"one Celery worker (concurrency {args.worker_concurrency})"
        )
        deliveries = self.deliveries(args.lag_requests)
        mark = WebhookDelivery.objects.aggregate(last=Max("pk"))["last"] or 0
        sent = run_load(port, WEBHOOK_PATH, deliveries, 4, rate=args.lag_rate)
        # Enough for a worker that falls behind to one post a second (the filesystem broker does 2).
        processed = wait_for_processed(mark, sent.accepted, timeout=60 + args.lag_requests, worker=self.processes[-1])
        sent_at = {comment_id: sent.sent_at[index] for index, (_, _, comment_id) in enumerate(deliveries)}
        written, committed, last_done = [], [], 0.0
        for external_id, received_at, processed_at in Post.objects.filter(delivery_id__gt=mark).values_list(
            "external_id", "received_at", "delivery__processed_at"
        ):
            written.append(received_at.timestamp() - sent_at[external_id])
            committed.append(processed_at.timestamp() - sent_at[external_id])
            last_done = max(last_done, processed_at.timestamp())
        print(f"  post written (Post.received_at):         {summarise(written)}")
        print(f"  delivery done (processed_at, committed): {summarise(committed)}")
        print(f"  processed: {processed} of {sent.accepted} accepted ({sent.statuses_text()})")
        if committed:
            kept_up = len(committed) / (last_done - min(sent.sent_at))
            print(f"  the worker stored {kept_up:.1f} posts a second while {args.lag_rate:g} a second came in", end="")
            print(
                ": it kept up" if kept_up >= 0.9 * args.lag_rate else ": it fell behind, so the lag is mostly queueing"
            )

    def deliveries(self, count: int) -> list[tuple[bytes, dict, str]]:
        """Signed comments on one page post, by 500 different people; each comment new."""
        made = []
        now = int(time.time())
        for _ in range(count):
            number = next(self.next_comment)
            comment_id = f"{POST_ID}_{number}"
            person = number % 500
            value = {
                "from": {"id": str(100000000000 + person), "name": f"Kunde {person}"},
                "post": {"status_type": "mobile_status_update", "is_published": True, "id": f"{PAGE_ID}_{POST_ID}"},
                "message": f"Hei! Har dere denne i str. {36 + number % 10}? Lurer på om butikken på Storo har den.",
                "post_id": f"{PAGE_ID}_{POST_ID}",
                "comment_id": comment_id,
                "created_time": now,
                "item": "comment",
                "parent_id": f"{PAGE_ID}_{POST_ID}",
                "verb": "add",
            }
            body = json.dumps(
                {
                    "object": "page",
                    "entry": [{"id": PAGE_ID, "time": now, "changes": [{"field": "feed", "value": value}]}],
                },
                separators=(",", ":"),
            ).encode("ascii")
            signature = "sha256=" + hmac.new(self.secret.encode(), body, hashlib.sha256).hexdigest()
            headers = {"Content-Type": "application/json", "X-Hub-Signature-256": signature}
            made.append((body, headers, comment_id))
        return made

    def start(self, name: str, command: list[str]) -> None:
        log = open(self.scratch / f"{name}.log", "w")  # noqa: SIM115 - the process writes it until stopped
        process = subprocess.Popen(
            command,
            cwd=ROOT,
            env={**os.environ, **self.environment},
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        log.close()
        self.processes.append((name, process))

    def clean_up(self) -> None:
        for name, process in reversed(self.processes):
            if process.poll() is None:
                process.send_signal(signal.SIGTERM)
                try:
                    process.wait(timeout=30)
                except subprocess.TimeoutExpired:
                    # The session this script started for it: its workers go with it.
                    os.killpg(process.pid, signal.SIGKILL)
                    process.wait()
            if process.returncode not in (0, -signal.SIGTERM):
                print(f"{name} ended with {process.returncode}; its log:\n{log_tail(self.scratch / f'{name}.log')}")
        if "django" in sys.modules:
            from django.db import connections

            connections.close_all()
        if self.database is not None:
            self.database.drop()


@dataclass
class Load:
    elapsed: float
    statuses: list = field(default_factory=list)
    latencies: list = field(default_factory=list)
    sent_at: list = field(default_factory=list)

    @classmethod
    def combine(cls, loads: list["Load"]) -> "Load":
        combined = cls(elapsed=sum(load.elapsed for load in loads))
        for load in loads:
            combined.statuses += load.statuses
            combined.latencies += load.latencies
            combined.sent_at += load.sent_at
        return combined

    @property
    def accepted(self) -> int:
        return sum(status == 200 for status in self.statuses)

    @property
    def rate(self) -> float:
        return self.accepted / self.elapsed

    def statuses_text(self) -> str:
        return ", ".join(f"{status}: {number}" for status, number in sorted(Counter(map(str, self.statuses)).items()))

    def line(self) -> str:
        return (
            f"{self.rate:7.0f} a second   latency {summarise(self.latencies)}   "
            f"in {self.elapsed:.1f} s ({self.statuses_text()})"
        )


def run_load(port: int, path: str, requests: list, concurrency: int, rate: float | None = None) -> Load:
    """
    POST every request once over `concurrency` keep-alive connections; at `rate`
    a second when given, else as fast as the server answers.
    """
    total = len(requests)
    load = Load(elapsed=0, statuses=[None] * total, latencies=[0.0] * total, sent_at=[0.0] * total)
    next_index = itertools.count()  # next() on it is atomic under the GIL
    start = threading.Barrier(concurrency + 1)
    began = [0.0]

    def send() -> None:
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        start.wait()
        while (index := next(next_index)) < total:
            if rate:
                pause = began[0] + index / rate - time.perf_counter()
                if pause > 0:
                    time.sleep(pause)
            body, headers, _ = requests[index]
            load.sent_at[index] = time.time()
            sent = time.perf_counter()
            try:
                connection.request("POST", path, body=body, headers=headers)
                response = connection.getresponse()
                response.read()
                load.statuses[index] = response.status
            except (OSError, http.client.HTTPException) as exc:
                load.statuses[index] = type(exc).__name__
                connection.close()
            load.latencies[index] = time.perf_counter() - sent
        connection.close()

    threads = [threading.Thread(target=send, daemon=True) for _ in range(concurrency)]
    for thread in threads:
        thread.start()
    began[0] = time.perf_counter()
    start.wait()
    for thread in threads:
        thread.join()
    load.elapsed = time.perf_counter() - began[0]
    return load


def wait_for_processed(mark: int, expected: int, timeout: float, worker=None) -> int:
    from inbox.models import WebhookDelivery

    deadline = time.monotonic() + timeout
    while True:
        done = WebhookDelivery.objects.filter(pk__gt=mark).exclude(status="pending").count()
        if done >= expected or time.monotonic() > deadline:
            return done
        if worker is not None and worker[1].poll() is not None:
            sys.exit(f"The worker ended with {worker[1].returncode}.")
        time.sleep(0.2)


def wait_for_health(port: int, server, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if server[1].poll() is not None:
            sys.exit(f"{server[0]} ended with {server[1].returncode} before it answered.")
        try:
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            connection.request("GET", "/health/")
            if connection.getresponse().status == 200:
                return
        except OSError:
            pass
        time.sleep(0.2)
    sys.exit(f"{server[0]} did not answer /health/ within {timeout:g} s.")


def summarise(seconds: list[float]) -> str:
    if not seconds:
        return "no samples"
    ordered = sorted(seconds)

    def at(share: float) -> float:
        return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))] * 1000

    return f"p50 {at(0.5):6.1f} ms  p95 {at(0.95):6.1f} ms  max {ordered[-1] * 1000:6.1f} ms"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def log_tail(path: Path, lines: int = 30) -> str:
    try:
        return "\n".join(path.read_text(errors="replace").splitlines()[-lines:])
    except OSError:
        return "(no log)"


class PostgresDatabase:
    """The benchmark's own database: created fresh, dropped at the end."""

    def __init__(self, url: str):
        import environ

        config = environ.Env.db_url_config(url)
        self.name = config["NAME"]
        if "bench" not in self.name:
            sys.exit(f"Refusing to drop and create {self.name!r}: the benchmark's database name must contain 'bench'.")
        self.server = {
            "dbname": "postgres",
            "user": config.get("USER") or None,
            "password": config.get("PASSWORD") or None,
            "host": config.get("HOST") or None,
            "port": config.get("PORT") or None,
        }

    def _execute(self, *statements) -> None:
        import psycopg2

        connection = psycopg2.connect(**self.server)
        try:
            connection.autocommit = True
            with connection.cursor() as cursor:
                for statement in statements:
                    cursor.execute(statement)
        finally:
            connection.close()

    def create(self) -> None:
        from psycopg2 import sql

        name = sql.Identifier(self.name)
        self._execute(
            sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(name), sql.SQL("CREATE DATABASE {}").format(name)
        )

    def drop(self) -> None:
        from psycopg2 import sql

        self._execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(self.name)))


if __name__ == "__main__":
    main()
