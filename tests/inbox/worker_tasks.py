"""A task for the worker tests (loaded with --include=tests.inbox.worker_tasks): which database session ran it."""

from celery import shared_task
from django.db import connection


@shared_task(name="tests.backend_pid", ignore_result=False)
def backend_pid() -> int:
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        return cursor.fetchone()[0]
