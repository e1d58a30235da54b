"""
Handing work on: one way for every app to enqueue a task for what it just stored.

A task is sent by id once the transaction that stored its object commits
(`transaction.on_commit(..., robust=True)`), so a worker never looks for a row that
is not there yet, and a broker that is down is logged, never raised into a request
that already committed. What such a lost message would have done is picked up by a
sweep (deliveries, untriaged posts, outbox messages), so no hand-off rests on the
broker alone.
"""

import logging
from collections.abc import Callable

from django.db import transaction

logger = logging.getLogger(__name__)


def enqueue_on_commit(task, *args, on_failure: Callable[[], None] | None = None, **options) -> None:
    """
    Send `task` with `args` (ids) after the current transaction commits; at once outside
    one. `options` go to `apply_async` (say, `expires`); `on_failure` runs when the
    broker refused the message, for work that no sweep would find.
    """
    transaction.on_commit(lambda: send_now(task, *args, on_failure=on_failure, **options), robust=True)


def send_now(task, *args, on_failure: Callable[[], None] | None = None, **options) -> bool:
    """Send a task for what is already stored; False (and a log line) when the broker refused it."""
    try:
        task.apply_async(args=args, **options)
    except Exception:
        logger.exception("could not enqueue %s%r", task.name, args)
        if on_failure is not None:
            on_failure()
        return False
    return True
