"""The reports' tasks: thin, they call a service imported inside the task (see inbox/ingest/tasks.py)."""

from celery import shared_task


@shared_task(name="inbox.reports.recompute_rollups")
def recompute_rollups_task() -> None:
    """Every minute (beat, bulk queue): the recent closed days and the days marked, computed again."""
    from socialstrategy.locks import run_alone

    from .rollups import recompute_recent

    run_alone("inbox.recompute_rollups", recompute_recent)
