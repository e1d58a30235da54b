"""The work stage's tasks: thin, they call a service imported inside the task (see inbox/ingest/tasks.py)."""

from celery import shared_task


@shared_task(name="inbox.work.sweep_outbox")
def sweep_outbox_task() -> None:
    """Every minute (beat): outbox messages left sending become not confirmed, and their writer is told."""
    from socialstrategy.locks import run_alone

    from .outbox import sweep_outbox

    run_alone("inbox.sweep_outbox", sweep_outbox)
