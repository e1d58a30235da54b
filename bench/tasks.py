"""A task that does nothing: the ceiling a benchmark compares real tasks with (loaded with --include=bench.tasks)."""

from celery import shared_task


@shared_task(ignore_result=False)
def noop() -> None:
    return None
