"""
A read that runs beside the caller's own, on a database connection of its own: a page
starts its slowest independent read, does the rest of its reading meanwhile, and takes
the result when it needs it. The database then works on both at once, where otherwise
the page would wait for one after the other.

`alongside(read, *args)` runs `read` in a small pool of threads (each thread holds its
own connection, as Django gives every thread one, kept and checked as a request's is:
CONN_MAX_AGE, CONN_HEALTH_CHECKS) and returns something whose `result()` waits for it
and raises what it raised. It runs the read in place, at once, where a second connection
would not read what the caller reads, and when called from a read beside another:

- inside a transaction (`atomic`, and every test that rolls back): another connection
  would not see the transaction's own writes;
- on SQLite (the demo's one file, and in-memory test databases);
- when READS_ALONGSIDE is off.

Only for reads: a write beside the caller's would not be part of its transaction.
"""

import threading
from concurrent.futures import Future, ThreadPoolExecutor

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, close_old_connections, connections
from django.utils import timezone, translation

# Threads per process: a sync web worker serves one request at a time; a report page starts three reads beside it.
THREADS = 3

_PREFIX = "read-alongside"
_pool: ThreadPoolExecutor | None = None
_pool_lock = threading.Lock()


class Done:
    """A read that ran in place: its result, or what it raised, as a Future gives them."""

    def __init__(self, read, args, kwargs):
        self._value, self._error = None, None
        try:
            self._value = read(*args, **kwargs)
        except Exception as error:  # raised again from result(), as a Future does
            self._error = error

    def result(self):
        if self._error is not None:
            raise self._error
        return self._value


def beside_possible(using: str = DEFAULT_DB_ALIAS) -> bool:
    """Whether a read on a second connection reads what this thread's connection would."""
    connection = connections[using]
    return settings.READS_ALONGSIDE and connection.vendor == "postgresql" and not connection.in_atomic_block


def alongside(read, *args, using: str = DEFAULT_DB_ALIAS, **kwargs) -> "Future | Done":
    """
    `read(*args, **kwargs)` started on a connection of its own where it reads the same;
    else run now. It runs in the caller's language and time zone (both are per thread).
    """
    if not beside_possible(using) or threading.current_thread().name.startswith(_PREFIX):
        # In place also when called from a read beside: the pool never waits on itself.
        return Done(read, args, kwargs)
    context = (translation.get_language(), timezone.get_current_timezone())
    return _threads().submit(_on_own_connection, context, read, args, kwargs)


def _threads() -> ThreadPoolExecutor:
    # Made on first use, in the process that serves (after a web server's fork), not at import.
    global _pool  # one pool per process
    with _pool_lock:
        if _pool is None:
            _pool = ThreadPoolExecutor(max_workers=THREADS, thread_name_prefix=_PREFIX)
        return _pool


def _on_own_connection(context, read, args, kwargs):
    language, zone = context
    # As a request begins and ends: a connection past its age, or broken, is closed (and opened anew).
    close_old_connections()
    try:
        with translation.override(language), timezone.override(zone):
            return read(*args, **kwargs)
    finally:
        close_old_connections()


def close_connections() -> None:
    """
    Every thread's connections closed now, and the threads stopped (made again on the next
    read): for a test that drops its database after, and a process about to end.
    """
    global _pool  # one pool per process
    with _pool_lock:
        pool, _pool = _pool, None
    if pool is None:
        return
    # One job per thread: each waits for the others, so that every thread takes one.
    everyone = threading.Barrier(THREADS)

    def close_own() -> None:
        everyone.wait(timeout=10)
        connections.close_all()

    for done in [pool.submit(close_own) for _ in range(THREADS)]:
        done.result()
    pool.shutdown(wait=True)
