"""
A response policy changed (its service hours, its deadlines): every day's service
times may have, so every day is marked to be computed again; the minute task takes
them newest first. Marking is a few hundred rows, done when the change commits.
"""

from django.db import transaction
from django.db.models.signals import post_delete, post_save

from strategy.models import ResponsePolicy


def policy_changed(sender=None, **kwargs) -> None:
    from .rollups import mark_every_day

    transaction.on_commit(mark_every_day, robust=True)


def connect() -> None:
    for signal in (post_save, post_delete):
        signal.connect(policy_changed, sender=ResponsePolicy, dispatch_uid=f"reports-policy-{signal is post_save}")
