"""
A Celery worker whose Facebook parser kills its own process on a poison delivery.

Run as `python tests/faults/poison_worker.py <celery worker options>`. Before the
worker starts, `inbox.connectors.facebook.parse` (and the reference to it in
`inbox.ingest.deliveries.PARSERS`) is wrapped: a body that contains POISON_MARKER
sends SIGKILL to the process parsing it, the way a segfault or the OOM killer would.
The prefork children are forked from this process and inherit the wrapper.
"""

import os
import signal
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
POISON_MARKER = b"POISON-PILL"


def install_poison() -> None:
    from inbox.connectors import facebook
    from inbox.ingest import deliveries
    from inbox.models import WebhookDelivery

    original = facebook.parse

    def poisoned_parse(body: bytes):
        if POISON_MARKER in bytes(body):
            sys.stderr.write(f"poison_worker: pid {os.getpid()} parses a poison delivery and dies\n")
            sys.stderr.flush()
            os.kill(os.getpid(), signal.SIGKILL)
        return original(body)

    facebook.parse = poisoned_parse
    deliveries.PARSERS[WebhookDelivery.Source.FACEBOOK] = poisoned_parse


def main(argv: list[str]) -> None:
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "socialstrategy.settings")
    import django

    django.setup()
    install_poison()

    from socialstrategy.celery import app

    app.worker_main(["worker", *argv])


if __name__ == "__main__":
    main(sys.argv[1:])
