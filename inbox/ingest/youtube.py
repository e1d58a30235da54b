"""
The YouTube poller. YouTube pushes no comments, so beat asks for them every
YOUTUBE_POLL_MINUTES: newest threads first (`order=time`), page after page until a
thread we have already seen, plus the replies a thread page left out.

Every page the API returns is stored as a WebhookDelivery(source="youtube"), in the
envelope of inbox.connectors.youtube, and ingested by `process_delivery` like any
webhook, so a page fetched twice makes no second post. What the poller keeps for
itself (high-water mark, quota, last error) is in YouTubePollState.
"""

import json
import logging
import re
from dataclasses import dataclass, field
from datetime import datetime
from zoneinfo import ZoneInfo

import requests
from django.conf import settings
from django.db.models import F
from django.utils import timezone

from socialstrategy.queueing import enqueue_on_commit
from strategy.models import Channel

from ..connectors import youtube
from ..models import WebhookDelivery, YouTubePollState
from . import deliveries, tasks

logger = logging.getLogger(__name__)

# The quota is counted per day in Oslo, where the people who read the count are.
QUOTA_ZONE = ZoneInfo("Europe/Oslo")
CONNECT_TIMEOUT = 5
READ_TIMEOUT = 15
# At most this many pages of one list per poll (100 threads or replies a page, 1 unit each):
# a channel that gets more between two polls is not ours to read in full, and a runaway
# page token must not spend the day's quota.
MAX_PAGES = 10
PAGE_SIZE = 100


@dataclass
class PollResult:
    """What one poll of one channel did; `status` is "polled", "skipped" or "failed"."""

    channel_id: int
    status: str
    reason: str = ""
    calls: int = 0
    delivery_ids: list[int] = field(default_factory=list)
    posts_created: int = 0
    posts_updated: int = 0


class PollFailed(Exception):
    """An API call that failed: the poll stops, records it and keeps its high-water mark."""


def enqueue_youtube_polls() -> int:
    """Beat's part: one poll task per active YouTube channel. Returns how many were sent."""
    if not settings.YOUTUBE_API_KEY:
        logger.info("YOUTUBE_API_KEY is not set: no YouTube channel is polled")
        return 0
    channel_ids = list(
        Channel.objects.filter(platform=Channel.Platform.YOUTUBE, is_active=True).values_list("pk", flat=True)
    )
    for channel_id in channel_ids:
        # A poll still queued when the next one is due would only repeat it: let it expire.
        enqueue_on_commit(tasks.poll_youtube_channel_task, channel_id, expires=settings.YOUTUBE_POLL_MINUTES * 60)
    return len(channel_ids)


def poll_youtube_channel(*, channel_id: int) -> PollResult:
    """
    Fetch the channel's new comment threads and replies, store each page and ingest it.

    The first poll reads one page (the newest 100 threads); later polls page until a
    thread whose latest activity is at or before the high-water mark. An API error
    (quota exceeded, 5xx, a timeout) ends the poll: it is recorded in `last_error`,
    the high-water mark stays where it was, so the next poll reads the same ground
    again, and nothing is raised, since beat will simply poll again.
    """
    channel = Channel.objects.filter(pk=channel_id).first()
    if channel is None or channel.platform != Channel.Platform.YOUTUBE or not channel.is_active:
        return _skip(channel_id, "not an active YouTube channel")
    if not settings.YOUTUBE_API_KEY:
        return _skip(channel_id, "YOUTUBE_API_KEY is not set")
    if not channel.external_id:
        return _skip(channel_id, f"{channel} has no YouTube channel id (UC...); set its platform id")

    state, _ = YouTubePollState.objects.get_or_create(channel=channel)
    result = PollResult(channel_id=channel_id, status="polled")
    try:
        newest = _poll(channel, state, result)
    except PollFailed as exc:
        result.status, result.reason = "failed", str(exc)
        YouTubePollState.objects.filter(pk=state.pk).update(last_polled_at=timezone.now(), last_error=result.reason)
    else:
        updates = {"last_polled_at": timezone.now(), "last_error": ""}
        if newest is not None and (state.high_water_mark is None or newest > state.high_water_mark):
            updates["high_water_mark"] = newest
        YouTubePollState.objects.filter(pk=state.pk).update(**updates)

    state.refresh_from_db(fields=["quota_used", "quota_day"])
    log = logger.warning if result.status == "failed" else logger.info
    log(
        "youtube poll of %s: %s%s; %s pages (%s quota units), %s quota units used on %s; %s posts created, %s updated",
        channel,
        result.status,
        f" ({result.reason})" if result.reason else "",
        len(result.delivery_ids),
        result.calls,
        state.quota_used,
        state.quota_day,
        result.posts_created,
        result.posts_updated,
    )
    return result


def _skip(channel_id: int, reason: str) -> PollResult:
    logger.info("youtube poll of channel %s skipped: %s", channel_id, reason)
    return PollResult(channel_id=channel_id, status="skipped", reason=reason)


def _poll(channel: Channel, state: YouTubePollState, result: PollResult) -> datetime | None:
    """Page through the threads; returns the latest activity seen in the threads that were new."""
    high_water_mark = state.high_water_mark
    newest: datetime | None = None
    page_token = ""
    for _page in range(MAX_PAGES):
        params = {
            "part": "snippet,replies",
            "allThreadsRelatedToChannelId": channel.external_id,
            "order": "time",
            "maxResults": PAGE_SIZE,
            "textFormat": "plainText",
        }
        if page_token:
            params["pageToken"] = page_token
        raw, response = _fetch(state, result, youtube.THREADS, params)
        _store_and_ingest(
            result, youtube.envelope(channel_id=channel.external_id, resource=youtube.THREADS, response_body=raw)
        )

        reached_known = False
        for thread in youtube.thread_summaries(response):
            latest = thread.latest_activity
            if latest is not None and high_water_mark is not None and latest <= high_water_mark:
                reached_known = True
                continue
            if latest is not None and (newest is None or latest > newest):
                newest = latest
            if thread.missing_replies:
                _poll_replies(channel, state, result, thread)

        page_token = response.get("nextPageToken")
        # The first poll stops after one page: the history before it is not the inbox's business.
        if high_water_mark is None or reached_known or not page_token or not isinstance(page_token, str):
            return newest
    logger.warning(
        "youtube poll of %s stopped after %s pages without reaching what it had seen; older threads were skipped",
        channel,
        MAX_PAGES,
    )
    return newest


def _poll_replies(channel: Channel, state: YouTubePollState, result: PollResult, thread) -> None:
    """All of a thread's replies, for a thread whose page came with only some of them."""
    page_token = ""
    for _page in range(MAX_PAGES):
        params = {"part": "snippet", "parentId": thread.thread_id, "maxResults": PAGE_SIZE, "textFormat": "plainText"}
        if page_token:
            params["pageToken"] = page_token
        raw, response = _fetch(state, result, youtube.COMMENTS, params)
        _store_and_ingest(
            result,
            youtube.envelope(
                channel_id=channel.external_id,
                resource=youtube.COMMENTS,
                response_body=raw,
                parent_id=thread.thread_id,
                video_id=thread.video_id,
            ),
        )
        page_token = response.get("nextPageToken")
        if not page_token or not isinstance(page_token, str):
            return


def _fetch(state: YouTubePollState, result: PollResult, resource: str, params: dict) -> tuple[bytes, dict]:
    """One API call, counted against the quota whatever its outcome: (raw body, parsed body) or PollFailed."""
    _count_quota_unit(state)
    result.calls += 1
    key = settings.YOUTUBE_API_KEY
    try:
        response = requests.get(
            f"{settings.YOUTUBE_API_BASE_URL.rstrip('/')}/{resource}",
            params={**params, "key": key},
            timeout=(CONNECT_TIMEOUT, READ_TIMEOUT),
        )
    except requests.Timeout as exc:
        raise PollFailed(f"{resource}: no answer in time ({type(exc).__name__})") from None
    except requests.RequestException as exc:
        # requests puts the URL, and so the API key, in its messages.
        raise PollFailed(f"{resource}: {_without_key(str(exc), key)}") from None
    if response.status_code >= 400:
        raise PollFailed(f"{resource}: HTTP {response.status_code} {_google_error(response)}".rstrip())
    try:
        data = json.loads(response.content)
    except (UnicodeDecodeError, json.JSONDecodeError):
        data = None
    if not isinstance(data, dict):
        raise PollFailed(f"{resource}: HTTP {response.status_code} but the answer is not a JSON object")
    return response.content, data


def _google_error(response: requests.Response) -> str:
    """`quotaExceeded: The request cannot be completed...` from Google's error body, else the status's reason."""
    try:
        error = response.json().get("error")
    except (ValueError, AttributeError):
        error = None
    if not isinstance(error, dict):
        return response.reason or ""
    errors = error.get("errors")
    reason = errors[0].get("reason") if isinstance(errors, list) and errors and isinstance(errors[0], dict) else None
    message = error.get("message") if isinstance(error.get("message"), str) else ""
    return f"{reason}: {message}" if isinstance(reason, str) and reason else message or (response.reason or "")


def _without_key(text: str, key: str) -> str:
    text = re.sub(r"([?&]key=)[^&\s)'\"]*", r"\1<hidden>", text)
    return text.replace(key, "<hidden>") if key else text


def _count_quota_unit(state: YouTubePollState) -> None:
    """One unit on today's count (Oslo's day), starting the count afresh when the day has changed."""
    today = timezone.localdate(timezone=QUOTA_ZONE)
    states = YouTubePollState.objects.filter(pk=state.pk)
    states.exclude(quota_day=today).update(quota_day=today, quota_used=0)
    # An F() increment: two polls of one channel at once must not lose a unit.
    states.update(quota_used=F("quota_used") + 1)


def _store_and_ingest(result: PollResult, body: bytes) -> None:
    # Ingested here, in the poll task, rather than sent to a task of its own: the pages of
    # one poll are then ingested in order (a thread before the replies fetched for it),
    # the result can say what the poll brought, and the high-water mark moves only once
    # what it covers is in. A page that cannot be ingested now stays pending, and the
    # delivery sweep sends it again like any webhook the broker lost.
    delivery = WebhookDelivery.objects.create(source=WebhookDelivery.Source.YOUTUBE, body=body, sent_at=timezone.now())
    result.delivery_ids.append(delivery.pk)
    try:
        processed = deliveries.process_delivery(delivery_id=delivery.pk)
    except Exception:
        logger.exception("youtube page %s could not be ingested now; the delivery sweep will retry it", delivery.pk)
        return
    if processed is not None:
        result.posts_created += processed.posts_created
        result.posts_updated += processed.posts_updated
