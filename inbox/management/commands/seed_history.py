"""`python manage.py seed_history [--days N] [--if-empty]`: months of worked posts for the demo's reports."""

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from inbox.simulation import history


class Command(BaseCommand):
    help = (
        "Fill the demo with --days of history (default 120): posts triaged, answered (mostly on time), now and "
        "then late or closed, so that the reports have something to say; then the daily rollups. For the demo "
        "only: refuses unless DEBUG is on."
    )

    def add_arguments(self, parser):
        parser.add_argument("--days", type=int, default=120)
        parser.add_argument("--per-day", type=int, default=40, help="Posts on a working day (fewer at weekends).")
        parser.add_argument("--seed", type=int, default=7)
        parser.add_argument("--if-empty", action="store_true", help="Do nothing when the history is there already.")

    def handle(self, *args, days: int, per_day: int, seed: int, if_empty: bool, **options):
        if not settings.DEBUG:
            raise CommandError("The demo's history is made-up data; it is made only with DEBUG on.")
        if not 1 <= days <= 800:
            raise CommandError("--days: from 1 to 800.")
        if if_empty and history.seeded():
            self.stdout.write("The demo's history is there already.")
            return
        made = history.seed(days=days, per_day=per_day, rng_seed=seed)
        self.stdout.write(", ".join(f"{count} {name}" for name, count in made.items()) or "No demo channels.")
