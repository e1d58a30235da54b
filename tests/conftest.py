"""
Personas and the rules for tests that need real services.

Tests marked `postgres`, `redis` or `browser` run when their service is there
(DATABASE_URL on PostgreSQL, REDIS_URL, /usr/bin/chromium) and are skipped with the
reason otherwise. With TEST_REQUIRE_SERVICES=1 (CI) a missing service fails them instead.
"""

import os
import shutil
from collections import Counter

import pytest
from django.contrib.auth.models import Group

from socialstrategy import roles
from strategy.services import DEFAULT_STRATEGY_FILE, load_strategy, read_strategy_file

from .factories import UserFactory

REQUIRE_SERVICES = os.environ.get("TEST_REQUIRE_SERVICES", "") not in ("", "0", "false")
CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")


def _missing_service(marker: str) -> str | None:
    """Why the service a marker needs is not available, or None if it is."""
    from django.conf import settings

    if marker == "postgres" and "postgresql" not in settings.DATABASES["default"]["ENGINE"]:
        return "needs PostgreSQL: set DATABASE_URL=postgres://..."
    if marker == "redis" and not os.environ.get("REDIS_URL"):
        return "needs Redis: set REDIS_URL=redis://..."
    if marker == "browser" and not shutil.which(CHROMIUM):
        return f"needs Debian's chromium at {CHROMIUM} (apt-get install chromium)"
    return None


SERVICE_REASONS = ("needs PostgreSQL", "needs Redis", "needs Debian's chromium")


def pytest_runtest_setup(item):
    for marker in ("postgres", "redis", "browser"):
        if item.get_closest_marker(marker) is None:
            continue
        reason = _missing_service(marker)
        if reason is None:
            continue
        if REQUIRE_SERVICES:
            pytest.fail(f"TEST_REQUIRE_SERVICES is set but this test {reason}", pytrace=False)
        pytest.skip(reason)


def pytest_terminal_summary(terminalreporter):
    """Say how many tests were skipped for a missing service; read from the reports, so that it works under xdist."""
    skipped: Counter = Counter()
    for report in terminalreporter.stats.get("skipped", []):
        reason = report.longrepr[2] if isinstance(report.longrepr, tuple) else str(report.longrepr)
        reason = reason.removeprefix("Skipped: ")
        if reason.startswith(SERVICE_REASONS):
            skipped[reason] += 1
    if not skipped:
        return
    terminalreporter.write_sep("-", f"{sum(skipped.values())} service tests skipped")
    for reason, count in skipped.items():
        terminalreporter.write_line(f"{count} skipped: {reason}")
    terminalreporter.write_line("CI sets TEST_REQUIRE_SERVICES=1, which turns these skips into failures.")


@pytest.fixture(autouse=True)
def fresh_triage_caches():
    """
    Each test starts without the per-process caches of triage (the rules compiled,
    the model in force, the strategy tables): a test's database is rolled back, and
    the next one can reuse its ids and timestamps for other rows.
    """
    from inbox.triage import learned, rulebook

    def forget():
        learned._current.clear()
        learned._loaded.clear()
        rulebook._compiled.clear()
        rulebook.forget_tables()

    forget()
    yield
    forget()


@pytest.fixture(autouse=True)
def no_reads_left_open():
    """
    After a test whose pages read beside the request (a live server, a transactional
    test: `socialstrategy.alongside`), those threads' connections closed: left open, they
    kept the test database from being dropped at the end of the run.
    """
    yield
    from socialstrategy import alongside

    alongside.close_connections()


@pytest.fixture
def strategy(db):
    """The demo strategy from strategy/data/strategy.yaml."""
    load_strategy(read_strategy_file(DEFAULT_STRATEGY_FILE))


def _with_role(role: str, **fields):
    user = UserFactory(**fields)
    user.groups.add(Group.objects.get(name=role))
    return user


@pytest.fixture
def ingrid(db):
    """Ingrid works in the communication unit."""
    return _with_role(roles.COMMUNICATION_UNIT, username="ingrid", first_name="Ingrid", last_name="Berg")


@pytest.fixture
def lars(db):
    """Lars is a manager."""
    return _with_role(roles.MANAGER, username="lars", first_name="Lars", last_name="Haugen")


@pytest.fixture
def ola(db):
    """Ola is an employee in customer service."""
    return _with_role(roles.EMPLOYEE, username="ola", first_name="Ola", last_name="Hansen")


@pytest.fixture
def nina(db):
    """Nina has an account but no role yet."""
    return UserFactory(username="nina", first_name="Nina", last_name="Dahl")


@pytest.fixture
def eager_tasks():
    """Run Celery tasks inline, in the test's process and transaction."""
    from socialstrategy.celery import app

    previous = app.conf.task_always_eager, app.conf.task_eager_propagates
    app.conf.task_always_eager, app.conf.task_eager_propagates = True, True
    yield
    app.conf.task_always_eager, app.conf.task_eager_propagates = previous
