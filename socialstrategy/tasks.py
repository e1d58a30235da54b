import socket

from celery import shared_task
from django.utils import timezone


@shared_task(ignore_result=False)
def ping() -> dict:
    """Prove the wiring: a worker picked this up from the broker and answered."""
    return {"pong": True, "hostname": socket.gethostname(), "at": timezone.now().isoformat()}
