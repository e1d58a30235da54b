"""
Writes that span the inbox's models: storing deliveries and turning them into
authors and posts. Every source (webhooks, the YouTube poller, the API, CSV) ends
in `process_delivery`, which is idempotent: running it again changes nothing.
"""

import json
import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from strategy.models import Channel, Theme

from .connectors import facebook, generic, x, youtube
from .connectors.base import AccountBatch, AuthorData, PayloadError, PostEvent
from .models import (
    Activity,
    Author,
    Forward,
    Notification,
    NotificationPreference,
    Post,
    TriageDecision,
    WebhookDelivery,
)

logger = logging.getLogger(__name__)

# The headers worth keeping with a delivery: what signed it, what sent it.
KEPT_HEADERS = (
    "Content-Type",
    "Content-Length",
    "User-Agent",
    "X-Forwarded-For",
    facebook.SIGNATURE_HEADER,
    *x.SIGNATURE_HEADERS,
)

# source -> parser of the raw body into per-account batches of events.
PARSERS: dict[str, Callable[[bytes], list[AccountBatch]]] = {
    WebhookDelivery.Source.FACEBOOK: facebook.parse,
    WebhookDelivery.Source.X: x.parse,
    WebhookDelivery.Source.API: generic.parse,
    WebhookDelivery.Source.CSV: generic.parse,
    WebhookDelivery.Source.YOUTUBE: youtube.parse,
}
# Sources that name our channel by its id instead of the platform's account id.
SOURCES_BY_CHANNEL_ID = {WebhookDelivery.Source.API, WebhookDelivery.Source.CSV}


@dataclass
class IngestCounts:
    created: int = 0
    updated: int = 0
    unchanged: int = 0

    def add(self, outcome: str) -> None:
        setattr(self, outcome, getattr(self, outcome) + 1)


def kept_headers(headers) -> dict:
    """The headers of a request worth storing with its delivery."""
    return {name: headers[name] for name in KEPT_HEADERS if name in headers}


def record_delivery(*, source: str, body: bytes, headers) -> WebhookDelivery:
    """
    Store an authentic delivery as received and have it processed after commit.

    A body that is not even JSON is stored as failed with the reason, so that it can be
    read in the admin; the caller still answers 200, since a retry would not mend it.
    """
    kept = kept_headers(headers)
    try:
        json.loads(body)
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        logger.warning("%s delivery is signed but not JSON: %s", source, exc)
        return WebhookDelivery.objects.create(
            source=source,
            body=body,
            headers=kept,
            status=WebhookDelivery.Status.FAILED,
            error=f"Not JSON: {exc}",
            processed_at=timezone.now(),
        )
    delivery = WebhookDelivery.objects.create(source=source, body=body, headers=kept)
    enqueue_delivery(delivery.pk)
    return delivery


def enqueue_delivery(delivery_id: int) -> None:
    """Process the delivery once the transaction that stored it commits."""
    from .tasks import process_delivery_task

    # The delivery is stored: if the broker is down, the sweep sends it later.
    transaction.on_commit(lambda: send_after_commit(process_delivery_task, delivery_id))


def process_delivery(*, delivery_id: int) -> WebhookDelivery | None:
    """
    Parse a stored delivery and upsert its authors and posts.

    Counts an attempt first, so that a delivery that keeps failing is marked failed
    after INBOX_DELIVERY_MAX_ATTEMPTS instead of being retried forever. Returns None
    when the delivery is no longer pending (another worker got to it first).
    """
    claimed = WebhookDelivery.objects.filter(pk=delivery_id, status=WebhookDelivery.Status.PENDING).update(
        attempts=F("attempts") + 1
    )
    if not claimed:
        return None
    delivery = WebhookDelivery.objects.get(pk=delivery_id)
    parser = PARSERS.get(delivery.source)
    try:
        if parser is None:
            raise PayloadError(f"no parser for source {delivery.source!r}")
        batches = parser(bytes(delivery.body))
    except PayloadError as exc:
        return _finish(delivery, WebhookDelivery.Status.FAILED, error=str(exc))
    try:
        with transaction.atomic():
            counts, notes = _ingest_batches(delivery, batches)
    except Exception as exc:
        if delivery.attempts >= settings.INBOX_DELIVERY_MAX_ATTEMPTS:
            logger.exception("delivery %s failed for the last time", delivery_id)
            return _finish(delivery, WebhookDelivery.Status.FAILED, error=f"{type(exc).__name__}: {exc}")
        raise
    status = WebhookDelivery.Status.PROCESSED if counts is not None else WebhookDelivery.Status.IGNORED
    counts = counts or IngestCounts()
    return _finish(delivery, status, error="\n".join(notes), created=counts.created, updated=counts.updated)


def _finish(delivery: WebhookDelivery, status: str, *, error: str = "", created: int = 0, updated: int = 0):
    delivery.status = status
    delivery.error = error
    delivery.processed_at = timezone.now()
    delivery.posts_created = created
    delivery.posts_updated = updated
    delivery.save(update_fields=["status", "error", "processed_at", "posts_created", "posts_updated"])
    return delivery


def _ingest_batches(delivery: WebhookDelivery, batches: list[AccountBatch]) -> tuple[IngestCounts | None, list[str]]:
    """Ingest each batch into its channel; (None, reasons) when no batch matched a channel."""
    counts: IngestCounts | None = None
    notes: list[str] = []
    for batch in batches:
        notes.extend(batch.skipped)
        channel = find_channel(delivery.source, batch.account_id)
        if channel is None:
            notes.append(f"No active {delivery.source} channel has the id {batch.account_id}.")
            continue
        counts = counts or IngestCounts()
        for event in batch.events:
            counts.add(ingest_event(channel=channel, event=event, delivery=delivery))
    return counts, notes


def find_channel(source: str, account_id: str) -> Channel | None:
    """The active channel a batch is for: by our id (API, CSV) or by the platform's account id."""
    channels = Channel.objects.filter(is_active=True)
    if source in SOURCES_BY_CHANNEL_ID:
        return channels.filter(pk=int(account_id)).first() if account_id.isdigit() else None
    return channels.filter(platform=source, external_id=account_id).first()


def ingest_event(*, channel: Channel, event: PostEvent, delivery: WebhookDelivery | None = None) -> str:
    """
    Apply one event to its post: "created", "updated" or "unchanged".

    An edit replaces the text; a delete sets the tombstone, and nothing brings a
    deleted post back; an event that arrives twice changes nothing the second time.
    """
    now = timezone.now()
    post = Post.objects.select_for_update().filter(channel=channel, external_id=event.external_id).first()
    if event.action == "delete":
        if post is None:
            # Deleted before we saw it: keep the tombstone so that a late add stays deleted.
            _create_post(channel, event, delivery, deleted_at=now, received_at=now)
            return "created"
        if post.deleted_at is not None:
            return "unchanged"
        post.deleted_at = now
        post.save(update_fields=["deleted_at"])
        return "updated"

    if post is None:
        author = upsert_author(channel.platform, event.author, event.published_at or now)
        post = _create_post(
            channel,
            event,
            delivery,
            author=author,
            received_at=now,
            edited_at=(event.edited_at or now) if event.edited else None,
        )
        enqueue_triage(post)
        return "created"
    if post.deleted_at is not None:
        return "unchanged"
    if event.edited and event.text != post.text:
        post.text = event.text
        post.edited_at = event.edited_at or now
        post.save(update_fields=["text", "edited_at"])
        enqueue_triage(post)  # the new text may need another answer
        return "updated"
    return "unchanged"


def upsert_author(platform: str, data: AuthorData | None, seen_at: datetime) -> Author | None:
    if data is None or not data.external_id:
        return None
    author, created = Author.objects.get_or_create(
        platform=platform,
        external_id=data.external_id,
        defaults={"name": data.name, "handle": data.handle, "first_seen_at": seen_at, "last_seen_at": seen_at},
    )
    if created:
        return author
    # Keep what we knew when a platform leaves a field out (Facebook's from.name may be missing).
    changes = {
        "name": data.name or author.name,
        "handle": data.handle or author.handle,
        "last_seen_at": max(author.last_seen_at, seen_at),
        "first_seen_at": min(author.first_seen_at, seen_at),
    }
    changed = [name for name, value in changes.items() if getattr(author, name) != value]
    if changed:
        for name in changed:
            setattr(author, name, changes[name])
        author.save(update_fields=changed)
    return author


def _create_post(channel: Channel, event: PostEvent, delivery, **fields) -> Post:
    published_at = event.published_at or (delivery.received_at if delivery else timezone.now())
    post, created = Post.objects.get_or_create(
        channel=channel,
        external_id=event.external_id,
        defaults={
            "kind": event.kind,
            "is_ours": event.is_ours,
            "text": event.text,
            "language": event.language,
            "url": event.url,
            "published_at": published_at,
            "parent_external_id": event.parent_external_id,
            "thread_external_id": event.thread_external_id,
            "raw": event.raw,
            "delivery": delivery,
            **fields,
        },
    )
    if created:
        _link_thread(post)
    return post


def _link_thread(post: Post) -> None:
    """Link the post to its parent and thread, and link what arrived before it to it."""
    siblings = Post.objects.filter(channel_id=post.channel_id)
    updates = {}
    if post.parent_external_id:
        parent = siblings.filter(external_id=post.parent_external_id).first()
        if parent is not None:
            updates["parent"] = parent
            updates["thread_root_id"] = parent.thread_root_id or parent.pk
            if not post.thread_external_id:
                updates["thread_external_id"] = parent.thread_external_id or parent.external_id
        elif not post.thread_external_id:
            # On X we only know the tweet replied to; it stands in for the thread until it comes.
            updates["thread_external_id"] = post.parent_external_id
    thread_id = updates.get("thread_external_id", post.thread_external_id)
    if "thread_root_id" not in updates and thread_id and thread_id != post.external_id:
        root = siblings.filter(external_id=thread_id).only("pk").first()
        if root is not None:
            updates["thread_root_id"] = root.pk
    if updates:
        for name, value in updates.items():
            setattr(post, name, value)
        siblings.filter(pk=post.pk).update(**updates)

    # Replies and thread posts that arrived first.
    siblings.filter(parent_external_id=post.external_id, parent__isnull=True).update(parent=post)
    root_pk = post.thread_root_id or post.pk
    # Two updates, not one with OR: each uses its own index (SQLite would scan the channel otherwise).
    siblings.filter(thread_external_id=post.external_id, thread_root__isnull=True).exclude(pk=post.pk).update(
        thread_root_id=root_pk
    )
    Post.objects.filter(parent=post, thread_root__isnull=True).update(thread_root_id=root_pk)

    # Our own reply answers its parent, wherever it was written.
    if post.is_ours and post.parent_id:
        Post.objects.filter(pk=post.parent_id, first_response_at__isnull=True).update(
            first_response_at=post.published_at
        )
    if not post.is_ours:
        first_reply = (
            Post.objects.filter(parent=post, is_ours=True)
            .order_by("published_at")
            .values_list("published_at", flat=True)
        ).first()
        if first_reply is not None:
            Post.objects.filter(pk=post.pk, first_response_at__isnull=True).update(first_response_at=first_reply)


def requeue_stale_deliveries(*, older_than: timedelta | None = None) -> dict:
    """
    The broker-down path: send again the deliveries left pending, and give up on
    those that have used their attempts. Returns how many of each.
    """
    from .tasks import process_delivery_task

    older_than = older_than or timedelta(seconds=settings.INBOX_DELIVERY_STALE_SECONDS)
    cutoff = timezone.now() - older_than
    stale = WebhookDelivery.objects.filter(status=WebhookDelivery.Status.PENDING, received_at__lt=cutoff)
    exhausted = stale.filter(attempts__gte=settings.INBOX_DELIVERY_MAX_ATTEMPTS).update(
        status=WebhookDelivery.Status.FAILED,
        error="Gave up after the maximum number of attempts; retry it from the admin.",
        processed_at=timezone.now(),
    )
    requeued = 0
    for delivery_id in stale.values_list("pk", flat=True).order_by("received_at")[:1000]:
        process_delivery_task.delay(delivery_id)
        requeued += 1
    if requeued or exhausted:
        logger.info("delivery sweep: %s sent again, %s given up", requeued, exhausted)
    return {"requeued": requeued, "failed": exhausted}


def retry_deliveries(*, delivery_ids: list[int]) -> int:
    """Put failed or ignored deliveries back in the queue with fresh attempts (an admin action)."""
    with transaction.atomic():
        count = (
            WebhookDelivery.objects.filter(pk__in=delivery_ids)
            .exclude(status=WebhookDelivery.Status.PROCESSED)
            .update(status=WebhookDelivery.Status.PENDING, attempts=0, error="", processed_at=None)
        )
        for delivery_id in delivery_ids:
            enqueue_delivery(delivery_id)
    return count


def ingest_api_post(*, body: bytes, headers) -> tuple[Post, bool]:
    """
    Store one post of the generic format sent to the REST API and process it at once.

    The API's client waits for its answer, so the delivery is processed in the request,
    through `process_delivery` like every other source; it is stored (and committed)
    first, so that a failure in processing leaves it pending for the sweep. Returns the
    post and whether this delivery created it: a repeat of the same (channel,
    external_id) returns the post as stored and changes nothing. Raises PayloadError
    with the delivery's reason when it made no post (say, its channel was deactivated
    since the caller validated it).
    """
    kept = kept_headers(headers)
    delivery = WebhookDelivery.objects.create(source=WebhookDelivery.Source.API, body=body, headers=kept)
    delivery = process_delivery(delivery_id=delivery.pk)
    if delivery is None or delivery.status != WebhookDelivery.Status.PROCESSED:
        raise PayloadError(delivery.error if delivery else "the delivery was processed elsewhere")
    channel_id, event = generic.parse_post(json.loads(body))
    post = Post.objects.select_related("author").get(channel_id=int(channel_id), external_id=event.external_id)
    # A post keeps the delivery that first brought it: this one only when it made the
    # post, which stays true when two identical requests race.
    return post, post.delivery_id == delivery.pk


# --- Triage -------------------------------------------------------------------------


def enqueue_triage(post: Post) -> None:
    """Triage an incoming post once the transaction that stored it commits."""
    if post.is_ours or post.deleted_at is not None:
        return
    from .tasks import triage_post_task

    # The post is stored: if the broker is down, "Re-triage open posts" or its next edit triages it.
    post_id = post.pk
    transaction.on_commit(lambda: send_after_commit(triage_post_task, post_id))


def triage_post(*, post_id: int) -> TriageDecision | None:
    """
    Sort a post by the enabled rules: categories, must-reply, priority, deadline,
    team and person, with the rules and guideline sections that required it.

    Idempotent: when the outcome is what the latest system decision said, nothing is
    written. A decision a person made (an override) is never replaced by the system.
    Returns the decision in force, or None for posts that are not triaged (ours, deleted).
    """
    from . import routing, rulebook
    from .deadlines import due_at as deadline_for
    from .triage import PostInput

    with transaction.atomic():
        post = Post.objects.select_for_update().select_related("channel").filter(pk=post_id).first()
        if post is None or post.is_ours or post.deleted_at is not None:
            return None
        latest = post.decisions.order_by("-created_at", "-pk").first()
        if latest is not None and latest.decided_by_id is not None:
            return latest
        decision = rulebook.compiled_triage().decide(
            PostInput(
                post.text,
                language=post.language,
                kind=post.kind,
                earlier_complaints=_earlier_complaints(post),
            )
        )
        deadline = (
            deadline_for(post.published_at, rulebook.policy_for(post.channel, decision.priority))
            if decision.must_reply
            else None
        )
        theme = Theme.objects.filter(slug=decision.theme).first() if decision.theme else None
        team = (
            rulebook.responsible_team(
                categories=decision.categories, channel=post.channel, theme=theme, rule_team=decision.team
            )
            if decision.categories
            else None
        )
        outcome = {
            "categories": list(decision.categories),
            "must_reply": decision.must_reply,
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
        # Route to a person only when nobody holds the post yet.
        picked = routing.pick_member(team) if post.assignee_id is None and team and decision.must_reply else None
        record = TriageDecision.objects.create(post=post, assignee=picked or post.assignee, **outcome)
        _link_decision(
            record,
            rule_ids=[m.rule_id for m in decision.matches if m.rule_id],
            claim_ids=[m.claim_id for m in decision.matches if m.claim_id],
            guideline_ids=_guideline_ids([m.guideline for m in decision.matches]),
        )
        _apply_decision(post, record)
        Activity.objects.create(post=post, kind=Activity.Kind.TRIAGED, detail=", ".join(record.categories))
        kind = Notification.Kind.ASSIGNED
        if picked is not None and not picked.has_perm("inbox.change_post"):
            # Routed to an employee (say, customer service): a forward from the system, so
            # that it is theirs to answer or hand back, like any post forwarded to them.
            if not post.forwards.filter(ended_at__isnull=True).exists():
                Forward.objects.create(post=post, sent_by=None, to_user=picked, to_team=team, note="")
                Activity.objects.create(post=post, kind=Activity.Kind.FORWARDED, detail=display_name(picked))
            kind = Notification.Kind.FORWARDED
    if picked is not None:
        notify(users=[picked], kind=kind, post=post)
    return record


def override_triage(
    *, post: Post, user, categories: list[str], must_reply: bool, priority: str, note: str = ""
) -> TriageDecision:
    """A person's decision about a post: a new decision with its author; the history stays."""
    from . import rulebook
    from .deadlines import due_at as deadline_for

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
    return record


def _apply_decision(post: Post, record: TriageDecision) -> None:
    post.categories = record.categories
    post.must_reply = record.must_reply
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


def _guideline_ids(slugs: list[str]) -> list[int]:
    from strategy.models import Guideline

    slugs = [slug for slug in set(slugs) if slug]
    return list(Guideline.objects.filter(slug__in=slugs).values_list("pk", flat=True)) if slugs else []


def retriage_open_posts() -> int:
    """After the rules changed: triage again every open post whose latest decision is the system's."""
    from .tasks import triage_post_task

    open_posts = Post.objects.filter(
        is_ours=False, deleted_at__isnull=True, status__in=[Post.Status.NEW, Post.Status.OPEN]
    ).exclude(decisions__decided_by__isnull=False)
    ids = list(open_posts.values_list("pk", flat=True))
    for post_id in ids:
        transaction.on_commit(lambda post_id=post_id: send_after_commit(triage_post_task, post_id))
    return len(ids)


# --- Deadlines and notifications ------------------------------------------------------


def sweep_deadlines(*, now: datetime | None = None) -> dict:
    """
    Every minute (beat): mark the posts past their deadline without a first response
    as breached, exactly once (a conditional update), and tell the assignee, the team
    lead and the communication unit; warn 30 minutes before a deadline. Reads only the
    open must-reply posts, through their partial index.
    """
    now = now or timezone.now()
    open_posts = Post.objects.filter(
        must_reply=True,
        first_response_at__isnull=True,
        breached_at__isnull=True,
        deleted_at__isnull=True,
        is_ours=False,
        status__in=[Post.Status.NEW, Post.Status.OPEN],
    )
    breached = 0
    for post_id in open_posts.filter(due_at__lt=now).values_list("pk", flat=True)[:5000]:
        if Post.objects.filter(
            pk=post_id,
            breached_at__isnull=True,
            first_response_at__isnull=True,
            status__in=[Post.Status.NEW, Post.Status.OPEN],
        ).update(breached_at=now):
            breached += 1
            post = Post.objects.select_related("assignee", "team").get(pk=post_id)
            notify(users=_breach_recipients(post), kind=Notification.Kind.BREACH, post=post)
    warned = 0
    soon = now + timedelta(minutes=settings.INBOX_DUE_SOON_MINUTES)
    for post_id in open_posts.filter(due_at__gte=now, due_at__lt=soon, warned_at__isnull=True).values_list(
        "pk", flat=True
    )[:5000]:
        if Post.objects.filter(pk=post_id, warned_at__isnull=True).update(warned_at=now):
            warned += 1
            post = Post.objects.select_related("assignee", "team").get(pk=post_id)
            notify(users=_warning_recipients(post), kind=Notification.Kind.DUE_SOON, post=post)
    if breached or warned:
        logger.info("deadline sweep: %s breached, %s warned", breached, warned)
    return {"breached": breached, "warned": warned}


def communication_unit_members() -> list:
    """Who the communication unit is: its team's members, else the members of its role."""
    from django.contrib.auth import get_user_model

    from strategy.models import Team

    team = Team.objects.filter(slug="communication-unit").first()
    members = list(team.members.filter(is_active=True)) if team else []
    if members:
        return members
    return list(get_user_model().objects.filter(groups__name="communication_unit", is_active=True))


def _team_leads(post: Post):
    if post.team_id is None:
        return []
    return [m.user for m in post.team.memberships.select_related("user").filter(is_lead=True, user__is_active=True)]


def _breach_recipients(post: Post) -> list:
    users = [post.assignee] if post.assignee else []
    users += _team_leads(post) + communication_unit_members()
    return list({user.pk: user for user in users}.values())


def _warning_recipients(post: Post) -> list:
    if post.assignee:
        return [post.assignee]
    if post.team_id:
        return list(post.team.members.filter(is_active=True)) or communication_unit_members()
    return communication_unit_members()


def notify(*, users, kind: str, post: Post | None = None, text: str = "") -> int:
    """In-app notifications for these users, emailed after commit to those who want it; a breach or warning once."""
    from .tasks import email_notification_task

    created = 0
    for user in users:
        if user is None:
            continue
        if kind in (Notification.Kind.BREACH, Notification.Kind.DUE_SOON):
            notification, made = Notification.objects.get_or_create(
                user=user, kind=kind, post=post, defaults={"text": text}
            )
        else:
            notification, made = Notification.objects.create(user=user, kind=kind, post=post, text=text), True
        if made:
            created += 1
            if user.email and NotificationPreference.emails(user, kind):
                transaction.on_commit(lambda pk=notification.pk: send_after_commit(email_notification_task, pk))
    return created


def display_name(user) -> str:
    """A person as colleagues know them: the full name, else the username."""
    return user.get_full_name() or user.get_username()


def send_after_commit(task, *args) -> None:
    """Enqueue a task from an on-commit callback: what it works on is stored, so a broker
    that is down is logged, never raised into the request that already committed."""
    try:
        task.delay(*args)
    except Exception:
        logger.exception("could not enqueue %s%r", task.name, args)
