"""`python manage.py rebuild_rollups [--since DAY] [--until DAY]`: the dashboards' rollups computed again."""

from datetime import date, timedelta

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from inbox.models import Post
from inbox.reports import rollups
from inbox.reports.metrics import oslo_day


def _day(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError as exc:
        raise CommandError(f"not a day like 2026-05-13: {text!r}") from exc


class Command(BaseCommand):
    help = (
        "Compute the daily rollups again from the posts, for the closed days from --since (default: the first "
        "post's day) to --until (default: yesterday), in Europe/Oslo days."
    )

    def add_arguments(self, parser):
        parser.add_argument("--since", type=_day)
        parser.add_argument("--until", type=_day)

    def handle(self, *args, since: date | None, until: date | None, **options):
        yesterday = timezone.localdate() - timedelta(days=1)
        until = min(until or yesterday, yesterday)
        if since is None:
            first = Post.objects.filter(is_ours=False).order_by("published_at").values_list("published_at", flat=True)
            since = oslo_day(first[0]) if first else until
        if since > until:
            self.stdout.write("No closed days in that range: nothing to do.")
            return
        started = timezone.now()
        written = rollups.rebuild(since, until)
        seconds = (timezone.now() - started).total_seconds()
        self.stdout.write(
            f"{(until - since).days + 1} days from {since} to {until}: {written} rows in {seconds:.1f} s."
        )
