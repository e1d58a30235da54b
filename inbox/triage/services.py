"""
Triage as a service: sort a stored post by the strategy's rules (categories,
must-reply, priority, deadline, team and person), record why, and let a person
override it. The decisions themselves are the pure `engine` and `deadlines`.
"""

import logging
from decimal import Decimal

from django.conf import settings
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy

from socialstrategy.people import display_name
from socialstrategy.queueing import enqueue_on_commit
from strategy.models import Priority, Team
from strategy.rules import FALLBACK_TEAM
from strategy.selectors import communication_unit_members

from ..models import Activity, Forward, Post, TriageDecision
from ..notices import Kind, notify_about
from . import deadlines, labels, learned, routing, rulebook, tasks
from .deadlines import due_at as deadline_for
from .engine import PostInput

logger = logging.getLogger(__name__)

# Said in the decision, the activity log and the notification (written in the site's language).
TRIAGE_FAILED = gettext_lazy("Triage could not decide about this post; a person must look at it.")


def enqueue_triage(post: Post) -> None:
    """Triage an incoming post once the transaction that stored it commits."""
    if post.is_ours or post.deleted_at is not None:
        return
    # The post is stored: if the message is lost, the untriaged sweep sends it again.
    enqueue_on_commit(tasks.triage_post_task, post.pk)


def triage_post(*, post_id: int) -> TriageDecision | None:
    """
    Sort a post by the enabled rules: categories, must-reply, priority, deadline,
    team and person, with the rules and guideline sections that required it.

    Idempotent: when the outcome is what the latest system decision said, nothing is
    written. A decision a person made (an override) is never replaced by the system.
    Returns the decision in force, or None for posts that are not triaged (ours, deleted).
    """
    with transaction.atomic():
        # Only the post is locked (of self): never the channel row that its deliveries share.
        post = Post.objects.select_for_update(of=("self",)).filter(pk=post_id).first()
        if post is None or post.is_ours or post.deleted_at is not None:
            return None
        tables = rulebook.tables()
        # Every decision sets triaged_at and only an edit clears it: a post never triaged
        # nor edited has no decision to compare with (one query fewer on most posts).
        seen = post.triaged_at is not None or post.edited_at is not None
        latest = post.decisions.order_by("-created_at", "-pk").first() if seen else None
        if latest is not None and latest.decided_by_id is not None:
            return latest
        decision = learned.current_triage().decide(
            PostInput(
                post.text,
                language=post.language,
                kind=post.kind,
                earlier_complaints=_earlier_complaints(post),
            )
        )
        # A post triage is unsure about waits like a must-reply post until a person decides.
        waits = decision.must_reply or decision.needs_look
        deadline = (
            deadline_for(post.published_at, rulebook.policy_for(post.channel_id, decision.priority)) if waits else None
        )
        theme = tables.themes.get(decision.theme) if decision.theme else None
        team = (
            routing.responsible_team(
                categories=decision.categories, channel=post.channel_id, theme=theme, rule_team=decision.team
            )
            if decision.categories
            else None
        )
        if decision.needs_look and team is None:
            # Whether it needs an answer is the communication unit's to decide.
            team = tables.team(FALLBACK_TEAM)
        outcome = {
            "categories": list(decision.categories),
            "must_reply": waits,
            "needs_look": decision.needs_look,
            "model": _model_part(decision),
            "priority": decision.priority,
            "sentiment": round(decision.sentiment, 4),
            "language": decision.language,
            "due_at": deadline.due_at if deadline else None,
            "deadline_rule": deadline.rule if deadline else "",
            "team_id": team.pk if team else None,
            "theme_id": theme.pk if theme else None,
            "reasons": [
                {
                    "rule": m.rule,
                    "rule_id": m.rule_id,
                    "claim_id": m.claim_id,
                    "category": m.category,
                    "words": list(m.words),
                    "guideline": m.guideline,
                }
                for m in decision.matches
            ],
        }
        if latest is not None and all(getattr(latest, name) == value for name, value in outcome.items()):
            return latest
        # Route to a person only when nobody holds the post yet: the one on duty when its
        # deadline clock runs (now, or when the next service hours open).
        picked, note = None, ""
        if post.assignee_id is None and team and waits:
            policy = rulebook.policy_for(post.channel_id, decision.priority)
            with translation.override(settings.LANGUAGE_CODE):
                pick = routing.person_for(team, deadlines.add_service_hours(timezone.now(), Decimal(0), policy))
                picked, note = pick.user, str(pick.note)
        record = TriageDecision.objects.create(
            post=post, assignee_id=picked.pk if picked else post.assignee_id, note=note, **outcome
        )
        _link_decision(
            record,
            rule_ids=[m.rule_id for m in decision.matches if m.rule_id],
            claim_ids=[m.claim_id for m in decision.matches if m.claim_id],
            guideline_ids=[
                tables.guidelines[m.guideline] for m in decision.matches if m.guideline in tables.guidelines
            ],
        )
        _apply_decision(post, record)
        Activity.objects.create(post=post, kind=Activity.Kind.TRIAGED, detail=", ".join(record.categories))
        kind = Kind.ASSIGNED
        if picked is not None and not picked.has_perm("inbox.change_post"):
            # Routed to an employee (say, customer service): a forward from the system, so
            # that it is theirs to answer or hand back, like any post forwarded to them.
            if not post.forwards.filter(ended_at__isnull=True).exists():
                Forward.objects.create(post=post, sent_by=None, to_user=picked, to_team=team, note="")
                Activity.objects.create(post=post, kind=Activity.Kind.FORWARDED, detail=display_name(picked))
            kind = Kind.FORWARDED
        if picked is not None:
            # In the decision's transaction: the assignment and telling about it commit together.
            notify_about(post, users=[picked], kind=kind)
    return record


def _model_part(decision) -> dict:
    """The model's part of a decision, as stored: its version, probabilities and the evidence shown to people."""
    part = decision.model
    if part is None:
        return {}
    return {
        "version": part.version,
        "probabilities": part.probabilities,
        "evidence": [{"feature": item.feature, "text": item.text, "weight": item.weight} for item in part.evidence],
    }


def triage_failed(*, post_id: int) -> TriageDecision | None:
    """
    Triage could not decide about the post, however often it was tried: put it before a
    person. A system decision without categories makes it must-reply with the default
    deadline, for the communication unit, saying why; a person's override settles it.
    Returns None when the post was triaged after all (or is not to be triaged).
    """
    with translation.override(settings.LANGUAGE_CODE):
        why = str(TRIAGE_FAILED)
    with transaction.atomic():
        post = (
            Post.objects.select_for_update(of=("self",))
            .select_related("channel")
            .filter(pk=post_id, triaged_at__isnull=True)
            .first()
        )
        if post is None or post.is_ours or post.deleted_at is not None:
            return None
        deadline = deadline_for(post.published_at, rulebook.policy_for(post.channel, Priority.NORMAL))
        team = Team.objects.filter(slug=FALLBACK_TEAM).first()
        record = TriageDecision.objects.create(
            post=post,
            categories=[],
            must_reply=True,
            priority=Priority.NORMAL,
            language=post.language,
            due_at=deadline.due_at,
            deadline_rule=deadline.rule,
            team=team,
            reasons=[{"rule": why, "rule_id": None, "claim_id": None, "category": "", "words": []}],
            note=why,
        )
        _apply_decision(post, record)
        Activity.objects.create(post=post, kind=Activity.Kind.TRIAGED, detail=why)
        notify_about(post, users=communication_unit_members(), kind=Kind.ASSIGNED, text=why)
    logger.error("post %s could not be triaged after its attempts; put before the communication unit", post_id)
    return record


def override_triage(
    *, post: Post, user, categories: list[str], must_reply: bool, priority: str, note: str = ""
) -> TriageDecision:
    """A person's decision about a post: a new decision with its author; the history stays."""
    deadline = deadline_for(post.published_at, rulebook.policy_for(post.channel, priority)) if must_reply else None
    with transaction.atomic():
        post = Post.objects.select_for_update().get(pk=post.pk)
        latest = post.decisions.order_by("-created_at", "-pk").first()
        record = TriageDecision.objects.create(
            post=post,
            decided_by=user,
            categories=list(categories),
            must_reply=must_reply,
            priority=priority,
            sentiment=latest.sentiment if latest else None,
            language=post.language or (latest.language if latest else ""),
            due_at=deadline.due_at if deadline else None,
            deadline_rule=deadline.rule if deadline else "",
            team=post.team,
            assignee=post.assignee,
            note=note,
        )
        _apply_decision(post, record)
        Activity.objects.create(post=post, actor=user, kind=Activity.Kind.OVERRIDDEN, detail=note)
        labels.label_override(post, user=user, categories=list(categories), must_reply=must_reply)
    return record


def _apply_decision(post: Post, record: TriageDecision) -> None:
    post.categories = record.categories
    post.must_reply = record.must_reply
    # A person's decision settles whether the post needs an answer.
    post.needs_look = record.needs_look and record.decided_by_id is None
    post.priority = record.priority
    post.due_at = record.due_at
    if record.team_id is not None or post.team_id is None:
        post.team_id = record.team_id
    if record.assignee_id is not None:
        post.assignee_id = record.assignee_id
    if not post.language:
        post.language = record.language
    if record.decided_by_id is None:
        post.theme_id = record.theme_id
    if post.status == Post.Status.NEW:
        post.status = Post.Status.OPEN
    # A deadline moved later (an override) may no longer be breached.
    if post.breached_at and (post.due_at is None or post.due_at > timezone.now()):
        post.breached_at = None
    post.triaged_at = timezone.now()
    post.save(
        update_fields=[
            "categories",
            "must_reply",
            "needs_look",
            "priority",
            "due_at",
            "team",
            "assignee",
            "language",
            "status",
            "breached_at",
            "theme",
            "triaged_at",
        ]
    )


def _link_decision(record: TriageDecision, *, rule_ids, claim_ids, guideline_ids) -> None:
    """The many-to-many links of a new decision, one insert each (a new row has none to compare with)."""
    for relation, ids, column in (
        (TriageDecision.rules, rule_ids, "replyrule_id"),
        (TriageDecision.claims, claim_ids, "knownclaim_id"),
        (TriageDecision.guidelines, guideline_ids, "guideline_id"),
    ):
        through = relation.through
        unique = list(dict.fromkeys(ids))
        if unique:
            through.objects.bulk_create([through(triagedecision_id=record.pk, **{column: pk}) for pk in unique])


def _earlier_complaints(post: Post) -> int:
    if post.author_id is None:
        return 0
    earlier = (
        Post.objects.filter(author_id=post.author_id, published_at__lt=post.published_at, must_reply=True)
        .order_by("-published_at")
        .values_list("categories", flat=True)[:50]
    )
    return sum(1 for categories in earlier if "dissatisfied_customer" in (categories or []))


def retriage_open_posts() -> int:
    """After the rules changed: triage again every open post whose latest decision is the system's."""
    open_posts = Post.objects.filter(
        is_ours=False, deleted_at__isnull=True, status__in=[Post.Status.NEW, Post.Status.OPEN]
    ).exclude(decisions__decided_by__isnull=False)
    ids = list(open_posts.values_list("pk", flat=True))
    for post_id in ids:
        enqueue_on_commit(tasks.retriage_post_task, post_id)
    return len(ids)
