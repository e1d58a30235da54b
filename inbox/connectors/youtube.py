"""
YouTube Data API v3: comment threads and replies, and replying to them.
Formats: ../shared/PLATFORMS.md.

YouTube pushes nothing: the poller (inbox.polling) fetches pages and stores each as
a delivery. A page is stored in an envelope that names the channel it was fetched
for and, for a page of replies, the thread and video they belong to, since
`comments.list` repeats neither:

    {"kind": "socialstrategy#youtubePage", "channelId": "UC...",
     "resource": "commentThreads" | "comments",
     "parentId": "<thread id>", "videoId": "<video id>",    (comments pages only)
     "response": <the API's answer, byte for byte>}
"""

import json
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING
from urllib.parse import urlencode

from django.conf import settings
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext_lazy as _

from .base import (
    AccountBatch,
    AuthorData,
    PayloadError,
    PostEvent,
    SendError,
    SendResult,
    id_of,
    load_json,
    post_json,
    require_token,
    text_of,
)
from .fields import MAX_NAME_LENGTH, cut, get_id, get_list, get_name, get_object, get_text, refuse, sane_time

if TYPE_CHECKING:
    from inbox.models import Post
    from strategy.models import Channel

ENVELOPE_KIND = "socialstrategy#youtubePage"
# Why `publish` always fails; inbox.sending refuses with it in the sandbox too.
PUBLISH_UNSUPPORTED = _(
    "YouTube has no API for publishing a text post: publish it in YouTube Studio. "
    "Only replies to comments can be sent from here."
)
THREADS = "commentThreads"
COMMENTS = "comments"


def envelope(*, channel_id: str, resource: str, response_body: bytes, parent_id: str = "", video_id: str = "") -> bytes:
    """Wrap a page as the API answered it; `response_body` must be JSON (the poller checks)."""
    head = {"kind": ENVELOPE_KIND, "channelId": channel_id, "resource": resource}
    if parent_id:
        head["parentId"] = parent_id
    if video_id:
        head["videoId"] = video_id
    # Spliced in, not re-serialised: the stored delivery keeps the API's exact bytes.
    return json.dumps(head)[:-1].encode() + b', "response": ' + response_body.strip() + b"}"


def parse(body: bytes) -> list[AccountBatch]:
    payload = load_json(body)
    if not isinstance(payload, dict) or payload.get("kind") != ENVELOPE_KIND:
        raise PayloadError(f'expected the poller\'s envelope {{"kind": "{ENVELOPE_KIND}", ...}}')
    channel_id = get_id(payload, "channelId", "")
    if not channel_id:
        raise PayloadError("channelId: expected our channel's id (UC...)")
    response = get_object(payload, "response", "", required=True)
    items = get_list(response, "items", "response")

    batch = AccountBatch(account_id=channel_id)
    resource = payload.get("resource")
    if resource == THREADS:
        for index, item in enumerate(items):
            _parse_thread(batch, item, f"response.items[{index}]")
    elif resource == COMMENTS:
        thread_id = get_id(payload, "parentId", "")
        if not thread_id:
            raise PayloadError("parentId: a page of replies needs the id of its thread")
        video_id = get_id(payload, "videoId", "")
        for index, item in enumerate(items):
            batch.events.append(
                _comment_event(batch, item, f"response.items[{index}]", "reply", thread_id=thread_id, video_id=video_id)
            )
    else:
        raise PayloadError(f"resource: expected {THREADS!r} or {COMMENTS!r}, not {resource!r}")
    return [batch]


def _parse_thread(batch: AccountBatch, item, where: str) -> None:
    if not isinstance(item, dict):
        raise refuse(where, "a comment thread", item)
    thread_id = get_id(item, "id", where, required=True)
    snippet = get_object(item, "snippet", where, required=True)
    top = get_object(snippet, "topLevelComment", f"{where}.snippet", required=True)
    video_id = get_id(snippet, "videoId", f"{where}.snippet")
    batch.events.append(
        _comment_event(
            batch, top, f"{where}.snippet.topLevelComment", "comment", thread_id=thread_id, video_id=video_id
        )
    )
    replies = get_object(item, "replies", where)
    for index, reply in enumerate(get_list(replies, "comments", f"{where}.replies")):
        batch.events.append(
            _comment_event(
                batch, reply, f"{where}.replies.comments[{index}]", "reply", thread_id=thread_id, video_id=video_id
            )
        )


def _comment_event(batch: AccountBatch, comment, where: str, kind: str, *, thread_id: str, video_id: str) -> PostEvent:
    if not isinstance(comment, dict):
        raise refuse(where, "a comment", comment)
    comment_id = get_id(comment, "id", where, required=True)
    snippet = get_object(comment, "snippet", where, required=True)
    at_snippet = f"{where}.snippet"

    published = _timestamp(snippet.get("publishedAt"), f"{at_snippet}.publishedAt")
    updated = _timestamp(snippet.get("updatedAt"), f"{at_snippet}.updatedAt")
    edited = published is not None and updated is not None and updated > published
    if snippet.get("textOriginal") is None:
        # textDisplay is HTML (or, with textFormat=plainText, not what was written): never stored.
        batch.skipped.append(f"{at_snippet}.textOriginal: missing, so the text is left empty")
    text = get_text(snippet, "textOriginal", at_snippet)
    author = _author(snippet, at_snippet)
    # The thread's videoId is the reliable one; a comment's own is a fallback.
    video_id = video_id or get_id(snippet, "videoId", at_snippet)
    return PostEvent(
        external_id=comment_id,
        kind=kind,
        text=text,
        author=author,
        published_at=published,
        edited=edited,
        edited_at=updated if edited else None,
        parent_external_id=(get_id(snippet, "parentId", at_snippet) or thread_id) if kind == "reply" else "",
        thread_external_id=thread_id,
        url=f"https://www.youtube.com/watch?{urlencode({'v': video_id, 'lc': comment_id})}" if video_id else "",
        is_ours=author is not None and author.external_id == batch.account_id,
        raw=comment,
    )


def _author(snippet: dict, where: str) -> AuthorData | None:
    channel = get_object(snippet, "authorChannelId", where)
    author_id = get_id(channel, "value", f"{where}.authorChannelId")
    if not author_id:
        return None
    # The channel URL ends in /@handle for channels that chose one, /channel/UC... otherwise.
    channel_url = get_text(snippet, "authorChannelUrl", where)
    handle = cut(channel_url.rsplit("/@", 1)[1].strip("/"), MAX_NAME_LENGTH) if "/@" in channel_url else ""
    return AuthorData(external_id=author_id, name=get_name(snippet, "authorDisplayName", where), handle=handle)


def _timestamp(value, where: str) -> datetime | None:
    if value in (None, ""):
        return None
    try:
        parsed = parse_datetime(value) if isinstance(value, str) else None
    except ValueError:  # well formed but impossible, like month 13
        parsed = None
    if parsed is None or parsed.tzinfo is None:
        raise PayloadError(f"{where}: {value!r} is not a time like 2026-05-13T08:00:00Z")
    return sane_time(parsed, where)


@dataclass(frozen=True)
class ThreadSummary:
    """What the poller needs to know of a thread on a page: how recent it is, whether replies are missing."""

    thread_id: str
    video_id: str
    latest_activity: datetime | None
    missing_replies: bool


def thread_summaries(response: dict) -> list[ThreadSummary]:
    """
    The threads of a `commentThreads.list` answer, read leniently: what cannot be
    read here is reported by `parse` when the stored page is processed.
    """
    items = response.get("items")
    summaries = []
    for item in items if isinstance(items, list) else []:
        if not isinstance(item, dict) or not id_of(item.get("id")) or not isinstance(item.get("snippet"), dict):
            continue
        snippet = item["snippet"]
        replies = item.get("replies") if isinstance(item.get("replies"), dict) else {}
        comments = replies.get("comments") if isinstance(replies.get("comments"), list) else []
        times = [
            moment
            for comment in [snippet.get("topLevelComment"), *comments]
            for moment in _comment_times(comment)
            if moment is not None
        ]
        total = snippet.get("totalReplyCount")
        total = total if isinstance(total, int) and not isinstance(total, bool) else 0
        summaries.append(
            ThreadSummary(
                thread_id=id_of(item["id"]),
                video_id=text_of(snippet.get("videoId")),
                latest_activity=max(times, default=None),
                missing_replies=total > len(comments),
            )
        )
    return summaries


def _comment_times(comment) -> list[datetime | None]:
    snippet = comment.get("snippet") if isinstance(comment, dict) else None
    if not isinstance(snippet, dict):
        return []
    times = []
    for name in ("publishedAt", "updatedAt"):
        try:
            times.append(_timestamp(snippet.get(name), name))
        except PayloadError:
            times.append(None)
    return times


def send_reply(post: "Post", text: str) -> SendResult:
    """Answer in the post's thread: YouTube replies go to the thread (its top-level comment), never deeper."""
    thread_id = post.thread_external_id or post.parent_external_id or post.external_id
    token = require_token("YOUTUBE_OAUTH_ACCESS_TOKEN")
    answer = post_json(
        "YouTube",
        f"{settings.YOUTUBE_API_BASE_URL}/comments",
        token=token,
        params={"part": "snippet"},
        body={"snippet": {"parentId": thread_id, "textOriginal": text}},
    )
    return SendResult(external_id=id_of(answer.get("id")), response=answer)


def publish(channel: "Channel", text: str) -> SendResult:
    raise SendError(PUBLISH_UNSUPPORTED)
