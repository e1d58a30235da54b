"""
Real processes for the fault tests: a Redis of the test's own, a web server, a worker
and beat, all on the test database. Each writes its output to a file under tmp_path;
the tails are printed when a test fails. Every process starts in a session of its own
and its whole process group is killed in teardown.

The shared Redis of REDIS_URL is never touched: the web server, the worker and beat
get REDIS_URL pointing at the Redis started here, which the tests may stop and start.
"""

import contextlib
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest
import redis
from django.db import connection

from tests.inbox.payloads import FACEBOOK_SECRET, FACEBOOK_VERIFY_TOKEN

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent
CELERY = str(BIN / "celery")
GUNICORN = str(BIN / "gunicorn")
REDIS_SERVER = "redis-server"
QUEUES = "ingest,triage,default,bulk"

# Small enough that a lost message or a dead worker's claim is taken up within seconds.
FAULT_SETTINGS = {
    "INBOX_SWEEP_SECONDS": "2",
    "INBOX_DELIVERY_STALE_SECONDS": "5",
    "INBOX_DELIVERY_LEASE_SECONDS": "8",
    "INBOX_UNTRIAGED_SECONDS": "5",
    "INBOX_DELIVERY_MAX_ATTEMPTS": "3",
    # The lease must outlast the hard time limit, as in production.
    "CELERY_TASK_SOFT_TIME_LIMIT": "5",
    "CELERY_TASK_TIME_LIMIT": "6",
}


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_for(predicate, *, timeout: float, interval: float = 0.2, what: str = "condition"):
    """Poll `predicate` until it returns something truthy; that value, or AssertionError after `timeout`."""
    deadline = time.monotonic() + timeout
    while True:
        value = predicate()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout:.0f}s waiting for {what}")
        time.sleep(interval)


class Proc:
    """A subprocess in its own session, its output in a log file."""

    def __init__(self, name: str, args: list[str], *, env: dict, log_dir: Path, cwd: Path = ROOT):
        self.name = name
        self.args = args
        self.log_path = log_dir / f"{name}.log"
        self._log = open(self.log_path, "ab")  # noqa: SIM115 - closed in stop()
        self.popen = subprocess.Popen(
            args, cwd=cwd, env=env, stdout=self._log, stderr=subprocess.STDOUT, start_new_session=True
        )

    @property
    def pid(self) -> int:
        return self.popen.pid

    def alive(self) -> bool:
        return self.popen.poll() is None

    def children(self) -> list[int]:
        """The live direct children's pids (the prefork pool of a worker); a zombie not yet reaped is not one."""
        result = subprocess.run(
            ["ps", "-o", "pid=,stat=", "--ppid", str(self.pid)], capture_output=True, text=True, check=False
        )
        rows = [line.split() for line in result.stdout.splitlines() if line.strip()]
        return [int(pid) for pid, stat in rows if not stat.startswith("Z")]

    def log_text(self) -> str:
        if not self._log.closed:
            self._log.flush()
        return self.log_path.read_text(errors="replace")

    def tail(self, lines: int = 60) -> str:
        return "\n".join(self.log_text().splitlines()[-lines:])

    def wait_for_log(self, needle: str, *, timeout: float) -> None:
        def found():
            if not self.alive():
                raise AssertionError(f"{self.name} exited with {self.popen.returncode}:\n{self.tail()}")
            return needle in self.log_text()

        wait_for(found, timeout=timeout, what=f"{needle!r} in {self.name}'s output")

    def stop(self, sig: int = signal.SIGTERM, timeout: float = 15) -> None:
        """Stop the process and everything in its process group."""
        if self.alive():
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.pid, sig)
            with contextlib.suppress(subprocess.TimeoutExpired):
                self.popen.wait(timeout=timeout)
        # Whatever is left of the group (a child that outlived its parent, a leader that hung).
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(self.pid, signal.SIGKILL)
        with contextlib.suppress(subprocess.TimeoutExpired):
            self.popen.wait(timeout=10)
        if not self._log.closed:
            self._log.close()


class OwnRedis:
    """A redis-server of the test's own, without persistence: a restart is an empty Redis."""

    def __init__(self, log_dir: Path, env: dict):
        self.port = free_port()
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.log_dir = log_dir
        self.env = env
        self.dir = log_dir / "redis-data"
        self.dir.mkdir(exist_ok=True)
        self.proc: Proc | None = None
        self.procs: list[Proc] = []

    def client(self) -> redis.Redis:
        return redis.Redis(host="127.0.0.1", port=self.port, db=0, socket_timeout=2, socket_connect_timeout=2)

    def start(self, timeout: float = 10) -> None:
        self.proc = Proc(
            f"redis-{len(self.procs)}",
            [
                REDIS_SERVER,
                "--port",
                str(self.port),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
                "--dir",
                str(self.dir),
            ],
            env=self.env,
            log_dir=self.log_dir,
        )
        self.procs.append(self.proc)

        def answers():
            if not self.proc.alive():
                raise AssertionError(f"redis-server exited:\n{self.proc.tail()}")
            try:
                return self.client().ping()
            except redis.RedisError:
                return False

        wait_for(answers, timeout=timeout, interval=0.05, what="redis-server to answer PING")

    def stop(self) -> None:
        if self.proc is not None:
            self.proc.stop(signal.SIGTERM, timeout=10)
            self.proc = None

    def queue_lengths(self) -> dict[str, int]:
        try:
            client = self.client()
            return {queue: client.llen(queue) for queue in QUEUES.split(",")}
        except redis.RedisError:
            return {}


class Services:
    """The web server, worker and beat of one test, on the test database and an own Redis."""

    def __init__(self, tmp_path: Path):
        self.log_dir = tmp_path / "logs"
        self.log_dir.mkdir()
        self.tmp_path = tmp_path
        db = connection.settings_dict
        password = f":{db['PASSWORD']}" if db.get("PASSWORD") else ""
        self.database_url = f"postgres://{db['USER']}{password}@{db['HOST']}:{db['PORT']}/{db['NAME']}"
        self.database_name = db["NAME"]
        base_env = {key: value for key, value in os.environ.items() if key not in ("REDIS_URL", "DATABASE_URL")}
        self.redis = OwnRedis(self.log_dir, base_env)
        self.env = {
            **base_env,
            "PYTHONUNBUFFERED": "1",
            "DEBUG": "true",
            "LOG_LEVEL": "INFO",
            "DATABASE_URL": self.database_url,
            "REDIS_URL": self.redis.url,
            "FACEBOOK_APP_SECRET": FACEBOOK_SECRET,
            "FACEBOOK_VERIFY_TOKEN": FACEBOOK_VERIFY_TOKEN,
            "YOUTUBE_API_KEY": "",
            "SOCIAL_SANDBOX": "true",
            "CELERY_TASK_ALWAYS_EAGER": "false",
            **FAULT_SETTINGS,
        }
        self.web: Proc | None = None
        self.web_url = ""
        self.worker: Proc | None = None
        self.beat: Proc | None = None
        self.procs: list[Proc] = []

    def _start(self, name: str, args: list[str]) -> Proc:
        proc = Proc(name, args, env=self.env, log_dir=self.log_dir)
        self.procs.append(proc)
        return proc

    def start_web(self, timeout: float = 30) -> None:
        port = free_port()
        self.web_url = f"http://127.0.0.1:{port}"
        self.web = self._start(
            "web",
            [
                GUNICORN,
                "socialstrategy.wsgi",
                "--bind",
                f"127.0.0.1:{port}",
                "--workers",
                "2",
                "--timeout",
                "30",
                "--access-logfile",
                "-",
            ],
        )

        def healthy():
            if not self.web.alive():
                raise AssertionError(f"gunicorn exited:\n{self.web.tail()}")
            try:
                with urllib.request.urlopen(f"{self.web_url}/health/", timeout=2) as response:
                    return response.status == 200
            except (urllib.error.URLError, ConnectionError, TimeoutError):
                return False

        wait_for(healthy, timeout=timeout, what="the web server's /health/")

    def worker_options(self) -> list[str]:
        # The Procfile's worker, named so that its log says which it is; gossip and
        # mingle only slow the start of a lone worker.
        return [
            f"--queues={QUEUES}",
            "--pool=prefork",
            "--concurrency=2",
            "--loglevel=INFO",
            "--hostname=faults@%h",
            "--without-gossip",
            "--without-mingle",
        ]

    def start_worker(self, *, poison: bool = False, timeout: float = 60) -> None:
        if poison:
            args = [sys.executable, str(ROOT / "tests" / "faults" / "poison_worker.py"), *self.worker_options()]
        else:
            args = [CELERY, "-A", "socialstrategy", "worker", *self.worker_options()]
        self.worker = self._start("worker", args)
        self.worker.wait_for_log(" ready.", timeout=timeout)

    def start_beat(self, timeout: float = 30) -> None:
        self.beat = self._start(
            "beat",
            [
                CELERY,
                "-A",
                "socialstrategy",
                "beat",
                "--loglevel=INFO",
                f"--schedule={self.tmp_path / 'celerybeat-schedule'}",
                f"--pidfile={self.tmp_path / 'celerybeat.pid'}",
            ],
        )
        self.beat.wait_for_log("beat: Starting", timeout=timeout)

    def tails(self, lines: int = 80) -> str:
        out = []
        for proc in [*self.redis.procs, *self.procs]:
            out.append(f"----- {proc.name} ({proc.log_path}) -----\n{proc.tail(lines)}")
        return "\n".join(out)

    def stop_all(self) -> None:
        for proc in reversed(self.procs):
            proc.stop()
        self.redis.stop()
        for proc in self.redis.procs:
            proc.stop()


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_makereport(item, call):
    report = yield
    setattr(item, f"report_{report.when}", report)
    return report


@pytest.fixture
def services(request, transactional_db, tmp_path):
    """Own Redis started; the test starts the web server, worker and beat it needs."""
    running = Services(tmp_path)
    running.redis.start()
    try:
        yield running
    finally:
        report = getattr(request.node, "report_call", None)
        running.stop_all()
        if report is None or report.failed:
            print("\n===== the services' output (tails) =====")
            print(running.tails())
        print(f"\nlogs of the services: {running.log_dir}")
        # The test's own connection may have been terminated by a fault; the teardown's
        # flush needs a live one.
        connection.close()
