"""A real worker process, a real broker: the wiring that every task depends on."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
CELERY = str(Path(sys.executable).with_name("celery"))

pytestmark = pytest.mark.slow


def _ping_through_a_worker(env: dict) -> subprocess.CompletedProcess:
    worker = subprocess.Popen(
        [
            CELERY,
            "-A",
            "socialstrategy",
            "worker",
            "--pool=solo",
            "--loglevel=INFO",
            "--without-heartbeat",
            "--without-mingle",
            "--without-gossip",
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        return subprocess.run(
            [sys.executable, "manage.py", "celery_ping", "--timeout", "45"],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
            timeout=90,
        )
    finally:
        worker.terminate()
        try:
            log, _ = worker.communicate(timeout=20)
        except subprocess.TimeoutExpired:
            worker.kill()
            log, _ = worker.communicate()
        print(log)


def test_a_worker_answers_through_the_filesystem_broker(tmp_path):
    env = {**os.environ, "DEBUG": "true", "CELERY_FILESYSTEM_DIR": str(tmp_path), "CELERY_TASK_ALWAYS_EAGER": "false"}
    env.pop("REDIS_URL", None)

    result = _ping_through_a_worker(env)

    assert result.returncode == 0, result.stderr
    assert "pong from" in result.stdout
    assert "broker: filesystem://" in result.stdout


@pytest.mark.redis
@pytest.mark.xdist_group("redis")
def test_a_worker_answers_through_redis():
    env = {**os.environ, "DEBUG": "true", "CELERY_TASK_ALWAYS_EAGER": "false"}

    result = _ping_through_a_worker(env)

    assert result.returncode == 0, result.stderr
    assert "pong from" in result.stdout
    assert "broker: redis://" in result.stdout or "broker: 127.0.0.1" in result.stdout


def test_the_brokers_visibility_timeout_outlasts_every_tasks_hard_time_limit(settings):
    """Else Redis hands a task still running to a second worker (a long CSV import would run twice)."""
    from socialstrategy.celery import app

    app.loader.import_default_modules()
    limits = [task.time_limit or settings.CELERY_TASK_TIME_LIMIT for name, task in app.tasks.items() if "." in name]

    assert "inbox.tasks.import_csv_task" in app.tasks
    assert max(limits) == settings.INBOX_CSV_IMPORT_TIME_LIMIT
    assert max(limits) < settings.BROKER_VISIBILITY_TIMEOUT


def test_every_task_is_named_and_routed_to_a_queue_a_worker_consumes(settings):
    from socialstrategy.celery import app

    app.loader.import_default_modules()
    ours = {name for name in app.tasks if name.startswith(("inbox.", "socialstrategy."))}
    queues = {queue.name for queue in settings.CELERY_TASK_QUEUES}

    assert queues == {"ingest", "triage", "default", "bulk"}
    for route in settings.CELERY_TASK_ROUTES.values():
        assert route["queue"] in queues
    assert set(settings.CELERY_TASK_ROUTES) <= ours
    # Beat names tasks by these names: each must exist.
    assert {entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()} <= ours
