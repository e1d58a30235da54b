"""
A read beside the caller's (`socialstrategy.alongside`): on a connection and a thread of
its own, in the caller's language and time zone, seeing what is committed; in place
inside a transaction, on SQLite, from a read beside, or when READS_ALONGSIDE is off.
"""

import threading
import zoneinfo

import pytest
from django.db import connection
from django.utils import timezone, translation

from socialstrategy import alongside
from strategy.models import Channel
from tests.factories import ChannelFactory


def where_and_how() -> dict:
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()" if connection.vendor == "postgresql" else "SELECT 1")
        (backend,) = cursor.fetchone()
    return {
        "thread": threading.current_thread().name,
        "backend": backend,
        "language": translation.get_language(),
        "zone": timezone.get_current_timezone_name(),
        "channels": Channel.objects.count(),
    }


@pytest.fixture
def threads():
    yield
    # Their connections closed before the test database is dropped.
    alongside.close_connections()


def test_inside_a_transaction_a_read_runs_in_place(db):
    ChannelFactory()  # not committed: a second connection would not see it
    read = alongside.alongside(where_and_how)
    assert isinstance(read, alongside.Done)
    assert read.result()["thread"] == threading.current_thread().name
    assert read.result()["channels"] == 1


def test_an_error_comes_back_from_the_result(db):
    read = alongside.alongside(int, "not a number")
    with pytest.raises(ValueError, match="not a number"):
        read.result()


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_a_read_beside_runs_on_a_connection_of_its_own_in_the_callers_language(threads):
    ChannelFactory()
    here = where_and_how()
    with translation.override("en"), timezone.override(zoneinfo.ZoneInfo("America/New_York")):
        beside = alongside.alongside(where_and_how).result()
    assert beside["thread"].startswith("read-alongside")
    assert beside["backend"] != here["backend"]
    assert beside["language"] == "en"
    assert beside["zone"] == "America/New_York"
    assert beside["channels"] == 1  # what is committed
    # Its error, raised in its thread, comes back from the result.
    with pytest.raises(ValueError, match="not a number"):
        alongside.alongside(int, "not a number").result()


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_a_read_beside_another_and_a_read_with_the_setting_off_run_in_place(threads, settings):
    def nested() -> tuple[str, str]:
        return threading.current_thread().name, alongside.alongside(where_and_how).result()["thread"]

    outer, inner = alongside.alongside(nested).result()
    assert outer.startswith("read-alongside")
    assert inner == outer  # the pool never waits on itself
    settings.READS_ALONGSIDE = False
    assert isinstance(alongside.alongside(where_and_how), alongside.Done)


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_closing_the_connections_stops_the_threads_and_the_next_read_starts_them_again(threads):
    alongside.alongside(where_and_how).result()
    alongside.close_connections()
    assert not [thread for thread in threading.enumerate() if thread.name.startswith("read-alongside")]
    assert alongside.alongside(where_and_how).result()["thread"].startswith("read-alongside")
