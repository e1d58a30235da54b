"""Hostile JSON ends in a reason, never a 500, and what is authentic is stored (#10)."""

import contextlib
import json

import pytest
from django.urls import reverse
from hypothesis import given, settings
from hypothesis import strategies as st
from rest_framework.test import APIClient

from inbox.connectors import facebook, generic, x, youtube
from inbox.connectors.base import MAX_JSON_DEPTH, PayloadError, load_json
from inbox.models import Post, WebhookDelivery

from .payloads import facebook_body, facebook_signature, fb_comment

pytestmark = pytest.mark.django_db

DEEP = b'{"object": "page", "entry": ' + b"[" * 5000 + b"]" * 5000 + b"}"


def test_json_nested_too_deep_is_a_reason_not_a_recursion_error():
    with pytest.raises(PayloadError, match="nested deeper than 64 levels"):
        load_json(DEEP)
    assert load_json(b"[" * MAX_JSON_DEPTH + b"]" * MAX_JSON_DEPTH) is not None
    # Brackets inside strings are text, not depth.
    assert load_json(json.dumps({"text": "[" * 500}).encode()) == {"text": "[" * 500}


def test_nul_and_lone_surrogates_come_back_safe_to_store():
    assert load_json(b'{"text": "a\\u0000b", "name": "\\ud800x"}') == {"text": "ab", "name": "\ufffdx"}


def test_a_signed_delivery_nested_too_deep_is_stored_failed_with_the_reason_and_answered_200(client, facebook_page):
    response = client.post(
        reverse("webhooks:facebook"),
        DEEP,
        content_type="application/json",
        headers={"x-hub-signature-256": facebook_signature(DEEP)},
    )

    assert response.status_code == 200
    delivery = WebhookDelivery.objects.get()
    assert delivery.status == "failed"
    assert "nested deeper than 64 levels" in delivery.error
    assert bytes(delivery.body) == DEEP


@pytest.fixture
def api(ingrid):
    client = APIClient()
    client.force_authenticate(ingrid)
    return client


def test_the_api_answers_a_body_nested_too_deep_with_400_and_the_reason(api, facebook_page):
    response = api.generic("POST", reverse("api:post-list"), DEEP, content_type="application/json")

    assert response.status_code == 400
    assert "nested deeper than 64 levels" in response.json()["detail"]


def test_the_api_stores_a_post_with_nul_and_a_lone_surrogate_safely(api, facebook_page):
    body = json.dumps(
        {
            "channel": facebook_page.pk,
            "external_id": "nul-1",
            "text": "Hei\u0000 der",
            "published_at": "2026-05-13T10:00:00+02:00",
            "undeclared": "\ud800",
        }
    ).encode()

    response = api.generic("POST", reverse("api:post-list"), body, content_type="application/json")

    assert response.status_code == 201, response.content
    post = Post.objects.get()
    assert post.text == "Hei der"
    assert post.raw["undeclared"] == "\ufffd"


@pytest.mark.postgres
def test_nul_and_lone_surrogates_reach_postgresql_safely(api, facebook_page):
    test_the_api_stores_a_post_with_nul_and_a_lone_surrogate_safely(api, facebook_page)


@settings(max_examples=200, deadline=None)
@given(st.binary(max_size=2000) | st.text(max_size=2000).map(str.encode))
def test_every_parser_answers_any_bytes_with_events_or_a_payload_error(body):
    for parse in (facebook.parse, x.parse, generic.parse, youtube.parse):
        with contextlib.suppress(PayloadError):
            parse(body)


def test_a_real_delivery_still_parses():
    batches = facebook.parse(facebook_body(fb_comment("1")))

    assert batches[0].events[0].external_id.endswith("_1")
