"""Thin Celery tasks: take ids, call a service (imported inside the task, so that services may import tasks)."""

import socket

from celery import shared_task
from django.utils import timezone


@shared_task(name="socialstrategy.tasks.ping", ignore_result=False)
def ping() -> dict:
    """Prove the wiring: a worker picked this up from the broker and answered."""
    return {"pong": True, "hostname": socket.gethostname(), "at": timezone.now().isoformat()}


@shared_task(name="inbox.tasks.email_notification_task", autoretry_for=(Exception,), retry_backoff=10, max_retries=5)
def email_notification_task(notification_id: int) -> None:
    """Email one notification to its user; retried while the mail server is away."""
    from .notifications import email_notification

    email_notification(notification_id=notification_id)
