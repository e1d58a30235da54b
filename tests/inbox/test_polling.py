"""
The YouTube poller against a fake Data API on 127.0.0.1 that serves pages, checks
the query it is sent and can run out of quota. No test reaches the internet.
FakeServer is shared with test_sending.py.
"""

import json
import socket
import threading
import time
from dataclasses import dataclass
from datetime import UTC, date, datetime
from email.message import Message
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qsl, urlsplit

import pytest
import time_machine
from django.urls import reverse

from inbox.ingest import youtube as polling
from inbox.ingest.tasks import poll_youtube_channel_task, poll_youtube_task
from inbox.models import Post, WebhookDelivery, YouTubePollState
from strategy.models import Channel
from tests.factories import ChannelFactory

from .test_youtube import (
    CHANNEL_ID,
    PER,
    comments_response,
    threads_response,
    yt_comment,
    yt_thread,
)

API_KEY = "AIzaSy-test-key-never-shown"
THREADS_QUERY = {
    "part": "snippet,replies",
    "order": "time",
    "maxResults": "100",
    "textFormat": "plainText",
    "key": API_KEY,
}
REPLIES_QUERY = {"part": "snippet", "maxResults": "100", "textFormat": "plainText", "key": API_KEY}


@pytest.fixture
def youtube_channel(db) -> Channel:
    return ChannelFactory(slug="youtube", platform="youtube", name="YouTube", external_id=CHANNEL_ID)


@dataclass
class Received:
    method: str
    path: str
    query: dict[str, str]
    headers: Message
    body: bytes

    def json(self):
        return json.loads(self.body)


class FakeServer:
    """
    A platform on 127.0.0.1 with a port of its own: records every request and
    answers with `respond(request) -> (status, body)`, body a dict or bytes.
    """

    def __init__(self, respond):
        self.respond = respond
        self.received: list[Received] = []
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self):
                self._answer()

            def do_POST(self):
                self._answer()

            def _answer(self):
                url = urlsplit(self.path)
                length = int(self.headers.get("Content-Length") or 0)
                request = Received(
                    self.command, url.path, dict(parse_qsl(url.query)), self.headers, self.rfile.read(length)
                )
                fake.received.append(request)
                status, body = fake.respond(request)
                if not isinstance(body, bytes):
                    body = json.dumps(body).encode()
                try:
                    self.send_response(status)
                    self.send_header("Content-Type", "application/json; charset=UTF-8")
                    self.send_header("Content-Length", str(len(body)))
                    self.end_headers()
                    self.wfile.write(body)
                except (BrokenPipeError, ConnectionResetError):
                    pass  # the client gave up waiting: what a timeout test wants

            def log_message(self, format, *args):
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.httpd.server_port}"
        self.thread = threading.Thread(target=self.httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
        self.thread.start()

    def close(self):
        self.httpd.shutdown()
        self.httpd.server_close()


def google_error(status: int, reason: str, message: str, domain: str = "youtube.parameter") -> dict:
    return {
        "error": {
            "code": status,
            "message": message,
            "errors": [{"message": message, "domain": domain, "reason": reason}],
        }
    }


QUOTA_EXCEEDED = (
    403,
    google_error(
        403,
        "quotaExceeded",
        'The request cannot be completed because you have exceeded your <a href="/youtube/v3/getting-started#quota">'
        "quota</a>.",
        domain="youtube.quota",
    ),
)


class FakeYouTube:
    """commentThreads.list and comments.list as the Data API v3 answers them, strict about what it is asked."""

    def __init__(self):
        self.thread_pages: dict[str, dict] = {}  # page token ("" for the first) -> answer
        self.reply_pages: dict[tuple[str, str], dict] = {}  # (thread id, page token) -> answer
        self.channels = {CHANNEL_ID}
        self.failure: tuple[int, dict | bytes] | None = None
        self.delay = 0.0

    def __call__(self, request: Received):
        time.sleep(self.delay)
        if self.failure is not None:
            return self.failure
        query = dict(request.query)
        token = query.pop("pageToken", "")
        if request.method != "GET":
            return 405, google_error(405, "methodNotAllowed", "Method not allowed")
        if request.path == "/youtube/v3/commentThreads":
            channel = query.pop("allThreadsRelatedToChannelId", None)
            if query != THREADS_QUERY or channel not in self.channels:
                return 400, google_error(400, "invalidParameter", f"unexpected query {request.query}")
            if token not in self.thread_pages:
                return 400, google_error(400, "invalidPageToken", "The request specifies an invalid page token.")
            return 200, self.thread_pages[token]
        if request.path == "/youtube/v3/comments":
            parent = query.pop("parentId", None)
            if query != REPLIES_QUERY or (parent, token) not in self.reply_pages:
                return 400, google_error(400, "invalidParameter", f"unexpected query {request.query}")
            return 200, self.reply_pages[(parent, token)]
        return 404, google_error(404, "notFound", "Not Found", domain="global")

    def asked_for(self, server: FakeServer) -> list[tuple[str, str]]:
        """(resource, page token or thread id) of each request, in order."""
        return [
            (request.path.rsplit("/", 1)[1], request.query.get("parentId", request.query.get("pageToken", "")))
            for request in server.received
        ]


@pytest.fixture
def fake_youtube(settings):
    api = FakeYouTube()
    server = FakeServer(api)
    settings.YOUTUBE_API_BASE_URL = f"{server.url}/youtube/v3"
    settings.YOUTUBE_API_KEY = API_KEY
    api.server = server
    yield api
    server.close()


def poll(channel) -> polling.PollResult:
    return polling.poll_youtube_channel(channel_id=channel.pk)


def state_of(channel) -> YouTubePollState:
    return YouTubePollState.objects.get(channel=channel)


def at(hour: int, minute: int = 0) -> str:
    return f"2026-05-13T{hour:02}:{minute:02}:00Z"


def test_the_first_poll_reads_one_page(youtube_channel, fake_youtube):
    fake_youtube.thread_pages[""] = threads_response(
        yt_thread("UgzNew2", published=at(10)),
        yt_thread(
            "UgzNew1", published=at(9), replies=[yt_comment("UgzNew1.r1", parent="UgzNew1", published=at(9, 30))]
        ),
        next_page="page2",
    )
    fake_youtube.thread_pages["page2"] = threads_response(yt_thread("UgzOld", published=at(8)))

    result = poll(youtube_channel)

    assert result.status == "polled"
    assert fake_youtube.asked_for(fake_youtube.server) == [("commentThreads", "")]
    assert fake_youtube.server.received[0].query["allThreadsRelatedToChannelId"] == CHANNEL_ID
    assert set(Post.objects.values_list("external_id", flat=True)) == {"UgzNew2", "UgzNew1", "UgzNew1.r1"}
    assert (result.posts_created, result.calls) == (3, 1)
    delivery = WebhookDelivery.objects.get()
    assert (delivery.source, delivery.status) == ("youtube", "processed")
    assert json.loads(bytes(delivery.body))["response"] == fake_youtube.thread_pages[""]
    state = state_of(youtube_channel)
    assert state.high_water_mark == datetime(2026, 5, 13, 10, 0, tzinfo=UTC)
    assert state.last_polled_at is not None
    assert state.last_error == ""
    assert state.quota_used == 1


def test_later_polls_page_until_a_thread_already_seen(youtube_channel, fake_youtube):
    YouTubePollState.objects.create(channel=youtube_channel, high_water_mark=datetime(2026, 5, 13, 8, tzinfo=UTC))
    fake_youtube.thread_pages[""] = threads_response(
        yt_thread("UgzC", published=at(11)), yt_thread("UgzB", published=at(10)), next_page="page2"
    )
    fake_youtube.thread_pages["page2"] = threads_response(
        yt_thread("UgzA", published=at(9)), yt_thread("UgzSeen", published=at(8)), next_page="page3"
    )
    fake_youtube.thread_pages["page3"] = threads_response(yt_thread("UgzOlder", published=at(7)))

    result = poll(youtube_channel)

    assert fake_youtube.asked_for(fake_youtube.server) == [("commentThreads", ""), ("commentThreads", "page2")]
    assert result.calls == 2
    assert not Post.objects.filter(external_id="UgzOlder").exists()
    assert state_of(youtube_channel).high_water_mark == datetime(2026, 5, 13, 11, tzinfo=UTC)


def test_a_new_reply_or_edit_makes_an_old_thread_new(youtube_channel, fake_youtube):
    YouTubePollState.objects.create(channel=youtube_channel, high_water_mark=datetime(2026, 5, 13, 10, tzinfo=UTC))
    fake_youtube.thread_pages[""] = threads_response(
        yt_thread("UgzEdited", published=at(8), updated=at(12)),
        yt_thread(
            "UgzAnswered",
            published=at(7),
            replies=[yt_comment("UgzAnswered.r1", parent="UgzAnswered", published=at(11))],
        ),
        next_page="page2",
    )
    fake_youtube.thread_pages["page2"] = threads_response(yt_thread("UgzSeen", published=at(9)))

    poll(youtube_channel)

    assert len(fake_youtube.server.received) == 2
    assert state_of(youtube_channel).high_water_mark == datetime(2026, 5, 13, 12, tzinfo=UTC)


def test_it_fetches_the_replies_a_thread_page_left_out(youtube_channel, fake_youtube):
    fake_youtube.thread_pages[""] = threads_response(
        yt_thread(
            "UgzBusy",
            published=at(9),
            replies=[yt_comment("UgzBusy.r3", parent="UgzBusy", published=at(9, 30))],
            total_replies=3,
        ),
        yt_thread("UgzQuiet", published=at(8)),
    )
    fake_youtube.reply_pages[("UgzBusy", "")] = comments_response(
        yt_comment("UgzBusy.r1", "Først", parent="UgzBusy", published=at(9, 10)),
        yt_comment("UgzBusy.r2", "Så", author=PER, parent="UgzBusy", published=at(9, 20)),
        next_page="more",
    )
    fake_youtube.reply_pages[("UgzBusy", "more")] = comments_response(
        yt_comment("UgzBusy.r3", parent="UgzBusy", published=at(9, 30))
    )

    result = poll(youtube_channel)

    assert result.status == "polled"
    assert fake_youtube.asked_for(fake_youtube.server) == [
        ("commentThreads", ""),
        ("comments", "UgzBusy"),
        ("comments", "UgzBusy"),
    ]
    assert fake_youtube.server.received[2].query["pageToken"] == "more"
    busy = Post.objects.get(external_id="UgzBusy")
    assert set(busy.replies.values_list("external_id", flat=True)) == {"UgzBusy.r1", "UgzBusy.r2", "UgzBusy.r3"}
    assert Post.objects.get(external_id="UgzBusy.r2").url.endswith("&lc=UgzBusy.r2")
    assert WebhookDelivery.objects.filter(status="processed").count() == 3
    assert state_of(youtube_channel).quota_used == 3


def test_polling_the_same_pages_again_makes_no_duplicates(youtube_channel, fake_youtube):
    fake_youtube.thread_pages[""] = threads_response(
        yt_thread("UgzBusy", published=at(9), replies=[yt_comment("UgzBusy.r1", parent="UgzBusy")], total_replies=2),
        yt_thread("UgzQuiet", published=at(8)),
    )
    fake_youtube.reply_pages[("UgzBusy", "")] = comments_response(
        yt_comment("UgzBusy.r1", parent="UgzBusy"), yt_comment("UgzBusy.r2", parent="UgzBusy")
    )
    poll(youtube_channel)
    posts = Post.objects.count()

    # Forget where it got to, so that it reads (and stores) everything again.
    YouTubePollState.objects.filter(channel=youtube_channel).update(high_water_mark=None)
    again = poll(youtube_channel)

    assert posts == 4
    assert Post.objects.count() == 4
    assert (again.posts_created, again.posts_updated) == (0, 0)
    assert WebhookDelivery.objects.count() == 4


def test_a_poll_with_nothing_new_costs_one_unit(youtube_channel, fake_youtube):
    fake_youtube.thread_pages[""] = threads_response(yt_thread("UgzSeen", published=at(9)), next_page="page2")
    poll(youtube_channel)

    result = poll(youtube_channel)

    assert result.calls == 1
    assert result.posts_created == 0
    assert state_of(youtube_channel).quota_used == 2


def test_running_out_of_quota_is_recorded_and_keeps_the_high_water_mark(youtube_channel, fake_youtube):
    mark = datetime(2026, 5, 13, 8, tzinfo=UTC)
    YouTubePollState.objects.create(channel=youtube_channel, high_water_mark=mark)
    fake_youtube.failure = QUOTA_EXCEEDED

    result = poll(youtube_channel)

    assert result.status == "failed"
    state = state_of(youtube_channel)
    assert state.last_error.startswith("commentThreads: HTTP 403 quotaExceeded: The request cannot be completed")
    assert state.high_water_mark == mark
    assert state.last_polled_at is not None
    assert state.quota_used == 1
    assert WebhookDelivery.objects.count() == 0


def test_a_failure_on_a_later_page_keeps_what_came_and_the_high_water_mark(youtube_channel, fake_youtube):
    mark = datetime(2026, 5, 13, 8, tzinfo=UTC)
    YouTubePollState.objects.create(channel=youtube_channel, high_water_mark=mark)
    fake_youtube.thread_pages[""] = threads_response(yt_thread("UgzNew", published=at(10)), next_page="page2")
    # No page2: the fake answers 400 invalidPageToken.

    result = poll(youtube_channel)

    assert result.status == "failed"
    assert "HTTP 400 invalidPageToken" in state_of(youtube_channel).last_error
    assert Post.objects.filter(external_id="UgzNew").exists()
    assert state_of(youtube_channel).high_water_mark == mark


def test_a_successful_poll_clears_the_last_error(youtube_channel, fake_youtube):
    YouTubePollState.objects.create(channel=youtube_channel, last_error="commentThreads: HTTP 503")
    fake_youtube.thread_pages[""] = threads_response()

    assert poll(youtube_channel).status == "polled"
    assert state_of(youtube_channel).last_error == ""


@pytest.mark.parametrize(
    ("failure", "error"),
    [
        ((500, google_error(500, "backendError", "Backend Error", domain="global")), "HTTP 500 backendError"),
        ((503, b"<html>Service Unavailable</html>"), "HTTP 503 Service Unavailable"),
        ((200, b"<html>a captive portal</html>"), "HTTP 200 but the answer is not a JSON object"),
    ],
)
def test_server_errors_are_recorded(youtube_channel, fake_youtube, failure, error):
    fake_youtube.failure = failure

    assert poll(youtube_channel).status == "failed"
    assert error in state_of(youtube_channel).last_error


def test_an_api_that_does_not_answer_in_time_is_recorded(youtube_channel, fake_youtube, monkeypatch):
    monkeypatch.setattr(polling, "READ_TIMEOUT", 0.2)
    fake_youtube.delay = 1.0
    fake_youtube.thread_pages[""] = threads_response()

    result = poll(youtube_channel)

    assert result.status == "failed"
    assert state_of(youtube_channel).last_error == "commentThreads: no answer in time (ReadTimeout)"


def test_an_unreachable_api_is_recorded_without_the_api_key(youtube_channel, settings, caplog):
    with socket.socket() as closed:
        closed.bind(("127.0.0.1", 0))
        port = closed.getsockname()[1]
    settings.YOUTUBE_API_BASE_URL = f"http://127.0.0.1:{port}/youtube/v3"
    settings.YOUTUBE_API_KEY = API_KEY

    with caplog.at_level("DEBUG"):
        result = poll(youtube_channel)

    assert result.status == "failed"
    error = state_of(youtube_channel).last_error
    assert error.startswith("commentThreads: ")
    assert "key=<hidden>" in error
    assert API_KEY not in error
    assert API_KEY not in caplog.text


def test_the_poll_task_raises_nothing_when_the_api_fails(youtube_channel, fake_youtube, eager_tasks):
    fake_youtube.failure = QUOTA_EXCEEDED

    poll_youtube_channel_task.delay(youtube_channel.pk)

    assert "quotaExceeded" in state_of(youtube_channel).last_error


def test_the_quota_is_counted_per_day_in_oslo(youtube_channel, fake_youtube):
    fake_youtube.thread_pages[""] = threads_response(yt_thread("UgzSeen", published=at(9)))

    # 23:30 and 23:50 in Oslo (UTC+2 in May) are one day; 00:10 is the next.
    with time_machine.travel(datetime(2026, 5, 13, 21, 30, tzinfo=UTC)):
        poll(youtube_channel)
    with time_machine.travel(datetime(2026, 5, 13, 21, 50, tzinfo=UTC)):
        poll(youtube_channel)
    state = state_of(youtube_channel)
    assert (state.quota_day, state.quota_used) == (date(2026, 5, 13), 2)

    with time_machine.travel(datetime(2026, 5, 13, 22, 10, tzinfo=UTC)):
        poll(youtube_channel)
    state = state_of(youtube_channel)
    assert (state.quota_day, state.quota_used) == (date(2026, 5, 14), 1)


def test_the_quota_is_logged(youtube_channel, fake_youtube, caplog):
    fake_youtube.thread_pages[""] = threads_response(yt_thread("UgzNew", published=at(9)))

    with caplog.at_level("INFO", logger="inbox.polling"):
        poll(youtube_channel)

    assert "1 pages (1 quota units), 1 quota units used on" in caplog.text


def test_without_an_api_key_nothing_is_polled(youtube_channel, fake_youtube, settings, caplog):
    settings.YOUTUBE_API_KEY = ""

    with caplog.at_level("INFO", logger="inbox.polling"):
        result = poll(youtube_channel)

    assert (result.status, result.reason) == ("skipped", "YOUTUBE_API_KEY is not set")
    assert "YOUTUBE_API_KEY is not set" in caplog.text
    assert fake_youtube.server.received == []
    assert not YouTubePollState.objects.exists()


def test_a_channel_without_its_id_is_skipped(fake_youtube, caplog, db):
    channel = ChannelFactory(platform="youtube", name="YouTube", external_id="")

    with caplog.at_level("INFO", logger="inbox.polling"):
        result = poll(channel)

    assert result.status == "skipped"
    assert "YouTube has no YouTube channel id (UC...)" in caplog.text
    assert fake_youtube.server.received == []


def test_the_beat_task_polls_each_active_youtube_channel(
    youtube_channel, fake_youtube, eager_tasks, django_capture_on_commit_callbacks
):
    other = ChannelFactory(platform="youtube", external_id="UCsecondChannel0000000000")
    ChannelFactory(platform="youtube", external_id="UCinactiveChannel00000000", is_active=False)
    ChannelFactory(platform="facebook", external_id="1234567890")
    fake_youtube.channels.add(other.external_id)
    fake_youtube.thread_pages[""] = threads_response(yt_thread("UgzNew", published=at(9)))

    with django_capture_on_commit_callbacks(execute=True):
        poll_youtube_task.delay()

    asked = sorted(request.query["allThreadsRelatedToChannelId"] for request in fake_youtube.server.received)
    assert asked == sorted([CHANNEL_ID, other.external_id])
    assert Post.objects.filter(external_id="UgzNew").count() == 2


def test_the_beat_task_sends_nothing_without_an_api_key(youtube_channel, settings, eager_tasks, caplog):
    settings.YOUTUBE_API_KEY = ""

    with caplog.at_level("INFO", logger="inbox.polling"):
        assert polling.enqueue_youtube_polls() == 0

    assert "YOUTUBE_API_KEY is not set: no YouTube channel is polled" in caplog.text


def test_beat_polls_youtube_every_few_minutes(settings):
    entry = settings.CELERY_BEAT_SCHEDULE["poll-youtube"]

    assert entry["task"] == "inbox.tasks.poll_youtube_task"
    assert entry["schedule"] == settings.YOUTUBE_POLL_MINUTES * 60 == 300


def test_the_admin_lists_the_poll_states(admin_client, youtube_channel):
    YouTubePollState.objects.create(channel=youtube_channel, quota_used=7, last_error="commentThreads: HTTP 403")

    response = admin_client.get(reverse("admin:inbox_youtubepollstate_changelist"))

    assert response.status_code == 200
    assert "commentThreads: HTTP 403" in response.content.decode()
