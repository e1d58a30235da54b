"""The inbox's tasks, by stage; Celery's autodiscovery imports this module, and so all of them."""

from .ingest import tasks as ingest_tasks
from .reports import tasks as report_tasks
from .triage import tasks as triage_tasks
from .work import tasks as work_tasks

__all__ = ["ingest_tasks", "report_tasks", "triage_tasks", "work_tasks"]
