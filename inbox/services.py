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
from django.db.models import F, Q
from django.utils import timezone

from strategy.models import Channel

from .connectors import facebook, generic, x
from .connectors.base import AccountBatch, AuthorData, PayloadError, PostEvent
from .models import Author, Post, WebhookDelivery

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


def record_delivery(*, source: str, body: bytes, headers) -> WebhookDelivery:
    """
    Store an authentic delivery as received and have it processed after commit.

    A body that is not even JSON is stored as failed with the reason, so that it can be
    read in the admin; the caller still answers 200, since a retry would not mend it.
    """
    kept = {name: headers[name] for name in KEPT_HEADERS if name in headers}
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

    def send() -> None:
        # The delivery is stored: if the broker is down, the sweep sends it later.
        try:
            process_delivery_task.delay(delivery_id)
        except Exception:
            logger.exception("could not enqueue delivery %s; the sweep will retry it", delivery_id)

    transaction.on_commit(send)


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
        channel = Channel.objects.filter(platform=delivery.source, external_id=batch.account_id, is_active=True).first()
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
        _create_post(
            channel,
            event,
            delivery,
            author=author,
            received_at=now,
            edited_at=(event.edited_at or now) if event.edited else None,
        )
        return "created"
    if post.deleted_at is not None:
        return "unchanged"
    if event.edited and event.text != post.text:
        post.text = event.text
        post.edited_at = event.edited_at or now
        post.save(update_fields=["text", "edited_at"])
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
    siblings.filter(Q(thread_external_id=post.external_id) | Q(parent=post), thread_root__isnull=True).exclude(
        pk=post.pk
    ).update(thread_root_id=root_pk)

    # Our own reply answers its parent, wherever it was written.
    if post.is_ours and post.parent_id:
        Post.objects.filter(pk=post.parent_id, first_response_at__isnull=True).update(
            first_response_at=post.published_at
        )
    if not post.is_ours:
        first_reply = (
            siblings.filter(parent=post, is_ours=True).order_by("published_at").values_list("published_at", flat=True)
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
