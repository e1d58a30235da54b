import json

import pytest
from django.urls import reverse
from hypothesis import given
from hypothesis import strategies as st

from inbox.connectors import x
from inbox.models import Post, WebhookDelivery

from .payloads import X_ACCOUNT_ID, X_OAUTH2_SECRET, tweet, x_body, x_signature

URL = reverse("webhooks:x")


@pytest.fixture
def post_delivery(client, django_capture_on_commit_callbacks, eager_tasks):
    def post(body: bytes, headers: dict | None = None):
        if headers is None:
            headers = {"x-twitter-webhooks-signature": x_signature(body)}
        with django_capture_on_commit_callbacks(execute=True):
            return client.post(URL, body, content_type="application/json", headers=headers)

    return post


def test_the_crc_test_vector():
    secret = "z3ZX4v7mAAUGykl3EcmkqbartmuW8VFOOzCloLx9Q45P0hLrFu"

    answer = x.crc_response(secret, "9b4507b3-9040-4669-9ca3-6b94edb50553")

    assert answer == {"response_token": "sha256=Cytd4Sq+NvEcV3MMrXxWJGJx5A+y/lXzzU2Maartkx8="}


def test_the_signature_test_vector():
    body = b'{"for_user_id":"2244994945","tweet_create_events":[]}'

    assert x.sign("test_consumer_secret", body) == "sha256=Lss4bxd6weR99So6MmhnJFpNn8h7oFFhZH5um9Z5oF4="


def test_it_answers_the_crc_check(client, db, settings):
    response = client.get(URL, {"crc_token": "9b4507b3-9040-4669-9ca3-6b94edb50553"})

    assert response.status_code == 200
    assert response.json() == x.crc_response(settings.X_CONSUMER_SECRET, "9b4507b3-9040-4669-9ca3-6b94edb50553")


def test_a_crc_check_without_a_token_is_refused(client, db):
    assert client.get(URL).status_code == 403


def test_a_reply_to_us_is_stored(post_delivery, x_account):
    body = x_body(tweet_create_events=[tweet("1001", "@bedriften appen virker ikke", in_reply_to="900")])

    assert post_delivery(body).status_code == 200

    post = Post.objects.get()
    assert (post.external_id, post.kind, post.text, post.language) == (
        "1001",
        "reply",
        "@bedriften appen virker ikke",
        "no",
    )
    assert post.author.handle == "olanordmann"
    assert post.url == "https://x.com/olanordmann/status/1001"
    assert post.published_at.isoformat() == "2026-05-13T08:00:00+00:00"


def test_a_mention_is_stored_with_its_full_text(post_delivery, x_account):
    long_text = "@bedriften " + "veldig lang klage " * 20
    body = x_body(tweet_create_events=[tweet("1002", long_text[:140] + "…", full_text=long_text)])

    post_delivery(body)

    post = Post.objects.get()
    assert post.kind == "mention"
    assert post.text == long_text


def test_the_oauth2_signature_header_is_accepted_alone(post_delivery, x_account):
    body = x_body(tweet_create_events=[tweet("1003")])

    response = post_delivery(body, {"x-twitter-webhooks-signature-oauth2": x_signature(body, X_OAUTH2_SECRET)})

    assert response.status_code == 200
    assert Post.objects.count() == 1


@pytest.mark.parametrize("headers", [{}, {"x-twitter-webhooks-signature": "sha256=bm9wZQ=="}])
def test_a_bad_or_missing_signature_stores_nothing(post_delivery, x_account, headers):
    response = post_delivery(x_body(tweet_create_events=[tweet("1004")]), headers)

    assert response.status_code == 403
    assert WebhookDelivery.objects.count() == 0


def test_our_own_tweet_is_ours_and_answers_the_tweet_it_replies_to(post_delivery, x_account):
    post_delivery(x_body(tweet_create_events=[tweet("1005", "@bedriften hvor er pakken?")]))

    ours = tweet(
        "1006", "@olanordmann Vi ser på det!", user=(X_ACCOUNT_ID, "bedriften", "Bedriften"), in_reply_to="1005"
    )
    post_delivery(x_body(tweet_create_events=[ours]))

    assert Post.objects.get(external_id="1006").is_ours
    question = Post.objects.get(external_id="1005")
    assert question.first_response_at is not None
    assert Post.objects.get(external_id="1006").parent == question


def test_retweets_are_not_conversation(post_delivery, x_account):
    retweet = tweet("1007", "RT @bedriften: Nyhet!")
    retweet["retweeted_status"] = tweet("1", "Nyhet!", user=(X_ACCOUNT_ID, "bedriften", "Bedriften"))

    post_delivery(x_body(tweet_create_events=[retweet]))

    assert Post.objects.count() == 0
    assert "a retweet" in WebhookDelivery.objects.get().error


def test_direct_messages_and_their_senders(post_delivery, x_account):
    message = {
        "type": "message_create",
        "id": "1402967490813431815",
        "created_timestamp": "1778659200000",
        "message_create": {
            "sender_id": "555",
            "target": {"recipient_id": X_ACCOUNT_ID},
            "message_data": {"text": "Hei, jeg har et spørsmål om fakturaen", "entities": {}},
        },
    }
    users = {"555": {"id": "555", "name": "Ola Nordmann", "screen_name": "olanordmann"}}

    post_delivery(x_body(direct_message_events=[message], users=users))

    post = Post.objects.get()
    assert (post.kind, post.text) == ("direct_message", "Hei, jeg har et spørsmål om fakturaen")
    assert (post.author.name, post.author.handle) == ("Ola Nordmann", "olanordmann")


def test_a_deleted_tweet_becomes_a_tombstone(post_delivery, x_account):
    post_delivery(x_body(tweet_create_events=[tweet("1008", "Frekk kommentar")]))

    post_delivery(x_body(tweet_delete_events=[{"status": {"id": "1008", "user_id": "555"}, "timestamp_ms": "1"}]))

    assert Post.objects.get().deleted_at is not None


def test_an_unknown_account_is_ignored(post_delivery, x_account):
    body = b'{"for_user_id":"42","tweet_create_events":[]}'

    post_delivery(body)

    delivery = WebhookDelivery.objects.get()
    assert delivery.status == WebhookDelivery.Status.IGNORED
    assert delivery.error == "No active x channel has the id 42."


def test_a_bad_created_at_fails_with_where(post_delivery, x_account):
    broken = tweet("1009")
    broken["created_at"] = "yesterday"

    post_delivery(x_body(tweet_create_events=[broken]))

    delivery = WebhookDelivery.objects.get()
    assert delivery.status == WebhookDelivery.Status.FAILED
    assert delivery.error.startswith("tweet_create_events[0].created_at: 'yesterday'")


# --- The CRC check signs nothing a delivery could be -------------------------------


@pytest.mark.parametrize(
    "token",
    [
        '{"for_user_id":"2244994945","tweet_create_events":[]}',  # a whole delivery body
        x_body(tweet_create_events=[tweet("1001")]).decode(),
        "[1,2,3,4,5,6,7,8]",
        "12345678901234",  # a JSON number: a body the webhook would store
        "1.5e+10000",
        "short",
        "a" * 257,
        "token with spaces",
        "ødeleggende-token",
    ],
)
def test_a_crc_token_of_another_shape_is_refused_and_nothing_signed(client, db, token):
    response = client.get(URL, {"crc_token": token})

    assert response.status_code == 400
    assert "response_token" not in response.content.decode()
    with pytest.raises(ValueError):
        x.crc_response("secret", token)


@given(
    st.recursive(
        st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(),
        lambda children: st.lists(children) | st.dictionaries(st.text(), children),
        max_leaves=20,
    )
)
def test_no_json_value_can_be_signed_through_the_crc_check(value):
    body = json.dumps(value, separators=(",", ":"))

    assert not x.is_crc_token(body)
    assert not x.is_crc_token(json.dumps(value))


@given(st.dictionaries(st.text(), st.text() | st.integers(), min_size=1))
def test_no_json_object_can_be_signed_through_the_crc_check(value):
    for body in (json.dumps(value), json.dumps(value, separators=(",", ":")), json.dumps(value, indent=2)):
        assert not x.is_crc_token(body)
