"""A lock across processes for periodic sweeps, so that two beats (or a slow sweep) never overlap."""

import zlib
from collections.abc import Iterator
from contextlib import contextmanager

from django.db import connection


@contextmanager
def sweep_lock(name: str) -> Iterator[bool]:
    """
    Yield True when this process holds the lock named `name` for the block, else False.

    On PostgreSQL a session-level advisory lock, so that the block may commit as it
    goes (a sweep commits in chunks) and the lock ends with the connection should the
    process die; SQLite (the demo) serialises writers itself and runs a single beat,
    so there the block simply runs.
    """
    if connection.vendor != "postgresql":
        yield True
        return
    key = zlib.crc32(name.encode("utf-8"))
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_try_advisory_lock(%s)", [key])
        (acquired,) = cursor.fetchone()
    try:
        yield acquired
    finally:
        if acquired and connection.is_usable():
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_unlock(%s)", [key])


def run_alone(name: str, function) -> bool:
    """Run `function()` unless another process holds the lock `name` (a sweep still running); True when it ran."""
    with sweep_lock(name) as acquired:
        if acquired:
            function()
    return acquired
