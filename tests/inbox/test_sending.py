"""
Replies and publications against a fake platform on 127.0.0.1: the requests each
connector makes, how platform errors become SendError, and the sandbox.
"""

import time
from datetime import UTC, datetime

import pytest
from django.contrib.admin.sites import site
from django.core.exceptions import ValidationError
from django.test import RequestFactory
from django.urls import reverse
from django.utils import timezone, translation

from inbox.connectors import base
from inbox.connectors.base import SendError, SendUnknown
from inbox.models import OutboxMessage
from inbox.work import outbox as sending
from strategy.models import Channel
from tests.factories import ChannelFactory, PostFactory

from .payloads import PAGE_ID, X_ACCOUNT_ID
from .test_polling import FakeServer
from .test_youtube import CHANNEL_ID

FACEBOOK_TOKEN = "EAAG-page-token-never-shown"
X_TOKEN = "x-user-token-never-shown"
YOUTUBE_TOKEN = "ya29.youtube-token-never-shown"

GRAPH_ERROR = {
    "error": {
        "message": "(#100) The parameter message is required",
        "type": "OAuthException",
        "code": 100,
        "fbtrace_id": "AkXhYp6Vw1bz3mQ",
    }
}
X_DUPLICATE = {
    "detail": "You are not allowed to create a Tweet with duplicate content.",
    "type": "about:blank",
    "title": "Forbidden",
    "status": 403,
}
GOOGLE_FORBIDDEN = {
    "error": {
        "code": 403,
        "message": "The comment could not be created due to insufficient permissions.",
        "errors": [{"message": "...", "domain": "youtube.commentThread", "reason": "forbidden"}],
    }
}


@pytest.fixture
def youtube_channel(db) -> Channel:
    return ChannelFactory(slug="youtube", platform="youtube", name="YouTube", external_id=CHANNEL_ID)


@pytest.fixture(autouse=True)
def in_english():
    # The messages are checked in English, whatever the bokmål catalogue makes of them.
    with translation.override("en"):
        yield


class FakePlatform:
    """Answers by (method, path); anything else is a 404 in Graph's error format."""

    def __init__(self):
        self.answers: dict[tuple[str, str], tuple[int, dict | bytes]] = {}
        self.delay = 0.0

    def __call__(self, request):
        time.sleep(self.delay)
        return self.answers.get(
            (request.method, request.path), (404, {"error": {"message": f"Unknown path {request.path}"}})
        )


@pytest.fixture
def platform(settings):
    fake = FakePlatform()
    server = FakeServer(fake)
    settings.SOCIAL_SANDBOX = False
    settings.FACEBOOK_GRAPH_BASE_URL = server.url
    settings.FACEBOOK_GRAPH_API_VERSION = "v21.0"
    settings.FACEBOOK_PAGE_ACCESS_TOKEN = FACEBOOK_TOKEN
    settings.X_API_BASE_URL = server.url
    settings.X_USER_ACCESS_TOKEN = X_TOKEN
    settings.YOUTUBE_API_BASE_URL = f"{server.url}/youtube/v3"
    settings.YOUTUBE_OAUTH_ACCESS_TOKEN = YOUTUBE_TOKEN
    fake.server = server
    yield fake
    server.close()


def only_request(platform):
    [request] = platform.server.received
    return request


def test_it_replies_to_a_facebook_comment(platform, facebook_page, ingrid):
    post = PostFactory(channel=facebook_page, external_id="111_222")
    platform.answers[("POST", "/v21.0/111_222/comments")] = (200, {"id": "111_333"})

    message = sending.send_reply(post=post, text="  Hei Kari! Vi åpner kl. 9.  ", user=ingrid)

    request = only_request(platform)
    assert request.json() == {"message": "Hei Kari! Vi åpner kl. 9."}
    assert request.headers["Authorization"] == f"Bearer {FACEBOOK_TOKEN}"
    assert request.headers["Content-Type"] == "application/json"
    message.refresh_from_db()
    assert (message.status, message.action, message.external_id) == ("sent", "reply", "111_333")
    assert (message.in_reply_to, message.channel, message.created_by) == (post, facebook_page, ingrid)
    assert message.response == {"id": "111_333"}
    assert message.sent_at is not None
    post.refresh_from_db()
    assert post.first_response_at == message.sent_at


def test_it_answers_a_messenger_message(platform, facebook_page):
    post = PostFactory(
        channel=facebook_page, external_id="m_AbCdEf", kind="direct_message", author__external_id="24681357"
    )
    platform.answers[("POST", "/v21.0/me/messages")] = (200, {"recipient_id": "24681357", "message_id": "m_XyZ"})

    message = sending.send_reply(post=post, text="Hei! Vi ser på saken.")

    assert only_request(platform).json() == {
        "recipient": {"id": "24681357"},
        "messaging_type": "RESPONSE",
        "message": {"text": "Hei! Vi ser på saken."},
    }
    assert message.external_id == "m_XyZ"


def test_it_publishes_on_the_facebook_page(platform, facebook_page, ingrid):
    platform.answers[("POST", f"/v21.0/{PAGE_ID}/feed")] = (200, {"id": f"{PAGE_ID}_444"})

    message = sending.publish(channel=facebook_page, text="Vi har åpent i påsken.", user=ingrid)

    request = only_request(platform)
    assert request.json() == {"message": "Vi har åpent i påsken."}
    assert request.headers["Authorization"] == f"Bearer {FACEBOOK_TOKEN}"
    assert (message.action, message.status, message.external_id) == ("publish", "sent", f"{PAGE_ID}_444")
    assert message.in_reply_to is None


def test_it_replies_on_x(platform, x_account):
    post = PostFactory(channel=x_account, external_id="1790000000000000001", kind="mention", author__external_id="555")
    platform.answers[("POST", "/2/tweets")] = (
        201,
        {"data": {"id": "1790000000000000002", "text": "@olanordmann Neste uke!", "edit_history_tweet_ids": []}},
    )

    message = sending.send_reply(post=post, text="@olanordmann Neste uke!")

    request = only_request(platform)
    assert request.json() == {
        "text": "@olanordmann Neste uke!",
        "reply": {"in_reply_to_tweet_id": "1790000000000000001"},
    }
    assert request.headers["Authorization"] == f"Bearer {X_TOKEN}"
    assert message.external_id == "1790000000000000002"


def test_it_answers_an_x_direct_message(platform, x_account):
    post = PostFactory(
        channel=x_account, external_id="1790000000000000010", kind="direct_message", author__external_id="555"
    )
    platform.answers[("POST", "/2/dm_conversations/with/555/messages")] = (
        201,
        {"data": {"dm_conversation_id": f"555-{X_ACCOUNT_ID}", "dm_event_id": "1790000000000000011"}},
    )

    message = sending.send_reply(post=post, text="Takk, vi sjekker ordren din.")

    assert only_request(platform).json() == {"text": "Takk, vi sjekker ordren din."}
    assert message.external_id == "1790000000000000011"


def test_it_publishes_on_x(platform, x_account):
    platform.answers[("POST", "/2/tweets")] = (201, {"data": {"id": "1790000000000000020", "text": "Nyhet!"}})

    message = sending.publish(channel=x_account, text="Nyhet!")

    assert only_request(platform).json() == {"text": "Nyhet!"}
    assert (message.status, message.external_id) == ("sent", "1790000000000000020")


def test_it_replies_in_a_youtube_thread(platform, youtube_channel):
    post = PostFactory(
        channel=youtube_channel,
        external_id="UgzThread1.r1",
        kind="reply",
        author__external_id="UCkVfrGwV-iG9bSsgCbrNPxQ",
        parent_external_id="UgzThread1",
        thread_external_id="UgzThread1",
    )
    answer = {
        "kind": "youtube#comment",
        "etag": "etag",
        "id": "UgzThread1.r2",
        "snippet": {"parentId": "UgzThread1", "textOriginal": "Neste uke!", "authorChannelId": {"value": CHANNEL_ID}},
    }
    platform.answers[("POST", "/youtube/v3/comments")] = (200, answer)

    message = sending.send_reply(post=post, text="Neste uke!")

    request = only_request(platform)
    assert request.query == {"part": "snippet"}
    # Replies go to the thread: YouTube has no replies to replies.
    assert request.json() == {"snippet": {"parentId": "UgzThread1", "textOriginal": "Neste uke!"}}
    assert request.headers["Authorization"] == f"Bearer {YOUTUBE_TOKEN}"
    assert message.external_id == "UgzThread1.r2"


def test_youtube_cannot_publish_a_text_post(platform, youtube_channel):
    with pytest.raises(SendError) as raised:
        sending.publish(channel=youtube_channel, text="Ny video ute!")

    assert "YouTube has no API for publishing a text post" in str(raised.value)
    assert platform.server.received == []
    assert OutboxMessage.objects.get().status == "failed"


@pytest.mark.parametrize(
    ("answer", "message"),
    [
        ((400, GRAPH_ERROR), "Facebook answered 400: (#100) The parameter message is required"),
        ((500, b"<html>oops</html>"), "Facebook answered 500: Internal Server Error"),
        ((200, b"not json"), "Facebook answered 200 without the expected JSON."),
    ],
)
def test_a_facebook_error_fails_the_reply_with_its_message(platform, facebook_page, answer, message):
    post = PostFactory(channel=facebook_page, external_id="111_222")
    platform.answers[("POST", "/v21.0/111_222/comments")] = answer

    with pytest.raises(SendError) as raised:
        sending.send_reply(post=post, text="Hei!")

    assert str(raised.value) == message
    assert raised.value.status_code == answer[0]
    failed = OutboxMessage.objects.get()
    assert (failed.status, failed.error) == ("failed", message)
    assert failed.response == (answer[1] if isinstance(answer[1], dict) else {})
    assert failed.sent_at is None
    post.refresh_from_db()
    assert post.first_response_at is None


@pytest.mark.parametrize(
    ("answer", "message"),
    [
        ((403, X_DUPLICATE), "X answered 403: You are not allowed to create a Tweet with duplicate content."),
        ((401, {"title": "Unauthorized", "type": "about:blank", "status": 401}), "X answered 401: Unauthorized"),
        (
            (400, {"errors": [{"message": "Invalid Request: One or more parameters are invalid."}]}),
            "X answered 400: Invalid Request: One or more parameters are invalid.",
        ),
    ],
)
def test_an_x_problem_fails_the_reply_with_its_detail(platform, x_account, answer, message):
    post = PostFactory(channel=x_account, external_id="1790000000000000001", kind="mention")
    platform.answers[("POST", "/2/tweets")] = answer

    with pytest.raises(SendError, match=r"^X answered") as raised:
        sending.send_reply(post=post, text="Hei!")

    assert str(raised.value) == message
    assert OutboxMessage.objects.get().error == message


def test_a_google_error_fails_the_reply_with_its_message(platform, youtube_channel):
    post = PostFactory(channel=youtube_channel, external_id="UgzThread1", thread_external_id="UgzThread1")
    platform.answers[("POST", "/youtube/v3/comments")] = (403, GOOGLE_FORBIDDEN)

    with pytest.raises(SendError) as raised:
        sending.send_reply(post=post, text="Hei!")

    assert str(raised.value) == (
        "YouTube answered 403: The comment could not be created due to insufficient permissions."
    )
    assert OutboxMessage.objects.get().response == GOOGLE_FORBIDDEN


def test_a_platform_that_does_not_answer_in_time_leaves_the_reply_not_confirmed(platform, facebook_page, monkeypatch):
    monkeypatch.setattr(base, "READ_TIMEOUT", 0.2)
    platform.delay = 1.0
    platform.answers[("POST", "/v21.0/111_222/comments")] = (200, {"id": "111_333"})
    post = PostFactory(channel=facebook_page, external_id="111_222")

    with pytest.raises(SendUnknown) as raised:
        sending.send_reply(post=post, text="Hei!")

    # The request went out: the platform may have published it, so it is not failed (and free to send again).
    assert str(raised.value) == "Facebook did not answer in time; the reply may have been published."
    assert raised.value.status_code is None
    assert OutboxMessage.objects.get().status == "unknown"
    with pytest.raises(sending.AlreadySent):
        sending.send_reply(post=post, text="Hei!", after=0)


def test_a_missing_token_fails_without_calling_the_platform(platform, facebook_page, settings):
    settings.FACEBOOK_PAGE_ACCESS_TOKEN = ""

    with pytest.raises(SendError, match="FACEBOOK_PAGE_ACCESS_TOKEN is not set"):
        sending.publish(channel=facebook_page, text="Hei!")

    assert platform.server.received == []
    assert OutboxMessage.objects.get().status == "failed"


def test_no_token_is_ever_logged(platform, facebook_page, x_account, caplog):
    platform.answers[("POST", "/v21.0/111_222/comments")] = (400, GRAPH_ERROR)
    platform.answers[("POST", "/2/tweets")] = (201, {"data": {"id": "1"}})

    with caplog.at_level("DEBUG"):
        with pytest.raises(SendError):
            sending.send_reply(post=PostFactory(channel=facebook_page, external_id="111_222"), text="Hei!")
        sending.publish(channel=x_account, text="Hei!")

    assert caplog.text
    assert FACEBOOK_TOKEN not in caplog.text
    assert X_TOKEN not in caplog.text
    assert FACEBOOK_TOKEN not in OutboxMessage.objects.get(status="failed").error


@pytest.mark.parametrize("text", ["", "   \n "])
def test_an_empty_text_is_refused_and_nothing_recorded(platform, facebook_page, text):
    with pytest.raises(ValidationError) as raised:
        sending.send_reply(post=PostFactory(channel=facebook_page, external_id="111_222"), text=text)

    assert raised.value.code == "empty"
    assert platform.server.received == []
    assert OutboxMessage.objects.count() == 0


def test_a_later_reply_keeps_the_first_response_time(platform, facebook_page):
    first = datetime(2026, 5, 13, 9, tzinfo=UTC)
    post = PostFactory(channel=facebook_page, external_id="111_222", first_response_at=first)
    platform.answers[("POST", "/v21.0/111_222/comments")] = (200, {"id": "111_333"})

    sending.send_reply(post=post, text="Og en ting til.")

    post.refresh_from_db()
    assert post.first_response_at == first


def test_the_sandbox_records_a_reply_and_calls_no_platform(platform, facebook_page, settings, ingrid):
    settings.SOCIAL_SANDBOX = True
    post = PostFactory(channel=facebook_page, external_id="111_222")

    message = sending.send_reply(post=post, text="Hei Kari!", user=ingrid)

    assert platform.server.received == []
    assert (message.status, message.text, message.created_by) == ("sandbox", "Hei Kari!", ingrid)
    assert (message.external_id, message.sent_at) == ("", None)
    post.refresh_from_db()
    assert post.first_response_at == message.created_at


def test_the_sandbox_records_a_publication(platform, x_account, settings):
    settings.SOCIAL_SANDBOX = True

    message = sending.publish(channel=x_account, text="Nyhet!")

    assert platform.server.received == []
    assert (message.action, message.status) == ("publish", "sandbox")


def test_the_sandbox_refuses_what_the_platform_cannot_do(platform, youtube_channel, settings):
    settings.SOCIAL_SANDBOX = True

    with pytest.raises(SendError, match="YouTube has no API for publishing"):
        sending.publish(channel=youtube_channel, text="Ny video ute!")

    assert OutboxMessage.objects.get().status == "failed"


def test_the_admin_lists_the_outbox_and_adds_nothing(admin_client, admin_user, facebook_page, settings):
    settings.SOCIAL_SANDBOX = True
    sending.publish(channel=facebook_page, text="Vi har åpent i påsken.")

    response = admin_client.get(reverse("admin:inbox_outboxmessage_changelist"), {"status": "sandbox"})

    assert response.status_code == 200
    assert "Vi har åpent i påsken." in response.content.decode()
    request = RequestFactory().get("/admin/")
    request.user = admin_user
    assert not site._registry[OutboxMessage].has_add_permission(request)


def test_sent_at_is_the_time_of_sending(platform, facebook_page):
    platform.answers[("POST", f"/v21.0/{PAGE_ID}/feed")] = (200, {"id": f"{PAGE_ID}_444"})
    before = timezone.now()

    message = sending.publish(channel=facebook_page, text="Hei!")

    assert before <= message.sent_at <= timezone.now()
