"""
The YouTube connector's parser, on pages in the Data API v3's format
(../shared/PLATFORMS.md) wrapped in the poller's envelope, and their ingestion.
The builders here are shared with test_polling.py.
"""

import json
from datetime import UTC, datetime

import pytest

from inbox.connectors import youtube
from inbox.connectors.base import AuthorData, PayloadError
from inbox.ingest import deliveries
from inbox.models import Author, Post, WebhookDelivery
from strategy.models import Channel
from tests.factories import ChannelFactory

CHANNEL_ID = "UCq3Ht0eDk2dPVk8hE7v1Wjw"
VIDEO_ID = "M7lc1UVf-VE"
KARI = ("UCkVfrGwV-iG9bSsgCbrNPxQ", "@karinordmann")
PER = ("UCmB2pPzkLq1d8DCxMq8hU7g", "@perhansen")
US = (CHANNEL_ID, "@bedriften")


def yt_comment(
    comment_id: str,
    text: str = "Når kommer neste episode?",
    *,
    author: tuple[str, str] | None = KARI,
    published: str = "2026-05-13T08:00:00Z",
    updated: str | None = None,
    parent: str | None = None,
    html: str | None = None,
) -> dict:
    """A youtube#comment resource; replies carry parentId and, as in the API, no videoId."""
    snippet = {
        "channelId": CHANNEL_ID,
        "textDisplay": html if html is not None else text,
        "textOriginal": text,
        "canRate": True,
        "viewerRating": "none",
        "likeCount": 0,
        "publishedAt": published,
        "updatedAt": updated or published,
    }
    if author is not None:
        snippet["authorDisplayName"] = author[1]
        snippet["authorProfileImageUrl"] = "https://yt3.ggpht.com/ytc/AIdro_k=s48-c-k-c0x00ffffff-no-rj"
        snippet["authorChannelUrl"] = f"http://www.youtube.com/{author[1]}"
        snippet["authorChannelId"] = {"value": author[0]}
    if parent is not None:
        snippet["parentId"] = parent
    else:
        snippet["videoId"] = VIDEO_ID
    return {"kind": "youtube#comment", "etag": f"etag-{comment_id}", "id": comment_id, "snippet": snippet}


def yt_thread(
    thread_id: str, text: str = "Når kommer neste episode?", *, replies=(), total_replies=None, **top
) -> dict:
    """A youtube#commentThread with its top-level comment and the replies that came with it."""
    item = {
        "kind": "youtube#commentThread",
        "etag": f"etag-{thread_id}",
        "id": thread_id,
        "snippet": {
            "channelId": CHANNEL_ID,
            "videoId": VIDEO_ID,
            "topLevelComment": yt_comment(thread_id, text, **top),
            "canReply": True,
            "totalReplyCount": len(replies) if total_replies is None else total_replies,
            "isPublic": True,
        },
    }
    if replies:
        item["replies"] = {"comments": list(replies)}
    return item


def threads_response(*threads: dict, next_page: str | None = None) -> dict:
    response = {
        "kind": "youtube#commentThreadListResponse",
        "etag": "etag-threads",
        "pageInfo": {"totalResults": len(threads), "resultsPerPage": 100},
        "items": list(threads),
    }
    if next_page:
        response["nextPageToken"] = next_page
    return response


def comments_response(*comments: dict, next_page: str | None = None) -> dict:
    response = {
        "kind": "youtube#commentListResponse",
        "etag": "etag-comments",
        "pageInfo": {"totalResults": len(comments), "resultsPerPage": 100},
        "items": list(comments),
    }
    if next_page:
        response["nextPageToken"] = next_page
    return response


def threads_page(response: dict, *, channel_id: str = CHANNEL_ID) -> bytes:
    return youtube.envelope(
        channel_id=channel_id, resource="commentThreads", response_body=json.dumps(response).encode()
    )


def replies_page(response: dict, *, parent_id: str, video_id: str = VIDEO_ID) -> bytes:
    return youtube.envelope(
        channel_id=CHANNEL_ID,
        resource="comments",
        response_body=json.dumps(response).encode(),
        parent_id=parent_id,
        video_id=video_id,
    )


def events_of(body: bytes):
    [batch] = youtube.parse(body)
    return batch


@pytest.fixture
def youtube_channel(db) -> Channel:
    return ChannelFactory(slug="youtube", platform="youtube", name="YouTube", external_id=CHANNEL_ID)


def ingest(body: bytes) -> WebhookDelivery:
    delivery = WebhookDelivery.objects.create(source="youtube", body=body)
    return deliveries.process_delivery(delivery_id=delivery.pk)


# The parser.


def test_it_reads_a_top_level_comment():
    batch = events_of(threads_page(threads_response(yt_thread("UgzThread1"))))

    assert batch.account_id == CHANNEL_ID
    [event] = batch.events
    assert event.external_id == "UgzThread1"
    assert event.kind == "comment"
    assert event.text == "Når kommer neste episode?"
    assert event.author == AuthorData(external_id=KARI[0], name="@karinordmann", handle="karinordmann")
    assert event.published_at == datetime(2026, 5, 13, 8, 0, tzinfo=UTC)
    assert (event.parent_external_id, event.thread_external_id) == ("", "UgzThread1")
    assert event.url == f"https://www.youtube.com/watch?v={VIDEO_ID}&lc=UgzThread1"
    assert not event.edited
    assert event.edited_at is None
    assert not event.is_ours


def test_it_takes_the_text_from_text_original_never_the_html_of_text_display():
    thread = yt_thread("UgzThread1", "Se <her> & der", html='Se &lt;her&gt; &amp; <a href="https://x">der</a>')

    [event] = events_of(threads_page(threads_response(thread))).events

    assert event.text == "Se <her> & der"


def test_it_reads_replies_with_their_parent_and_thread():
    thread = yt_thread(
        "UgzThread1",
        replies=[
            yt_comment("UgzThread1.reply1", "Enig!", author=PER, parent="UgzThread1", published="2026-05-13T09:00:00Z")
        ],
    )

    _top, reply = events_of(threads_page(threads_response(thread))).events

    assert reply.kind == "reply"
    assert reply.external_id == "UgzThread1.reply1"
    assert reply.parent_external_id == "UgzThread1"
    assert reply.thread_external_id == "UgzThread1"
    # A reply has no videoId of its own: the thread's is used.
    assert reply.url == f"https://www.youtube.com/watch?v={VIDEO_ID}&lc=UgzThread1.reply1"
    assert reply.author.external_id == PER[0]


def test_an_updated_comment_is_edited_at_its_update_time():
    thread = yt_thread("UgzThread1", "Rettet tekst", published="2026-05-13T08:00:00Z", updated="2026-05-13T08:30:00Z")

    [event] = events_of(threads_page(threads_response(thread))).events

    assert event.edited
    assert event.edited_at == datetime(2026, 5, 13, 8, 30, tzinfo=UTC)
    assert event.published_at == datetime(2026, 5, 13, 8, 0, tzinfo=UTC)


def test_the_channels_own_comment_is_ours():
    thread = yt_thread(
        "UgzThread1", replies=[yt_comment("UgzThread1.ours", "Neste uke!", author=US, parent="UgzThread1")]
    )

    top, reply = events_of(threads_page(threads_response(thread))).events

    assert not top.is_ours
    assert reply.is_ours


def test_it_reads_a_page_of_replies_in_its_envelope():
    page = replies_page(
        comments_response(
            yt_comment("UgzThread1.r1", "Første svar", parent="UgzThread1"),
            yt_comment("UgzThread1.r2", "Andre svar", author=PER, parent="UgzThread1"),
        ),
        parent_id="UgzThread1",
        video_id="otherVideo1",
    )

    batch = events_of(page)

    assert [event.external_id for event in batch.events] == ["UgzThread1.r1", "UgzThread1.r2"]
    assert {event.kind for event in batch.events} == {"reply"}
    assert {event.thread_external_id for event in batch.events} == {"UgzThread1"}
    assert batch.events[0].url == "https://www.youtube.com/watch?v=otherVideo1&lc=UgzThread1.r1"


def test_a_reply_without_its_parent_id_belongs_to_the_thread_it_came_with():
    reply = yt_comment("UgzThread1.r1", parent="UgzThread1")
    del reply["snippet"]["parentId"]

    [event] = events_of(replies_page(comments_response(reply), parent_id="UgzThread1")).events

    assert event.parent_external_id == "UgzThread1"


def test_it_tolerates_missing_fields():
    thread = yt_thread("UgzThread1", author=None)
    snippet = thread["snippet"]["topLevelComment"]["snippet"]
    del snippet["textOriginal"], snippet["publishedAt"], snippet["updatedAt"]
    del thread["snippet"]["videoId"], snippet["videoId"]
    del thread["snippet"]["totalReplyCount"]

    batch = events_of(threads_page(threads_response(thread)))

    [event] = batch.events
    assert event.author is None
    assert event.text == ""
    assert event.published_at is None
    assert event.url == ""
    assert not event.is_ours
    assert batch.skipped == [
        "response.items[0].snippet.topLevelComment.snippet.textOriginal: missing, so the text is left empty"
    ]


def test_a_page_with_no_comments_is_an_empty_batch():
    response = threads_response()
    del response["items"]

    batch = events_of(threads_page(response))

    assert (batch.account_id, batch.events) == (CHANNEL_ID, [])


def _broken(mutate) -> bytes:
    response = threads_response(yt_thread("UgzThread1"), yt_thread("UgzThread2", replies=[yt_comment("r", parent="x")]))
    mutate(response)
    return threads_page(response)


@pytest.mark.parametrize(
    ("body", "error"),
    [
        (b"<html>", "not JSON"),
        (json.dumps(threads_response()).encode(), "expected the poller's envelope"),
        (
            youtube.envelope(channel_id="", resource="commentThreads", response_body=b"{}"),
            "channelId: expected our channel's id (UC...)",
        ),
        (
            youtube.envelope(channel_id=CHANNEL_ID, resource="videos", response_body=b"{}"),
            "resource: expected 'commentThreads' or 'comments', not 'videos'",
        ),
        (
            youtube.envelope(channel_id=CHANNEL_ID, resource="commentThreads", response_body=b"[]"),
            "response: expected an object, not a list",
        ),
        (
            youtube.envelope(channel_id=CHANNEL_ID, resource="comments", response_body=b'{"items": []}'),
            "parentId: a page of replies needs the id of its thread",
        ),
        (_broken(lambda r: r.update(items={"id": "x"})), "response.items: expected a list"),
        (_broken(lambda r: r["items"][1].pop("id")), "response.items[1].id: missing; expected an id"),
        (_broken(lambda r: r["items"][1].update(snippet=None)), "response.items[1].snippet: expected an object"),
        (
            _broken(lambda r: r["items"][0]["snippet"].pop("topLevelComment")),
            "response.items[0].snippet.topLevelComment: missing; expected an object",
        ),
        (
            _broken(lambda r: r["items"][1]["replies"]["comments"][0].pop("id")),
            "response.items[1].replies.comments[0].id: missing; expected an id",
        ),
        (
            _broken(lambda r: r["items"][1]["replies"].update(comments="none")),
            "response.items[1].replies.comments: expected a list",
        ),
        (
            _broken(lambda r: r["items"][0]["snippet"]["topLevelComment"]["snippet"].update(publishedAt="i går")),
            "response.items[0].snippet.topLevelComment.snippet.publishedAt: 'i går' is not a time like 2026-05-13T08",
        ),
        (
            _broken(
                lambda r: r["items"][0]["snippet"]["topLevelComment"]["snippet"].update(updatedAt="2026-05-13T08:00:00")
            ),
            "response.items[0].snippet.topLevelComment.snippet.updatedAt: '2026-05-13T08:00:00' is not a time like",
        ),
        (
            _broken(
                lambda r: r["items"][0]["snippet"]["topLevelComment"]["snippet"].update(
                    publishedAt="2026-13-45T08:00:00Z"
                )
            ),
            "response.items[0].snippet.topLevelComment.snippet.publishedAt: '2026-13-45T08:00:00Z' is not a time",
        ),
    ],
)
def test_it_says_where_a_page_is_wrong(body, error):
    with pytest.raises(PayloadError) as raised:
        youtube.parse(body)

    assert str(raised.value).startswith(error)


def test_the_envelope_keeps_the_apis_bytes():
    raw = b'{"kind": "youtube#commentThreadListResponse",\n "items": [], "etag": "\\u00e5"}\n'

    body = youtube.envelope(channel_id=CHANNEL_ID, resource="commentThreads", response_body=raw)

    assert raw.strip() in body
    assert json.loads(body)["response"]["etag"] == "å"


def test_a_threads_latest_activity_counts_edits_and_replies():
    response = threads_response(
        yt_thread(
            "UgzThread1",
            published="2026-05-13T08:00:00Z",
            updated="2026-05-13T10:00:00Z",
            replies=[yt_comment("UgzThread1.r1", parent="UgzThread1", published="2026-05-13T09:00:00Z")],
            total_replies=4,
        ),
        yt_thread(
            "UgzThread2",
            published="2026-05-13T07:00:00Z",
            replies=[yt_comment("UgzThread2.r1", parent="UgzThread2", published="2026-05-13T11:00:00Z")],
        ),
    )

    first, second = youtube.thread_summaries(response)

    assert first.latest_activity == datetime(2026, 5, 13, 10, 0, tzinfo=UTC)
    assert first.missing_replies
    assert second.latest_activity == datetime(2026, 5, 13, 11, 0, tzinfo=UTC)
    assert not second.missing_replies
    assert (first.thread_id, first.video_id) == ("UgzThread1", VIDEO_ID)


# Ingestion: the same path as the webhooks.


def test_a_stored_page_becomes_posts_on_the_youtube_channel(youtube_channel):
    thread = yt_thread("UgzThread1", replies=[yt_comment("UgzThread1.r1", "Enig!", author=PER, parent="UgzThread1")])

    delivery = ingest(threads_page(threads_response(thread)))

    assert delivery.status == WebhookDelivery.Status.PROCESSED
    assert delivery.posts_created == 2
    top = Post.objects.get(external_id="UgzThread1")
    reply = Post.objects.get(external_id="UgzThread1.r1")
    assert top.channel == youtube_channel
    assert (top.kind, top.text, top.author.name) == ("comment", "Når kommer neste episode?", "@karinordmann")
    assert reply.parent == top
    assert reply.thread_root == top
    assert Author.objects.filter(platform="youtube").count() == 2


def test_the_same_page_twice_makes_no_second_post(youtube_channel):
    page = threads_page(
        threads_response(yt_thread("UgzThread1", replies=[yt_comment("UgzThread1.r1", parent="UgzThread1")]))
    )

    ingest(page)
    again = ingest(page)

    assert (again.posts_created, again.posts_updated) == (0, 0)
    assert Post.objects.count() == 2


def test_replies_that_arrive_before_their_thread_are_linked_when_it_comes(youtube_channel):
    ingest(
        replies_page(
            comments_response(yt_comment("UgzThread1.r1", "Enig!", parent="UgzThread1")), parent_id="UgzThread1"
        )
    )
    assert Post.objects.get(external_id="UgzThread1.r1").parent is None

    ingest(threads_page(threads_response(yt_thread("UgzThread1"))))

    reply = Post.objects.get(external_id="UgzThread1.r1")
    assert reply.parent.external_id == "UgzThread1"
    assert reply.thread_root.external_id == "UgzThread1"


def test_our_reply_is_the_comments_first_response(youtube_channel):
    thread = yt_thread(
        "UgzThread1",
        published="2026-05-13T08:00:00Z",
        replies=[
            yt_comment(
                "UgzThread1.ours", "Neste uke!", author=US, parent="UgzThread1", published="2026-05-13T08:20:00Z"
            )
        ],
    )

    ingest(threads_page(threads_response(thread)))

    assert Post.objects.get(external_id="UgzThread1.ours").is_ours
    assert Post.objects.get(external_id="UgzThread1").first_response_at == datetime(2026, 5, 13, 8, 20, tzinfo=UTC)


def test_an_edit_seen_on_a_later_page_replaces_the_text(youtube_channel):
    ingest(threads_page(threads_response(yt_thread("UgzThread1", "Hvor er butikken"))))

    delivery = ingest(
        threads_page(
            threads_response(yt_thread("UgzThread1", "Hvor er butikken i Bergen?", updated="2026-05-13T09:00:00Z"))
        )
    )

    assert delivery.posts_updated == 1
    post = Post.objects.get()
    assert post.text == "Hvor er butikken i Bergen?"
    assert post.edited_at == datetime(2026, 5, 13, 9, 0, tzinfo=UTC)


def test_a_page_for_a_channel_we_do_not_run_is_ignored(youtube_channel):
    delivery = ingest(threads_page(threads_response(yt_thread("UgzThread1")), channel_id="UCsomeoneElse000000000000"))

    assert delivery.status == WebhookDelivery.Status.IGNORED
    assert delivery.error == "No active youtube channel has the id UCsomeoneElse000000000000."
    assert Post.objects.count() == 0


def test_a_broken_page_is_kept_as_failed_with_where(youtube_channel):
    response = threads_response(yt_thread("UgzThread1"))
    del response["items"][0]["id"]

    delivery = ingest(threads_page(response))

    assert delivery.status == WebhookDelivery.Status.FAILED
    assert delivery.error == "response.items[0].id: missing; expected an id"
