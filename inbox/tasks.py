"""Thin Celery tasks: take ids, call a service."""

from celery import shared_task
from django.db import DatabaseError

from . import imports, polling, services
from .locks import sweep_lock


@shared_task(autoretry_for=(DatabaseError,), retry_backoff=2, retry_backoff_max=120, max_retries=5)
def process_delivery_task(delivery_id: int) -> None:
    """Turn a stored delivery into posts; idempotent, so a redelivered task does no harm."""
    services.process_delivery(delivery_id=delivery_id)


@shared_task
def requeue_stale_deliveries_task() -> None:
    """Every minute (beat): send again what the broker lost, give up on what keeps failing."""
    services.requeue_stale_deliveries()


@shared_task(
    soft_time_limit=imports.RUN_SOFT_TIME_LIMIT.total_seconds(),
    time_limit=imports.RUN_TIME_LIMIT.total_seconds(),
)
def import_csv_task(import_id: int) -> None:
    """
    Import the rows of a stored CSV file. Not retried: a run that fails marks the
    import failed with the reason, and it is started again from its page, where the
    rows already imported are recognised as duplicates.
    """
    imports.run_import(import_id=import_id)


@shared_task
def poll_youtube_task() -> None:
    """Every YOUTUBE_POLL_MINUTES (beat): one poll task per active YouTube channel."""
    polling.enqueue_youtube_polls()


@shared_task
def poll_youtube_channel_task(channel_id: int) -> None:
    """
    Fetch a YouTube channel's new comments. Not retried: an API error is recorded on
    the channel's poll state, and the next poll, minutes later, is the retry.
    """
    polling.poll_youtube_channel(channel_id=channel_id)


@shared_task(autoretry_for=(DatabaseError,), retry_backoff=2, retry_backoff_max=60, max_retries=5)
def triage_post_task(post_id: int) -> None:
    """Sort a stored post by the rules; idempotent."""
    services.triage_post(post_id=post_id)


@shared_task
def sweep_deadlines_task() -> None:
    """Every minute (beat): breaches and 30-minute warnings. One sweep at a time (a database lock)."""
    with sweep_lock("inbox.sweep_deadlines") as acquired:
        if acquired:
            services.sweep_deadlines()


@shared_task(autoretry_for=(Exception,), retry_backoff=10, max_retries=5)
def email_notification_task(notification_id: int) -> None:
    """Email one notification to its user; retried while the mail server is away."""
    from . import notifications

    notifications.email_notification(notification_id=notification_id)
