"""
Deliveries: store what arrived, then claim and process it, once.

Every source (webhooks, the YouTube poller, the API, CSV) stores its raw delivery
first (`record_delivery`) and hands its id to the `ingest` queue after commit. A
worker claims it (`processing`, with a lease that expires), so one worker at a time
processes a delivery and a dead worker's delivery is taken up again. The sweep sends
again what the broker may have lost (pending for a while) and what a dead worker
held (the lease expired); a copy of the task that finds the delivery claimed or done
does nothing. Processing is idempotent: running it again changes nothing.
"""

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone

from socialstrategy.queueing import enqueue_on_commit, send_now

from ..connectors import facebook, generic, x, youtube
from ..connectors.base import AccountBatch, PayloadError, load_json
from ..models import Post, WebhookDelivery
from . import events, tasks

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

Status = WebhookDelivery.Status
UNFINISHED = (Status.PENDING, Status.PROCESSING)
GAVE_UP = "Gave up after the maximum number of attempts; retry it from the admin."
# Deliveries the sweep sends again per run: a backlog after an outage drains over a few runs.
SWEEP_BATCH = 500


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
        load_json(body)
    except PayloadError as exc:
        logger.warning("%s delivery is signed but cannot be read: %s", source, exc)
        return WebhookDelivery.objects.create(
            source=source,
            body=body,
            headers=kept,
            status=Status.FAILED,
            error=str(exc)[:1].upper() + str(exc)[1:],
            processed_at=timezone.now(),
        )
    now = timezone.now()
    delivery = WebhookDelivery.objects.create(source=source, body=body, headers=kept, received_at=now, sent_at=now)
    enqueue_delivery(delivery.pk)
    return delivery


def enqueue_delivery(delivery_id: int) -> None:
    """Process the delivery once the transaction that stored it commits."""
    enqueue_on_commit(tasks.process_delivery_task, delivery_id)


def lease_length() -> timedelta:
    """How long a claim holds: longer than the task may run, so a live worker never loses it."""
    return timedelta(seconds=settings.INBOX_DELIVERY_LEASE_SECONDS)


def claim(delivery_id: int, now: datetime | None = None) -> datetime | None:
    """
    Claim a delivery for this worker: pending, or held by a claim that expired. Counts
    an attempt. Returns the lease's end, or None when the delivery is not ours to
    process (claimed by a live worker, done, or gone). A delivery that has used its
    attempts (say, one that kills its worker every time) is marked failed instead.
    """
    now = now or timezone.now()
    claimable = WebhookDelivery.objects.filter(
        Q(status=Status.PENDING) | Q(status=Status.PROCESSING, lease_until__lt=now), pk=delivery_id
    )
    lease_until = now + lease_length()
    if claimable.filter(attempts__lt=settings.INBOX_DELIVERY_MAX_ATTEMPTS).update(
        status=Status.PROCESSING, lease_until=lease_until, attempts=F("attempts") + 1
    ):
        return lease_until
    if claimable.update(status=Status.FAILED, lease_until=None, error=GAVE_UP, processed_at=now):
        logger.error("delivery %s failed: it used its %s attempts", delivery_id, settings.INBOX_DELIVERY_MAX_ATTEMPTS)
    return None


def process_delivery(*, delivery_id: int) -> WebhookDelivery | None:
    """
    Claim a stored delivery, parse it and upsert its authors and posts.

    Returns None when the delivery was not ours to process (another worker holds it,
    or it is done). A parse error fails the delivery with the reason; an error while
    storing gives the claim back (pending) and is raised, so the task retries, until the
    attempts are used and the delivery is failed.
    """
    lease_until = claim(delivery_id)
    if lease_until is None:
        return None
    delivery = WebhookDelivery.objects.get(pk=delivery_id)
    parser = PARSERS.get(delivery.source)
    try:
        if parser is None:
            raise PayloadError(f"no parser for source {delivery.source!r}")
        batches = parser(bytes(delivery.body))
    except PayloadError as exc:
        return _finish(delivery, lease_until, Status.FAILED, error=str(exc))
    try:
        with transaction.atomic():
            counts, notes = _ingest_batches(delivery, batches)
            status = Status.PROCESSED if counts is not None else Status.IGNORED
            counts = counts or IngestCounts()
            # In the same transaction as the posts: done and its posts commit together.
            return _finish(
                delivery, lease_until, status, error="\n".join(notes), created=counts.created, updated=counts.updated
            )
    except Exception as exc:
        if delivery.attempts >= settings.INBOX_DELIVERY_MAX_ATTEMPTS:
            logger.exception("delivery %s failed for the last time", delivery_id)
            return _finish(delivery, lease_until, Status.FAILED, error=f"{type(exc).__name__}: {exc}")
        _give_back(delivery_id, lease_until)
        raise


def _finish(
    delivery: WebhookDelivery,
    lease_until: datetime,
    status: str,
    *,
    error: str = "",
    created: int = 0,
    updated: int = 0,
) -> WebhookDelivery:
    """Record the outcome, if our claim still holds (a claim that expired was taken over)."""
    delivery.status = status
    delivery.error = error
    delivery.processed_at = timezone.now()
    delivery.posts_created = created
    delivery.posts_updated = updated
    delivery.lease_until = None
    WebhookDelivery.objects.filter(pk=delivery.pk, status=Status.PROCESSING, lease_until=lease_until).update(
        status=status,
        error=error,
        processed_at=delivery.processed_at,
        posts_created=created,
        posts_updated=updated,
        lease_until=None,
    )
    return delivery


def _give_back(delivery_id: int, lease_until: datetime) -> None:
    """Make a delivery pending again after a failure the retry may mend; the lease covers a database away."""
    try:
        WebhookDelivery.objects.filter(pk=delivery_id, status=Status.PROCESSING, lease_until=lease_until).update(
            status=Status.PENDING, lease_until=None, sent_at=timezone.now()
        )
    except Exception:
        logger.warning("could not give delivery %s back; its claim expires at %s", delivery_id, lease_until)


def _ingest_batches(delivery: WebhookDelivery, batches: list[AccountBatch]) -> tuple[IngestCounts | None, list[str]]:
    """Ingest each batch into its channel; (None, reasons) when no batch matched a channel."""
    counts: IngestCounts | None = None
    notes: list[str] = []
    for batch in batches:
        notes.extend(batch.skipped)
        channel = events.find_channel(delivery.source, batch.account_id)
        if channel is None:
            notes.append(f"No active {delivery.source} channel has the id {batch.account_id}.")
            continue
        counts = counts or IngestCounts()
        for event in batch.events:
            counts.add(events.ingest_event(channel=channel, event=event, delivery=delivery))
    return counts, notes


def due_for_sweep(*, now: datetime):
    """The deliveries the sweep sends again: the rows of `delivery_unfinished_idx` whose message may be lost."""
    stale = now - timedelta(seconds=settings.INBOX_DELIVERY_STALE_SECONDS)
    lost = Q(status=Status.PENDING, received_at__lt=stale) & (Q(sent_at__isnull=True) | Q(sent_at__lt=stale))
    abandoned = Q(status=Status.PROCESSING, lease_until__lt=now)
    return WebhookDelivery.objects.filter(lost | abandoned, status__in=UNFINISHED)


def sweep_deliveries(*, now: datetime | None = None) -> dict:
    """
    Every minute (beat): send again the deliveries whose message may have been lost
    (pending, and last sent longer ago than INBOX_DELIVERY_STALE_SECONDS) and those a
    dead worker held (the claim expired); fail those that used their attempts. Reads
    only unfinished deliveries, through their partial index, and sends at most
    SWEEP_BATCH a run.
    """
    now = now or timezone.now()
    due = due_for_sweep(now=now)
    exhausted = due.filter(attempts__gte=settings.INBOX_DELIVERY_MAX_ATTEMPTS).update(
        status=Status.FAILED, lease_until=None, error=GAVE_UP, processed_at=now
    )
    ids = list(due.order_by("received_at").values_list("pk", flat=True)[:SWEEP_BATCH])
    WebhookDelivery.objects.filter(pk__in=ids).update(sent_at=now)
    requeued = sum(send_now(tasks.process_delivery_task, delivery_id) for delivery_id in ids)
    if requeued or exhausted:
        logger.info("delivery sweep: %s sent again, %s given up", requeued, exhausted)
    return {"requeued": requeued, "failed": exhausted}


def retry_deliveries(*, delivery_ids: list[int]) -> int:
    """Put failed or ignored deliveries back in the queue with fresh attempts (an admin action)."""
    with transaction.atomic():
        retried = list(
            WebhookDelivery.objects.filter(pk__in=delivery_ids)
            .exclude(status__in=[Status.PROCESSED, Status.PROCESSING])
            .values_list("pk", flat=True)
        )
        WebhookDelivery.objects.filter(pk__in=retried).update(
            status=Status.PENDING, attempts=0, error="", processed_at=None, lease_until=None, sent_at=timezone.now()
        )
        for delivery_id in retried:
            enqueue_delivery(delivery_id)
    return len(retried)


def ingest_api_post(*, body: bytes, headers) -> tuple[Post, bool]:
    """
    Store one post of the generic format sent to the REST API and process it at once.

    The API's client waits for its answer, so the delivery is processed in the request,
    through `process_delivery` like every other source; it is stored (and committed)
    first, so that a failure in processing leaves it for the sweep. Returns the post and
    whether this delivery created it: a repeat of the same (channel, external_id)
    returns the post as stored and changes nothing. Raises PayloadError with the
    delivery's reason when it made no post (say, its channel was deactivated since the
    caller validated it).
    """
    now = timezone.now()
    delivery = WebhookDelivery.objects.create(
        source=WebhookDelivery.Source.API, body=body, headers=kept_headers(headers), sent_at=now
    )
    delivery = process_delivery(delivery_id=delivery.pk)
    if delivery is None or delivery.status != Status.PROCESSED:
        raise PayloadError(delivery.error if delivery else "the delivery was processed elsewhere")
    channel_id, event = generic.parse_post(load_json(body))
    post = Post.objects.select_related("author").get(channel_id=int(channel_id), external_id=event.external_id)
    # A post keeps the delivery that first brought it: this one only when it made the
    # post, which stays true when two identical requests race.
    return post, post.delivery_id == delivery.pk
