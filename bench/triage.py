"""
How fast posts are triaged.

(a) The pure triage (inbox/triage/engine.py) on one core: posts a second over the labelled
    set, with warm caches (the same texts again) and cold (every text made unique).
(b) End to end through Celery: posts stored, `triage_post_task` enqueued for each,
    a real worker triaging them against the database: posts a second and the lag
    from storing a post to its decision (p50, p95); beside the rate of a no-op task
    through the same broker and worker as the ceiling.

Runs on PostgreSQL and Redis when DATABASE_URL and REDIS_URL are set, else SQLite
and the filesystem broker in a temporary directory. The script creates, migrates
and drops its database (a PostgreSQL database's name must contain "bench").

    .venv/bin/python bench/triage.py [--posts 2000] [--worker-concurrency 2]
"""

import argparse
import json
import os
import secrets
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlparse

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
BIN = Path(sys.executable).parent
LABELLED = ROOT / "inbox" / "triage" / "training" / "labelled.jsonl"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--pure-posts", type=int, default=20000, help="posts triaged in (a) (20000)")
    parser.add_argument("--posts", type=int, default=2000, help="posts triaged through Celery in (b) (2000)")
    parser.add_argument("--worker-concurrency", type=int, default=2, help="Celery worker processes in (b) (2)")
    args = parser.parse_args()

    texts = [json.loads(line)["text"] for line in LABELLED.read_text(encoding="utf-8").splitlines() if line.strip()]
    env = _environment()
    os.environ.update(env)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "socialstrategy.settings")
    broker = env.get("REDIS_URL") or "filesystem"
    print(f"machine: {os.cpu_count()} cores; database {_describe(env['DATABASE_URL'])}; broker {broker}")

    pure(texts, args.pure_posts)
    _create_database(env["DATABASE_URL"])
    try:
        through_celery(texts, args.posts, args.worker_concurrency, env)
    finally:
        _drop_database(env["DATABASE_URL"])


def pure(texts: list[str], count: int) -> None:
    import yaml

    from inbox.triage.engine import KnownClaim, PostInput, Triage, rules_from_data
    from inbox.triage.learning.combine import ModelTriage
    from inbox.triage.learning.training import labelled_examples, train

    data = yaml.safe_load((ROOT / "strategy" / "data" / "reply_rules.yaml").read_text(encoding="utf-8"))
    claims = [KnownClaim(pattern=c["pattern"]) for c in data["claims"]]
    rules = Triage(rules_from_data(data["rules"]), claims)
    started = time.perf_counter()
    model = train(labelled_examples(), rules, version="bench")
    trained_in = time.perf_counter() - started
    print(f"\n(a) pure triage, one core, {len(data['rules'])} rules and {len(claims)} claims")
    print(f"    the model: {len(model.weights):,} features, trained on {model.trained_on} posts in {trained_in:.1f} s")
    for label, make in (
        ("warm (the labelled texts again)", lambda n: texts[n % len(texts)]),
        ("cold (every text unique)", lambda n: f"{texts[n % len(texts)]} ref{n}x{n * 7919 % 10007}"),
    ):
        for name, engine in (
            ("rules", Triage(rules_from_data(data["rules"]), claims)),
            ("rules + model", ModelTriage(Triage(rules_from_data(data["rules"]), claims), model)),
        ):
            posts = [PostInput(make(n)) for n in range(count)]
            started = time.perf_counter()
            for post in posts:
                engine.decide(post)
            elapsed = time.perf_counter() - started
            print(f"    {label:34} {name:14} {count / elapsed:10,.0f} posts/s  ({elapsed * 1e6 / count:.0f} µs a post)")
    long_post = PostInput(("Hei, appen krasjer når jeg logger inn, og pakken er borte. " * 1800)[:100_000])
    engine = ModelTriage(rules, model)
    started = time.perf_counter()
    for _round in range(10):
        engine.decide(long_post)
    print(
        f"    a 100 KB post, rules + model       {(time.perf_counter() - started) * 100:10.1f} ms a post (ceiling 50)"
    )


def through_celery(texts: list[str], count: int, concurrency: int, env: dict) -> None:
    import django

    django.setup()
    from django.core.management import call_command
    from django.utils import timezone

    from inbox.models import Post
    from inbox.triage.tasks import triage_post_task
    from strategy.models import Channel

    call_command("migrate", verbosity=0)
    call_command("load_strategy", verbosity=0)
    # The worker triages with the rules and the learned model, as the product does.
    call_command("train_triage", verbosity=0, stdout=open(os.devnull, "w"))  # noqa: SIM115 - closed at exit
    channel = Channel.objects.get(slug="facebook")
    print(f"\n(b) through Celery: {count} posts, a worker with {concurrency} processes")
    worker = subprocess.Popen(
        [
            str(BIN / "celery"),
            "-A",
            "socialstrategy",
            "worker",
            f"--concurrency={concurrency}",
            "--loglevel=WARNING",
            "--without-gossip",
            "--without-mingle",
            "--without-heartbeat",
            "--include=bench.tasks",
        ],
        cwd=ROOT,
        # The worker runs as in production: DEBUG off (Django keeps no query log).
        env={**os.environ, **env, "DEBUG": "false", "SECRET_KEY": secrets.token_urlsafe(50)},
    )
    try:
        from bench.tasks import noop

        _wait_for_worker(noop)
        started = time.perf_counter()
        results = [noop.delay() for _ in range(count)]
        for result in results:
            result.get(timeout=120)
        noop_rate = count / (time.perf_counter() - started)

        now = timezone.now()
        posts = Post.objects.bulk_create(
            [
                Post(
                    channel=channel,
                    external_id=f"bench-{n}",
                    kind="comment",
                    text=texts[n % len(texts)],
                    published_at=now,
                    received_at=now,
                )
                for n in range(count)
            ]
        )
        started = time.perf_counter()
        for post in posts:
            Post.objects.filter(pk=post.pk).update(received_at=timezone.now())
            triage_post_task.delay(post.pk)
        deadline = time.monotonic() + 600
        while Post.objects.filter(triaged_at__isnull=True).exists() and time.monotonic() < deadline:
            time.sleep(0.2)
        elapsed = time.perf_counter() - started
        done = Post.objects.filter(triaged_at__isnull=False)
        lags = sorted(
            (p.triaged_at - p.received_at).total_seconds() * 1000 for p in done.only("received_at", "triaged_at")
        )
        rate = done.count() / elapsed
        print(f"    triaged               {done.count()} of {count} posts in {elapsed:.1f} s: {rate:,.0f} posts/s")
        p50, p95 = statistics.median(lags), lags[int(len(lags) * 0.95) - 1]
        print(f"    lag, stored -> decided p50 {p50:,.0f} ms, p95 {p95:,.0f} ms")
        print(
            f"    no-op task (ceiling)  {noop_rate:,.0f} tasks/s (sent and awaited one by one in flight, same worker)"
        )
        print(f"    ratio                 {rate / noop_rate:.2f} of the no-op rate")
        print("    (the enqueueing loop, the worker and the database share the machine's cores)")
    finally:
        worker.terminate()
        worker.wait(timeout=30)


def _wait_for_worker(noop) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            noop.delay().get(timeout=5)
            return
        except Exception:  # the worker is still starting
            time.sleep(0.5)
    raise SystemExit("the worker did not start within 60 s")


def _environment() -> dict:
    env = {"DEBUG": "true", "CELERY_TASK_ALWAYS_EAGER": "false"}
    url = os.environ.get("DATABASE_URL", "")
    if url:
        if "bench" not in urlparse(url).path:
            raise SystemExit("DATABASE_URL must name a database whose name contains 'bench'; it is dropped at the end")
        env["DATABASE_URL"] = url
    else:
        env["DATABASE_URL"] = f"sqlite:///{tempfile.mkdtemp(prefix='triage-bench-')}/bench.sqlite3"
    if os.environ.get("REDIS_URL"):
        env["REDIS_URL"] = os.environ["REDIS_URL"]
    else:
        env["CELERY_FILESYSTEM_DIR"] = tempfile.mkdtemp(prefix="triage-bench-broker-")
    return env


def _describe(url: str) -> str:
    parsed = urlparse(url)
    return f"{parsed.scheme} {parsed.path.lstrip('/')}"


def _create_database(url: str) -> None:
    parsed = urlparse(url)
    if parsed.scheme.startswith("postgres"):
        _postgres(parsed, f'DROP DATABASE IF EXISTS "{parsed.path.lstrip("/")}"')
        _postgres(parsed, f'CREATE DATABASE "{parsed.path.lstrip("/")}"')


def _drop_database(url: str) -> None:
    parsed = urlparse(url)
    if parsed.scheme.startswith("postgres"):
        from django.db import connections

        connections.close_all()
        _postgres(parsed, f'DROP DATABASE IF EXISTS "{parsed.path.lstrip("/")}"')


def _postgres(parsed, statement: str) -> None:
    import psycopg2

    connection = psycopg2.connect(
        host=parsed.hostname,
        port=parsed.port or 5432,
        user=parsed.username or "postgres",
        password=parsed.password or None,
        dbname="postgres",
    )
    connection.autocommit = True
    with connection.cursor() as cursor:
        cursor.execute(statement)
    connection.close()


if __name__ == "__main__":
    main()
