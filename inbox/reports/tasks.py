"""The reports' tasks: thin, they call a service imported inside the task (see inbox/ingest/tasks.py)."""

from celery import shared_task


@shared_task(name="inbox.reports.recompute_rollups")
def recompute_rollups_task() -> None:
    """Every minute (beat, bulk queue): the recent closed days and the days marked, computed again."""
    from socialstrategy.locks import run_alone

    from .rollups import recompute_recent

    run_alone("inbox.recompute_rollups", recompute_recent)


@shared_task(name="inbox.reports.weekly_digest", autoretry_for=(Exception,), retry_backoff=60, max_retries=5)
def weekly_digest_task() -> int:
    """
    Every hour (beat, default queue): the weekly digest, which the service sends only
    while a week's digest is due (from the digest day's 08:00 to the end of its week),
    and to each person once; a retry (the mail server away), or the next hour, sends to
    those still without it.
    """
    from .digest import send_weekly_digest

    return send_weekly_digest()
