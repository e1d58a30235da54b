"""
The triage stage's tasks: thin, they take ids and call a service, imported inside the
task. Each has an explicit name (see inbox/ingest/tasks.py).
"""

from celery import shared_task
from django.db import DatabaseError


@shared_task(
    name="inbox.tasks.triage_post_task",
    autoretry_for=(DatabaseError,),
    retry_backoff=2,
    retry_backoff_max=60,
    max_retries=5,
)
def triage_post_task(post_id: int) -> None:
    """Sort a stored post by the rules; idempotent."""
    from .services import triage_post

    triage_post(post_id=post_id)


@shared_task(
    name="inbox.triage.retriage_post",
    autoretry_for=(DatabaseError,),
    retry_backoff=2,
    retry_backoff_max=60,
    max_retries=5,
)
def retriage_post_task(post_id: int) -> None:
    """Triage an open post again after the rules changed: the same work, on the bulk queue."""
    from .services import triage_post

    triage_post(post_id=post_id)


@shared_task(name="inbox.tasks.sweep_deadlines_task")
def sweep_deadlines_task() -> None:
    """Every minute (beat): breaches and warnings. One sweep at a time (a database lock)."""
    from socialstrategy.locks import run_alone

    from .sweeps import sweep_deadlines

    run_alone("inbox.sweep_deadlines", sweep_deadlines)


@shared_task(name="inbox.triage.sweep_untriaged")
def sweep_untriaged_task() -> None:
    """Every minute (beat): posts whose triage task was lost go to triage again."""
    from socialstrategy.locks import run_alone

    from .sweeps import sweep_untriaged

    run_alone("inbox.sweep_untriaged", sweep_untriaged)


@shared_task(name="inbox.triage.retrain_model")
def retrain_model_task() -> None:
    """Weekly (beat): a new version from the labelled posts and people's decisions, active if not worse."""
    from socialstrategy.locks import run_alone

    from .learned import train_model

    run_alone("inbox.retrain_model", lambda: train_model(note="weekly"))


@shared_task(name="inbox.triage.train_model")
def train_model_task(user_id: int | None = None) -> None:
    """The triage quality page's "train now": a new version, trained by that person."""
    from django.contrib.auth import get_user_model

    from socialstrategy.locks import run_alone

    from .learned import train_model

    user = get_user_model().objects.filter(pk=user_id).first() if user_id else None
    run_alone("inbox.retrain_model", lambda: train_model(by=user, note="train now"))
