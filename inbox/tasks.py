"""Thin Celery tasks: take ids, call a service."""

from celery import shared_task
from django.db import DatabaseError

from . import services


@shared_task(autoretry_for=(DatabaseError,), retry_backoff=2, retry_backoff_max=120, max_retries=5)
def process_delivery_task(delivery_id: int) -> None:
    """Turn a stored delivery into posts; idempotent, so a redelivered task does no harm."""
    services.process_delivery(delivery_id=delivery_id)


@shared_task
def requeue_stale_deliveries_task() -> None:
    """Every minute (beat): send again what the broker lost, give up on what keeps failing."""
    services.requeue_stale_deliveries()
