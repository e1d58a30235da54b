"""The work stage's tasks: thin, they call a service imported inside the task (see inbox/ingest/tasks.py)."""

from celery import shared_task


@shared_task(name="inbox.work.sweep_outbox")
def sweep_outbox_task() -> None:
    """Every minute (beat): outbox messages left sending become not confirmed, and their writer is told."""
    from socialstrategy.locks import sweep_lock

    from .outbox import sweep_outbox

    with sweep_lock("inbox.sweep_outbox") as acquired:
        if acquired:
            sweep_outbox()
