"""
The triage stage's sweeps, run every minute by beat. Each reads only what it must
through a partial index, is bounded per run, and commits in chunks, so that a backlog
after an outage drains over a few runs instead of failing as one transaction.

- deadlines: posts past `due_at` with no reply get `breached_at` once and an
  escalation; posts due within INBOX_DUE_SOON_MINUTES get one warning;
- untriaged: posts stored but not triaged for INBOX_UNTRIAGED_SECONDS (their task
  was lost: a broker restarted without persistence, a publish that failed) are sent
  to triage again; triage is idempotent, so a copy still queued does no harm.
"""

import logging
from collections import defaultdict
from datetime import datetime, timedelta
from functools import cached_property

from django.conf import settings
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone

from socialstrategy.queueing import send_now
from strategy.models import TeamMembership
from strategy.selectors import communication_unit_members

from ..models import Post
from ..notices import Kind, notify_about
from . import services as triage_services
from . import tasks

logger = logging.getLogger(__name__)

OPEN = (Post.Status.NEW, Post.Status.OPEN)
# At most this many posts per run and kind, in transactions of CHUNK posts.
SWEEP_LIMIT = 5000
CHUNK = 200
UNTRIAGED_LIMIT = 1000


def waiting_posts():
    """The must-reply posts still waiting for a first response: the rows of `post_waiting_due_idx`."""
    return Post.objects.filter(
        must_reply=True,
        first_response_at__isnull=True,
        deleted_at__isnull=True,
        is_ours=False,
        status__in=OPEN,
    )


class Recipients:
    """
    Who is told of a breach or a warning: read once per sweep run (not once per post),
    and only by a run that has someone to tell (most runs find nothing).
    """

    @cached_property
    def unit(self) -> list:
        return communication_unit_members()

    @cached_property
    def teams(self) -> tuple[dict[int, list], dict[int, list]]:
        """(members, leads) by team id."""
        members: dict[int, list] = defaultdict(list)
        leads: dict[int, list] = defaultdict(list)
        for membership in TeamMembership.objects.filter(user__is_active=True).select_related("user"):
            members[membership.team_id].append(membership.user)
            if membership.is_lead:
                leads[membership.team_id].append(membership.user)
        return members, leads

    def of_breach(self, post: Post) -> list:
        users = [post.assignee] if post.assignee else []
        return users + self.teams[1].get(post.team_id, []) + self.unit

    def of_warning(self, post: Post) -> list:
        if post.assignee:
            return [post.assignee]
        return self.teams[0].get(post.team_id, []) or self.unit


def sweep_deadlines(*, now: datetime | None = None) -> dict:
    """
    Mark the posts past their deadline without a first response as breached, exactly
    once (a conditional update), and tell the assignee, the team lead and the
    communication unit; warn before a deadline. A chunk's marks and notifications
    commit together, so a crash never leaves a breach nobody was told about.
    """
    now = now or timezone.now()
    recipients = Recipients()
    waiting = waiting_posts().filter(breached_at__isnull=True)
    breached_ids = list(waiting.filter(due_at__lt=now).order_by("due_at").values_list("pk", flat=True)[:SWEEP_LIMIT])
    breached = _in_chunks(
        breached_ids,
        mark={"breached_at": now},
        still={"breached_at__isnull": True, "first_response_at__isnull": True, "status__in": OPEN},
        kind=Kind.BREACH,
        recipients=recipients.of_breach,
    )
    soon = now + timedelta(minutes=settings.INBOX_DUE_SOON_MINUTES)
    warned_ids = list(
        waiting.filter(due_at__gte=now, due_at__lt=soon, warned_at__isnull=True)
        .order_by("due_at")
        .values_list("pk", flat=True)[:SWEEP_LIMIT]
    )
    warned = _in_chunks(
        warned_ids,
        mark={"warned_at": now},
        still={"warned_at__isnull": True},
        kind=Kind.DUE_SOON,
        recipients=recipients.of_warning,
    )
    if breached or warned:
        logger.info("deadline sweep: %s breached, %s warned", breached, warned)
    return {"breached": breached, "warned": warned}


def _in_chunks(ids: list[int], *, mark: dict, still: dict, kind: str, recipients) -> int:
    done = 0
    for start in range(0, len(ids), CHUNK):
        chunk = ids[start : start + CHUNK]
        with transaction.atomic():
            # Lock the chunk's rows that still qualify; a second sweep skips them.
            posts = list(
                Post.objects.select_for_update(of=("self",))
                .filter(pk__in=chunk, **still)
                .select_related("assignee", "channel")
            )
            if not posts:
                continue
            Post.objects.filter(pk__in=[post.pk for post in posts]).update(**mark)
            for post in posts:
                notify_about(post, users=recipients(post), kind=kind)
            done += len(posts)
    return done


def untriaged_posts(*, now: datetime | None = None):
    """Posts stored but not triaged for a while: the rows of `post_untriaged_idx`, old enough."""
    now = now or timezone.now()
    return Post.objects.filter(
        triaged_at__isnull=True,
        is_ours=False,
        deleted_at__isnull=True,
        received_at__lt=now - timedelta(seconds=settings.INBOX_UNTRIAGED_SECONDS),
    )


def sweep_untriaged(*, now: datetime | None = None) -> dict:
    """
    Send the posts left untriaged to triage again, oldest first, at most UNTRIAGED_LIMIT
    a run, each at most once per INBOX_UNTRIAGED_SECONDS. A post that triage still has
    not decided after INBOX_TRIAGE_MAX_ATTEMPTS (its task keeps failing) is put before a
    person instead: must reply, with the default deadline, for the communication unit.
    """
    now = now or timezone.now()
    again = now - timedelta(seconds=settings.INBOX_UNTRIAGED_SECONDS)
    due = untriaged_posts(now=now).filter(Q(triage_requested_at__isnull=True) | Q(triage_requested_at__lt=again))
    rows = list(due.order_by("received_at").values_list("pk", "triage_attempts")[:UNTRIAGED_LIMIT])
    given_up = [pk for pk, attempts in rows if attempts >= settings.INBOX_TRIAGE_MAX_ATTEMPTS]
    retry = [pk for pk, attempts in rows if attempts < settings.INBOX_TRIAGE_MAX_ATTEMPTS]
    Post.objects.filter(pk__in=retry).update(triage_requested_at=now, triage_attempts=F("triage_attempts") + 1)
    sent = sum(send_now(tasks.triage_post_task, post_id) for post_id in retry)
    failed_safe = sum(triage_services.triage_failed(post_id=post_id) is not None for post_id in given_up)
    if rows:
        logger.warning(
            "untriaged sweep: %s posts were not triaged; %s sent to triage again, %s put before a person",
            len(rows),
            sent,
            failed_safe,
        )
    return {"requeued": sent, "failed_safe": failed_safe}
