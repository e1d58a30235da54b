import json

import pytest
from django.urls import reverse

from inbox.models import Author, Post, WebhookDelivery
from inbox.triage import tasks as triage_tasks

from .payloads import FACEBOOK_VERIFY_TOKEN, PAGE_ID, facebook_body, facebook_signature, fb_comment

URL = reverse("webhooks:facebook")

# The test vector of ../shared/PLATFORMS.md, byte for byte.
VECTOR_BODY = (
    b'{"object":"page","entry":[{"id":"1234567890","time":1742667607,"changes":[{"field":"feed","value":'
    b'{"item":"comment","verb":"add","comment_id":"111_222","post_id":"1234567890_111","parent_id":"1234567890_111",'
    b'"from":{"id":"999","name":"Kari Nordmann"},"message":"Hei! N\\u00e5r \\u00e5pner dere?",'
    b'"created_time":1742667604}}]}]}'
)
VECTOR_SIGNATURE = "sha256=867bb47c6a7b02ba5a4c28f7998814f5fa7295f8636f899e10d3a74ff3e36b4b"


@pytest.fixture
def post_delivery(client, django_capture_on_commit_callbacks, eager_tasks):
    def post(body: bytes, signature: str | None = "sign"):
        headers = {}
        if signature == "sign":
            signature = facebook_signature(body)
        if signature is not None:
            headers["x-hub-signature-256"] = signature
        with django_capture_on_commit_callbacks(execute=True):
            return client.post(URL, body, content_type="application/json", headers=headers)

    return post


def test_it_answers_the_verification_handshake(client, db):
    params = {"hub.mode": "subscribe", "hub.challenge": "1158201444", "hub.verify_token": FACEBOOK_VERIFY_TOKEN}

    response = client.get(URL, params)

    assert response.status_code == 200
    assert response.content == b"1158201444"
    assert response["Content-Type"].startswith("text/plain")


def test_it_refuses_a_handshake_with_the_wrong_token(client, db):
    params = {"hub.mode": "subscribe", "hub.challenge": "1158201444", "hub.verify_token": "guess"}

    assert client.get(URL, params).status_code == 403


def test_it_stores_and_processes_the_test_vector(post_delivery, facebook_page):
    response = post_delivery(VECTOR_BODY, VECTOR_SIGNATURE)

    assert response.status_code == 200
    delivery = WebhookDelivery.objects.get()
    assert bytes(delivery.body) == VECTOR_BODY
    assert delivery.headers["X-Hub-Signature-256"] == VECTOR_SIGNATURE
    assert delivery.status == WebhookDelivery.Status.PROCESSED
    assert delivery.posts_created == 1
    post = Post.objects.get()
    assert (post.external_id, post.kind, post.text) == ("111_222", "comment", "Hei! Når åpner dere?")
    assert post.author.name == "Kari Nordmann"
    assert post.published_at.timestamp() == 1742667604
    assert post.thread_external_id == "1234567890_111"
    assert not post.is_ours
    assert post.status == Post.Status.OPEN  # handed to triage on commit


@pytest.mark.parametrize("signature", [None, "sha256=" + "0" * 64, "sha1=abc", VECTOR_SIGNATURE.upper()])
def test_it_refuses_a_bad_or_missing_signature_and_stores_nothing(post_delivery, facebook_page, signature):
    response = post_delivery(VECTOR_BODY, signature)

    assert response.status_code == 403
    assert WebhookDelivery.objects.count() == 0


def test_a_signature_over_other_bytes_is_refused(post_delivery, facebook_page):
    # Same JSON, other bytes: the signature covers the raw body, not its meaning.
    reformatted = json.dumps(json.loads(VECTOR_BODY)).encode()

    assert post_delivery(reformatted, VECTOR_SIGNATURE).status_code == 403


def test_a_signed_body_that_is_not_json_is_kept_as_failed(post_delivery, facebook_page):
    response = post_delivery(b'{"object": "page", "entry": [')

    assert response.status_code == 200
    delivery = WebhookDelivery.objects.get()
    assert delivery.status == WebhookDelivery.Status.FAILED
    assert delivery.error.startswith("Not JSON")


def test_signed_json_of_the_wrong_shape_is_kept_as_failed_with_where(post_delivery, facebook_page):
    body = json.dumps({"object": "page", "entry": [{"id": PAGE_ID, "changes": [{"field": "feed"}]}]}).encode()

    assert post_delivery(body).status_code == 200

    delivery = WebhookDelivery.objects.get()
    assert delivery.status == WebhookDelivery.Status.FAILED
    assert delivery.error == "entry[0].changes[0].value: missing; expected an object"


def test_it_answers_413_to_a_body_over_one_mebibyte(post_delivery, facebook_page):
    body = facebook_body(fb_comment("1", "x" * (1024 * 1024)))

    assert post_delivery(body).status_code == 413
    assert WebhookDelivery.objects.count() == 0


def test_a_page_we_do_not_run_is_ignored_with_the_reason(post_delivery, facebook_page):
    post_delivery(facebook_body(fb_comment("1"), page_id="4444"))

    delivery = WebhookDelivery.objects.get()
    assert delivery.status == WebhookDelivery.Status.IGNORED
    assert delivery.error == "No active facebook channel has the id 4444."
    assert Post.objects.count() == 0


def test_an_inactive_channel_receives_nothing(post_delivery, facebook_page):
    facebook_page.is_active = False
    facebook_page.save()

    post_delivery(facebook_body(fb_comment("1")))

    assert WebhookDelivery.objects.get().status == WebhookDelivery.Status.IGNORED


def test_a_retried_delivery_makes_no_second_post(post_delivery, facebook_page):
    body = facebook_body(fb_comment("1"))

    post_delivery(body)
    post_delivery(body)

    assert WebhookDelivery.objects.count() == 2
    assert Post.objects.count() == 1
    assert Author.objects.count() == 1
    assert WebhookDelivery.objects.order_by("pk").last().posts_created == 0


def test_a_reply_is_linked_to_its_comment_and_thread(post_delivery, facebook_page):
    post_delivery(facebook_body(fb_comment("1", "Hvor er butikken?")))
    post_delivery(facebook_body(fb_comment("2", "Lurer på det samme", parent="111_1", sender=("888", "Per"))))

    reply = Post.objects.get(external_id="111_2")
    assert reply.kind == Post.Kind.REPLY
    assert reply.parent.external_id == "111_1"
    assert reply.thread_external_id == f"{PAGE_ID}_111"


def test_a_reply_that_arrives_before_its_comment_is_linked_when_the_comment_comes(post_delivery, facebook_page):
    post_delivery(facebook_body(fb_comment("2", "Enig!", parent="111_1", sender=("888", "Per"))))
    assert Post.objects.get(external_id="111_2").parent is None

    post_delivery(facebook_body(fb_comment("1", "Hvor er butikken?")))

    assert Post.objects.get(external_id="111_2").parent.external_id == "111_1"


def test_the_pages_own_comment_is_ours_and_answers_its_parent(post_delivery, facebook_page):
    post_delivery(facebook_body(fb_comment("1", "Hvor er butikken?", created=1742667604)))

    post_delivery(
        facebook_body(
            fb_comment(
                "2", "Hei Kari! Vi åpner kl. 9.", parent="111_1", sender=(PAGE_ID, "Bedriften"), created=1742667700
            )
        )
    )

    ours = Post.objects.get(external_id="111_2")
    assert ours.is_ours
    question = Post.objects.get(external_id="111_1")
    assert question.first_response_at.timestamp() == 1742667700


def test_an_edit_replaces_the_text(post_delivery, facebook_page):
    post_delivery(facebook_body(fb_comment("1", "Hvor er butikken")))

    post_delivery(facebook_body(fb_comment("1", "Hvor er butikken i Bergen?", verb="edited")))

    post = Post.objects.get()
    assert post.text == "Hvor er butikken i Bergen?"
    assert post.edited_at is not None


def test_an_edit_that_arrives_before_its_add_wins(post_delivery, facebook_page):
    post_delivery(facebook_body(fb_comment("1", "Ny tekst", verb="edited")))
    post_delivery(facebook_body(fb_comment("1", "Gammel tekst")))

    post = Post.objects.get()
    assert post.text == "Ny tekst"
    assert post.edited_at is not None


def test_a_remove_keeps_a_tombstone_that_a_late_add_does_not_raise(post_delivery, facebook_page):
    post_delivery(facebook_body(fb_comment("1", "Dette er svindel")))

    post_delivery(facebook_body(fb_comment("1", verb="remove", sender=("999", ""))))
    post_delivery(facebook_body(fb_comment("1", "Dette er svindel")))

    post = Post.objects.get()
    assert post.deleted_at is not None
    assert post.text == "Dette er svindel"


def test_a_remove_before_the_add_leaves_a_tombstone(post_delivery, facebook_page):
    post_delivery(facebook_body(fb_comment("1", verb="remove", sender=("999", ""))))
    post_delivery(facebook_body(fb_comment("1", "For sent")))

    post = Post.objects.get()
    assert post.deleted_at is not None
    assert post.text == ""


def test_a_missing_name_keeps_the_name_we_knew(post_delivery, facebook_page):
    post_delivery(facebook_body(fb_comment("1")))
    post_delivery(facebook_body(fb_comment("2", sender=("999", ""))))

    assert Author.objects.get().name == "Kari Nordmann"
    assert Post.objects.get(external_id="111_2").author.name == "Kari Nordmann"


def test_reactions_are_not_posts(post_delivery, facebook_page):
    reaction = {"item": "reaction", "verb": "add", "post_id": f"{PAGE_ID}_111", "reaction_type": "love"}

    post_delivery(facebook_body(reaction))

    delivery = WebhookDelivery.objects.get()
    assert delivery.status == WebhookDelivery.Status.PROCESSED
    assert "'reaction' is not a post or comment" in delivery.error
    assert Post.objects.count() == 0


def test_a_visitor_post_on_the_page_is_a_post(post_delivery, facebook_page):
    value = {
        "item": "post",
        "verb": "add",
        "post_id": f"{PAGE_ID}_333",
        "from": {"id": "777", "name": "Lise"},
        "message": "Appen krasjer hver gang jeg logger inn",
        "created_time": 1742667604,
    }

    post_delivery(facebook_body(value))

    post = Post.objects.get()
    assert (post.kind, post.external_id, post.is_ours) == ("post", f"{PAGE_ID}_333", False)


def test_messenger_messages_and_our_echoes(post_delivery, facebook_page):
    messaging = [
        {
            "sender": {"id": "4321"},
            "recipient": {"id": PAGE_ID},
            "timestamp": 1742667604123,
            "message": {"mid": "m_abc", "text": "Hei, pakken min har ikke kommet"},
        },
        {
            "sender": {"id": PAGE_ID},
            "recipient": {"id": "4321"},
            "timestamp": 1742667705000,
            "message": {"mid": "m_def", "text": "Beklager! Vi sjekker.", "is_echo": True},
        },
    ]

    post_delivery(facebook_body(messaging=messaging))
    post_delivery(facebook_body(messaging=messaging[:1]))

    incoming = Post.objects.get(external_id="m_abc")
    assert (incoming.kind, incoming.is_ours, incoming.author.external_id) == ("direct_message", False, "4321")
    assert Post.objects.get(external_id="m_def").is_ours
    assert Post.objects.count() == 2


def test_a_batch_of_a_thousand_changes_in_one_post(post_delivery, facebook_page, monkeypatch):
    changes = [
        fb_comment(str(n), f"Kommentar {n}", sender=(str(10_000 + n % 50), f"Person {n % 50}")) for n in range(1000)
    ]
    # Each new post is handed to triage once; triage itself is tested elsewhere, and is not run here.
    handed_to_triage = []
    monkeypatch.setattr(triage_tasks.triage_post_task, "apply_async", lambda args, **kw: handed_to_triage.append(args))

    response = post_delivery(facebook_body(*changes))

    assert response.status_code == 200
    assert Post.objects.count() == 1000
    assert Author.objects.count() == 50
    assert WebhookDelivery.objects.get().posts_created == 1000
    assert sorted(handed_to_triage) == sorted((pk,) for pk in Post.objects.values_list("pk", flat=True))
