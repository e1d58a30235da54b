"""
The ingest stage's tasks: thin, they take ids and call a service, imported inside the
task (services import tasks at module level, never the other way round). Each has an
explicit name, kept from before the inbox was split by stage: beat and messages still
queued name a task by it.
"""

from celery import shared_task
from django.conf import settings
from django.db import DatabaseError

CSV_IMPORT_TIME_LIMIT = settings.INBOX_CSV_IMPORT_TIME_LIMIT


@shared_task(
    name="inbox.tasks.process_delivery_task",
    autoretry_for=(DatabaseError,),
    retry_backoff=2,
    retry_backoff_max=120,
    max_retries=5,
)
def process_delivery_task(delivery_id: int) -> None:
    """Turn a stored delivery into posts; idempotent, and a copy that finds it claimed or done does nothing."""
    from .deliveries import process_delivery

    process_delivery(delivery_id=delivery_id)


@shared_task(name="inbox.tasks.requeue_stale_deliveries_task")
def sweep_deliveries_task() -> None:
    """Every minute (beat): send again what the broker lost or a dead worker held; give up on what keeps failing."""
    from socialstrategy.locks import run_alone

    from .deliveries import sweep_deliveries

    run_alone("inbox.sweep_deliveries", sweep_deliveries)


@shared_task(
    name="inbox.tasks.import_csv_task",
    soft_time_limit=CSV_IMPORT_TIME_LIMIT - 120,
    time_limit=CSV_IMPORT_TIME_LIMIT,
)
def import_csv_task(import_id: int) -> None:
    """
    Import the rows of a stored CSV file. Not retried: a run that fails marks the
    import failed with the reason, and it is started again from its page, where the
    rows already imported are recognised as duplicates.
    """
    from .csv_import.runs import run_import

    run_import(import_id=import_id)


@shared_task(name="inbox.tasks.poll_youtube_task")
def poll_youtube_task() -> None:
    """Every YOUTUBE_POLL_MINUTES (beat): one poll task per active YouTube channel."""
    from .youtube import enqueue_youtube_polls

    enqueue_youtube_polls()


@shared_task(name="inbox.tasks.poll_youtube_channel_task")
def poll_youtube_channel_task(channel_id: int) -> None:
    """
    Fetch a YouTube channel's new comments. Not retried: an API error is recorded on
    the channel's poll state, and the next poll, minutes later, is the retry.
    """
    from .youtube import poll_youtube_channel

    poll_youtube_channel(channel_id=channel_id)
