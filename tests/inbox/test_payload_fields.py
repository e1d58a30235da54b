"""
Every connector reads each field by its type (#10): a value of the wrong type, an id
longer than our columns, a flag that is not a flag or a time that cannot be a post's
is a PayloadError naming the field's path; names and texts too long are cut with a mark.
"""

import json

import pytest
from django.urls import reverse

from inbox.connectors import facebook, generic, x, youtube
from inbox.connectors.base import PayloadError
from inbox.connectors.fields import MAX_NAME_LENGTH, MAX_TEXT_LENGTH, TRUNCATION_MARK, cut
from inbox.models import Author, Post, WebhookDelivery

from .payloads import PAGE_ID, X_ACCOUNT_ID, facebook_body, facebook_signature, fb_comment, tweet, x_body
from .test_youtube import threads_page, threads_response, yt_thread


def fb_with(**changes) -> bytes:
    value = fb_comment("1")
    for key, replacement in changes.items():
        target = value
        *path, last = key.split("__")
        for step in path:
            target = target[step]
        target[last] = replacement
    return facebook_body(value)


def fb_error(body: bytes) -> str:
    with pytest.raises(PayloadError) as raised:
        facebook.parse(body)
    return str(raised.value)


@pytest.mark.parametrize(
    ("changes", "error"),
    [
        ({"message": 5}, "entry[0].changes[0].value.message: expected text, not a number"),
        ({"message": ["Hei"]}, "entry[0].changes[0].value.message: expected text, not a list"),
        ({"from": "999"}, "entry[0].changes[0].value.from: expected an object, not a string"),
        ({"from__id": {"id": 1}}, "entry[0].changes[0].value.from.id: expected an id (a string), not an object"),
        ({"from__name": 7}, "entry[0].changes[0].value.from.name: expected text, not a number"),
        ({"comment_id": True}, "entry[0].changes[0].value.comment_id: expected an id (a string), not true"),
        ({"comment_id": 1.5}, "entry[0].changes[0].value.comment_id: expected an id (a string), not a number"),
        ({"comment_id": "1" * 129}, "entry[0].changes[0].value.comment_id: an id of at most 128 characters, not 129"),
        ({"post_id": "2" * 300}, "entry[0].changes[0].value.post_id: an id of at most 128 characters, not 300"),
        # Found by the mutation fuzzer: a blank id made a post with a link ending in "comment_id= ".
        ({"comment_id": " "}, "entry[0].changes[0].value.comment_id: expected an id without spaces or control"),
        ({"from__id": "9\n9"}, "entry[0].changes[0].value.from.id: expected an id without spaces or control"),
        ({"created_time": True}, "entry[0].changes[0].value.created_time: expected a unix time (a number), not true"),
        ({"created_time": 0}, "entry[0].changes[0].value.created_time: 0 is not a time between 2000 and 2100"),
        ({"created_time": 1e300}, "entry[0].changes[0].value.created_time: 1e+300 is not a time between 2000 and"),
        ({"created_time": "soon"}, "entry[0].changes[0].value.created_time: 'soon' is not a unix time"),
        ({"created_time": {}}, "entry[0].changes[0].value.created_time: expected a unix time (a number), not an"),
    ],
)
def test_a_facebook_field_of_the_wrong_type_or_size_is_refused_with_its_path(changes, error):
    assert fb_error(fb_with(**changes)).startswith(error)


def test_facebook_entries_changes_and_messaging_must_be_lists_of_objects():
    assert fb_error(b'{"object": "page", "entry": {}}') == "entry: expected a list, not an object"
    assert fb_error(b'{"object": "page", "entry": [5]}') == "entry[0]: expected an object with an id, not a number"
    body = json.dumps({"object": "page", "entry": [{"id": PAGE_ID, "changes": "x"}]}).encode()
    assert fb_error(body) == "entry[0].changes: expected a list, not a string"
    body = json.dumps({"object": "page", "entry": [{"id": "9" * 200}]}).encode()
    assert fb_error(body) == "entry[0].id: an id of at most 128 characters, not 200"


def messenger(message: dict, **event) -> bytes:
    return facebook_body(
        messaging=[
            {"sender": {"id": "777"}, "recipient": {"id": PAGE_ID}, "timestamp": 1742667604000, "message": message}
            | event
        ]
    )


def test_a_messenger_echo_must_be_a_real_flag():
    [batch] = facebook.parse(messenger({"mid": "m.1", "text": "Hei", "is_echo": False}))
    assert batch.events[0].is_ours is False
    [batch] = facebook.parse(messenger({"mid": "m.1", "text": "Hei", "is_echo": True}))
    assert batch.events[0].is_ours is True

    # The string "false" was once taken for true: the person's message became "ours".
    assert fb_error(messenger({"mid": "m.1", "text": "Hei", "is_echo": "false"})) == (
        "entry[0].messaging[0].message.is_echo: expected true or false, not a string"
    )
    assert fb_error(messenger({"mid": "m.1"}, timestamp=True)).startswith(
        "entry[0].messaging[0].timestamp: expected a unix time (a number), not true"
    )
    assert fb_error(messenger("Hei")) == "entry[0].messaging[0].message: expected an object, not a string"
    assert fb_error(messenger({"mid": None})) == "entry[0].messaging[0].message.mid: expected an id, not null"


def test_a_long_name_is_cut_with_a_mark_and_a_long_text_kept_up_to_the_limit():
    long_name = "Kari " + "N" * 400
    [batch] = facebook.parse(fb_with(from__name=long_name, message="x" * (MAX_TEXT_LENGTH + 10)))

    event = batch.events[0]
    assert len(event.author.name) == MAX_NAME_LENGTH
    assert event.author.name.endswith(TRUNCATION_MARK)
    assert event.author.name.startswith("Kari NNN")
    assert len(event.text) == MAX_TEXT_LENGTH and event.text.endswith(TRUNCATION_MARK)
    assert cut("kort", 10) == "kort"


@pytest.mark.django_db
def test_a_facebook_delivery_with_a_long_name_is_stored_and_one_with_a_long_id_fails_with_the_reason(
    client, facebook_page, eager_tasks, django_capture_on_commit_callbacks
):
    def deliver(body: bytes) -> WebhookDelivery:
        with django_capture_on_commit_callbacks(execute=True):
            client.post(
                reverse("webhooks:facebook"),
                body,
                content_type="application/json",
                headers={"x-hub-signature-256": facebook_signature(body)},
            )
        return WebhookDelivery.objects.latest("pk")

    stored = deliver(fb_with(from__name="Ø" * 500))
    assert stored.status == WebhookDelivery.Status.PROCESSED
    assert Author.objects.get().name == "Ø" * (MAX_NAME_LENGTH - 1) + TRUNCATION_MARK
    # The whole name is kept as received.
    assert Post.objects.get().raw["from"]["name"] == "Ø" * 500

    refused = deliver(fb_with(comment_id="c" * 129))
    assert refused.status == WebhookDelivery.Status.FAILED
    assert refused.error == "entry[0].changes[0].value.comment_id: an id of at most 128 characters, not 129"
    assert Post.objects.count() == 1


def x_error(body: bytes) -> str:
    with pytest.raises(PayloadError) as raised:
        x.parse(body)
    return str(raised.value)


def test_an_x_field_of_the_wrong_type_or_size_is_refused_with_its_path():
    def with_tweet(**changes) -> bytes:
        return x_body(tweet_create_events=[tweet("1001") | changes])

    assert x_error(with_tweet(text=5)) == "tweet_create_events[0].text: expected text, not a number"
    assert x_error(with_tweet(user=[])) == "tweet_create_events[0].user: expected an object, not a list"
    assert x_error(with_tweet(truncated="true")) == (
        "tweet_create_events[0].truncated: expected true or false, not a string"
    )
    assert x_error(with_tweet(id_str="1" * 129)).startswith("tweet_create_events[0].id_str: an id of at most 128")
    assert x_error(with_tweet(created_at=12)).startswith("tweet_create_events[0].created_at: 12 is not a time like")
    assert x_error(with_tweet(created_at="Thu Jan 01 00:00:00 +0000 1970")).endswith(
        "is not a time between 2000 and 2100"
    )
    assert x_error(with_tweet(in_reply_to_status_id_str=["1"])).startswith(
        "tweet_create_events[0].in_reply_to_status_id_str: expected an id (a string), not a list"
    )
    assert x_error(x_body(tweet_create_events={})) == "tweet_create_events: expected a list, not an object"
    assert x_error(x_body(users=[])) == "users: expected an object, not a list"
    deletion = x_body(tweet_delete_events=[{"status": {"id": True}}])
    assert x_error(deletion) == "tweet_delete_events[0].status.id: expected an id (a string), not true"


def test_an_x_direct_message_reads_its_sender_strictly():
    def dm(**create) -> bytes:
        event = {
            "type": "message_create",
            "id": "dm1",
            "created_timestamp": "1778659200000",
            "message_create": {"sender_id": "555", "message_data": {"text": "Hei"}} | create,
        }
        return x_body(direct_message_events=[event], users={"555": {"name": "N" * 300, "screen_name": 5}})

    assert x_error(dm()) == "users.555.screen_name: expected text, not a number"
    assert x_error(dm(message_data={"text": {}})) == (
        "direct_message_events[0].message_create.message_data.text: expected text, not an object"
    )


def test_an_x_name_is_cut_and_a_link_never_carries_a_handle_that_is_not_one():
    body = x_body(tweet_create_events=[tweet("1001", user=("555", "ola/../../evil" + "x" * 300, "O" * 300))])

    [batch] = x.parse(body)

    event = batch.events[0]
    assert len(event.author.name) == MAX_NAME_LENGTH and event.author.name.endswith(TRUNCATION_MARK)
    assert len(event.author.handle) == MAX_NAME_LENGTH
    assert event.url == "https://x.com/i/status/1001"
    [batch] = x.parse(x_body(tweet_create_events=[tweet("1002", lang="x" * 40)]))
    assert batch.events[0].language == ""
    assert batch.account_id == X_ACCOUNT_ID


def yt_error(response: dict) -> str:
    with pytest.raises(PayloadError) as raised:
        youtube.parse(threads_page(response))
    return str(raised.value)


def test_a_youtube_field_of_the_wrong_type_or_size_is_refused_with_its_path():
    def thread_with(**snippet) -> dict:
        item = yt_thread("UgzThread1")
        item["snippet"]["topLevelComment"]["snippet"].update(snippet)
        return threads_response(item)

    top = "response.items[0].snippet.topLevelComment.snippet"
    assert yt_error(thread_with(textOriginal=5)) == f"{top}.textOriginal: expected text, not a number"
    assert yt_error(thread_with(authorChannelId="UC1")) == f"{top}.authorChannelId: expected an object, not a string"
    assert yt_error(thread_with(authorChannelId={"value": "U" * 200})) == (
        f"{top}.authorChannelId.value: an id of at most 128 characters, not 200"
    )
    assert yt_error(thread_with(publishedAt="1970-01-01T00:00:00Z")) == (
        f"{top}.publishedAt: 1970-01-01T00:00:00+00:00 is not a time between 2000 and 2100"
    )
    item = yt_thread("UgzThread1")
    item["snippet"]["videoId"] = "v" * 129
    assert yt_error(threads_response(item)).startswith("response.items[0].snippet.videoId: an id of at most 128")


def test_a_youtube_display_name_too_long_is_cut():
    item = yt_thread("UgzThread1")
    item["snippet"]["topLevelComment"]["snippet"]["authorDisplayName"] = "@" + "k" * 500

    [batch] = youtube.parse(threads_page(threads_response(item)))

    assert len(batch.events[0].author.name) == MAX_NAME_LENGTH


def generic_error(item: dict) -> str:
    base = {"channel": 1, "external_id": "a1", "published_at": "2026-05-13T10:00:00+02:00"}
    with pytest.raises(PayloadError) as raised:
        generic.parse(json.dumps(base | item).encode())
    return str(raised.value)


@pytest.mark.parametrize(
    ("item", "error"),
    [
        ({"channel": "\u00b2"}, "channel: expected the id of a channel (a number)"),
        ({"channel": 10**20}, "channel: expected the id of a channel (a number)"),
        ({"external_id": {"id": 1}}, "external_id: expected an id (a string), not an object"),
        ({"external_id": "e" * 129}, "external_id: an id of at most 128 characters, not 129"),
        ({"text": 42}, "text: expected text, not a number"),
        ({"kind": ["post"]}, "kind: expected one of post, comment, reply, mention, direct_message, not ['post']"),
        ({"author": "Kari"}, "author: expected an object, not a string"),
        ({"author": {"external_id": ["1"]}}, "author.external_id: expected an id (a string), not a list"),
        ({"author": {"external_id": "1", "name": 5}}, "author.name: expected text, not a number"),
        ({"published_at": "2026-13-45T10:00:00Z"}, "published_at: '2026-13-45T10:00:00Z' is not a date and time"),
        ({"published_at": 1747123200}, "published_at: expected a date and time like"),
        ({"published_at": "1900-01-01T00:00:00Z"}, "published_at: 1900-01-01T00:00:00+00:00 is not a time between"),
        ({"parent_external_id": 1.5}, "parent_external_id: expected an id (a string), not a number"),
        ({"url": ["https://x.test"]}, "url: expected text, not a list"),
        ({"language": 7}, "language: expected text, not a number"),
    ],
)
def test_a_generic_field_of_the_wrong_type_is_refused_with_its_path(item, error):
    assert generic_error(item).startswith(error)


def test_a_generic_name_too_long_is_cut_not_refused():
    body = {
        "channel": 1,
        "external_id": "a1",
        "published_at": "2026-05-13T10:00:00+02:00",
        "author": {"external_id": "1", "name": "K" * 300},
        "language": "not-a-language-tag",
    }

    [batch] = generic.parse(json.dumps(body).encode())

    assert batch.events[0].author.name == "K" * (MAX_NAME_LENGTH - 1) + TRUNCATION_MARK
    assert batch.events[0].language == ""


@pytest.mark.django_db
def test_the_api_answers_400_never_500_to_a_channel_of_unicode_digits(ingrid, facebook_page):
    from rest_framework.test import APIClient

    api = APIClient()
    api.force_authenticate(ingrid)
    for channel in ("\u00b2", "\uff11\uff12"):  # superscript two; fullwidth one, two
        body = {"channel": channel, "external_id": "u1", "published_at": "2026-05-13T10:00:00+02:00"}
        response = api.post(reverse("api:post-list"), body, format="json")
        assert response.status_code == 400, response.content
    assert Post.objects.count() == 0
