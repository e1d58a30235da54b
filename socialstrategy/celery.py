import os

from celery import Celery
from celery.signals import task_postrun, task_prerun

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "socialstrategy.settings")

app = Celery("socialstrategy")
# Every Celery setting lives in settings.py with the CELERY_ prefix.
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()

# Celery's Django fix-up closes every database connection before and after each task,
# unless told to reuse them: opening a PostgreSQL connection costs more than a triage.
# It is told to close them only after this many tasks; between, a task keeps its
# connection as a request does (CONN_MAX_AGE, CONN_HEALTH_CHECKS), through the handlers
# below.
app.conf.CELERY_DB_REUSE_MAX = 10_000


@task_prerun.connect(dispatch_uid="socialstrategy-db-before-task")
@task_postrun.connect(dispatch_uid="socialstrategy-db-after-task")
def _drop_unusable_connections(task=None, **_kwargs) -> None:
    """What Django does around a request: drop a connection that broke, expired or was left in a transaction."""
    if task is None or getattr(task.request, "is_eager", False):
        return  # an eager task runs inside its caller's transaction (a test's, say)
    from django.db import close_old_connections

    close_old_connections()
