import time

from celery.exceptions import TimeoutError as CeleryTimeoutError
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from socialstrategy.tasks import ping


class Command(BaseCommand):
    help = (
        "Send a ping task through the broker and wait for a worker to answer: proves broker, worker and results work."
    )

    def add_arguments(self, parser):
        parser.add_argument("--timeout", type=float, default=15.0, help="Seconds to wait for an answer (default 15).")

    def handle(self, *args, timeout: float, **options):
        broker = settings.CELERY_BROKER_URL.split("@")[-1]  # never print a password
        started = time.monotonic()
        result = ping.delay()
        try:
            answer = result.get(timeout=timeout)
        except CeleryTimeoutError as exc:
            raise CommandError(f"No worker answered within {timeout:g} s (broker: {broker}).") from exc
        elapsed_ms = (time.monotonic() - started) * 1000
        self.stdout.write(
            self.style.SUCCESS(
                f"pong from {answer['hostname']} in {elapsed_ms:.0f} ms (broker: {broker}, task {result.id})"
            )
        )
