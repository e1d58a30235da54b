"""
Property tests over structured, mutated input for every parser (#10).

Each starts from a real delivery in the platform's format (../shared/PLATFORMS.md),
replaces or removes one field anywhere in it with any JSON value, and checks that the
parser either refuses it with a PayloadError or gives events that fit our columns:
never a TypeError, never a value the database would refuse. The CSV reader gets files
with quotes, delimiters and line breaks anywhere, and a quote left open, and must
lose no row that it does not name.
"""

import csv
import io
import json
from copy import deepcopy

import pytest
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from inbox.connectors import facebook, generic, x, youtube
from inbox.connectors.base import PayloadError
from inbox.connectors.fields import (
    EARLIEST,
    LATEST,
    MAX_ID_LENGTH,
    MAX_LANGUAGE_LENGTH,
    MAX_NAME_LENGTH,
    MAX_TEXT_LENGTH,
    MAX_URL_LENGTH,
)
from inbox.ingest import csv_import as imports
from inbox.ingest import deliveries
from inbox.models import Post, WebhookDelivery
from socialstrategy.links import is_web_link

from .payloads import PAGE_ID, X_ACCOUNT_ID, facebook_signature, fb_comment, tweet, x_signature
from .test_youtube import comments_response, threads_response, yt_comment, yt_thread

KINDS = set(Post.Kind.values)

JSON_VALUES = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(min_value=-(2**70), max_value=2**70)
    | st.floats(allow_nan=False)
    | st.text(max_size=40)
    | st.sampled_from(["", "false", "true", "0", "1" * 300, "javascript:alert(1)", "2026-13-45T00:00:00Z"]),
    lambda children: st.lists(children, max_size=3) | st.dictionaries(st.text(max_size=8), children, max_size=3),
    max_leaves=8,
)


def facebook_payload() -> dict:
    post = {"item": "status", "verb": "add", "post_id": f"{PAGE_ID}_222", "message": "Nytt", "created_time": 1742667604}
    removal = fb_comment("3", verb="remove")
    message = {
        "sender": {"id": "777"},
        "recipient": {"id": PAGE_ID},
        "timestamp": 1742667604000,
        "message": {"mid": "m.1", "text": "Hei", "is_echo": False},
    }
    changes = [{"field": "feed", "value": value} for value in (fb_comment("1"), post, removal)]
    entry = {"id": PAGE_ID, "time": 1742667607, "changes": changes, "messaging": [message]}
    return {"object": "page", "entry": [entry]}


def x_payload() -> dict:
    return {
        "for_user_id": X_ACCOUNT_ID,
        "tweet_create_events": [tweet("1001"), tweet("1002", in_reply_to="1001", full_text="Hele teksten")],
        "direct_message_events": [
            {
                "type": "message_create",
                "id": "dm1",
                "created_timestamp": "1778659200000",
                "message_create": {
                    "target": {"recipient_id": X_ACCOUNT_ID},
                    "sender_id": "555",
                    "message_data": {"text": "Hei"},
                },
            }
        ],
        "users": {"555": {"id": "555", "name": "Ola", "screen_name": "ola"}},
        "tweet_delete_events": [{"status": {"id": "1003", "user_id": "555"}, "timestamp_ms": "1778659200000"}],
    }


def youtube_threads_payload() -> dict:
    thread = yt_thread("UgzThread1", replies=[yt_comment("UgzThread1.r1", parent="UgzThread1")])
    return {
        "kind": youtube.ENVELOPE_KIND,
        "channelId": "UCq3Ht0eDk2dPVk8hE7v1Wjw",
        "resource": "commentThreads",
        "response": threads_response(thread),
    }


def youtube_replies_payload() -> dict:
    return {
        "kind": youtube.ENVELOPE_KIND,
        "channelId": "UCq3Ht0eDk2dPVk8hE7v1Wjw",
        "resource": "comments",
        "parentId": "UgzThread1",
        "videoId": "M7lc1UVf-VE",
        "response": comments_response(yt_comment("UgzThread1.r2", parent="UgzThread1")),
    }


def generic_payload() -> list:
    return [
        {
            "channel": 1,
            "external_id": "a1",
            "kind": "comment",
            "text": "Hei",
            "author": {"external_id": "42", "name": "Kari", "handle": "kari"},
            "published_at": "2026-05-13T10:00:00+02:00",
            "parent_external_id": "p1",
            "url": "https://www.facebook.com/1_2",
            "language": "nb",
        }
    ]


PARSERS = {
    "facebook": (facebook.parse, facebook_payload),
    "x": (x.parse, x_payload),
    "youtube threads": (youtube.parse, youtube_threads_payload),
    "youtube replies": (youtube.parse, youtube_replies_payload),
    "generic": (generic.parse, generic_payload),
}


def paths(value, prefix=()):
    """Every place in a JSON value: the keys and indexes that lead to it."""
    yield prefix
    if isinstance(value, dict):
        for key, item in value.items():
            yield from paths(item, (*prefix, key))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from paths(item, (*prefix, index))


def mutated(payload, path, replacement, remove: bool):
    if not path:
        return replacement
    payload = deepcopy(payload)
    target = payload
    for step in path[:-1]:
        target = target[step]
    if remove:
        del target[path[-1]]
    else:
        target[path[-1]] = replacement
    return payload


def assert_fits_our_columns(batches) -> None:
    for batch in batches:
        assert isinstance(batch.account_id, str) and 0 < len(batch.account_id) <= MAX_ID_LENGTH
        for event in batch.events:
            assert event.action in ("upsert", "delete")
            assert event.kind in KINDS
            for platform_id in (event.external_id, event.parent_external_id, event.thread_external_id):
                assert isinstance(platform_id, str) and len(platform_id) <= MAX_ID_LENGTH
            assert event.external_id
            assert isinstance(event.text, str) and len(event.text) <= MAX_TEXT_LENGTH
            assert isinstance(event.is_ours, bool) and isinstance(event.edited, bool)
            assert len(event.language) <= MAX_LANGUAGE_LENGTH
            assert event.url == "" or (is_web_link(event.url) and len(event.url) <= MAX_URL_LENGTH)
            for moment in (event.published_at, event.edited_at):
                assert moment is None or (moment.tzinfo is not None and EARLIEST <= moment < LATEST)
            if event.author is not None:
                assert 0 < len(event.author.external_id) <= MAX_ID_LENGTH
                assert len(event.author.name) <= MAX_NAME_LENGTH and len(event.author.handle) <= MAX_NAME_LENGTH


@pytest.mark.parametrize("name", list(PARSERS))
def test_the_unmutated_deliveries_parse(name):
    parse, payload = PARSERS[name]

    batches = parse(json.dumps(payload()).encode())

    assert sum(len(batch.events) for batch in batches) >= 1
    assert_fits_our_columns(batches)


@pytest.mark.parametrize("name", list(PARSERS))
@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_one_field_changed_anywhere_is_refused_with_a_reason_or_fits_our_columns(name, data):
    parse, make = PARSERS[name]
    payload = make()
    path = data.draw(st.sampled_from(list(paths(payload))), label="path")
    remove = bool(path) and data.draw(st.booleans(), label="remove")
    body = json.dumps(mutated(payload, path, data.draw(JSON_VALUES, label="value"), remove)).encode()

    try:
        batches = parse(body)
    except PayloadError as exc:
        assert str(exc)  # a reason, never an empty one
        return
    assert_fits_our_columns(batches)


# The CSV reader.

HEADER = ["Id", "Tekst", "Dato"]
CELL = st.text(alphabet=st.sampled_from('ab ,;"\n\r\tæøå'), max_size=12)
# A later row's value that begins with a quote, the delimiter or a line break, right
# where a quote left open closes, makes valid CSV of the rows between: no reader can
# tell it from a value with line breaks in it. Every other value may follow one.
LATER_CELL = CELL.filter(lambda text: not text.startswith(('"', ",", "\n", "\r")))


def csv_line(row: list[str]) -> str:
    buffer = io.StringIO(newline="")
    csv.writer(buffer, lineterminator="\r\n").writerow(row)
    return buffer.getvalue()


def physical_lines(text: str) -> int:
    return len(io.StringIO(text, newline="").readlines())


def rows_of(text: str) -> list[imports.CsvRecord]:
    return list(imports.read_table(text.encode(), delimiter=",").records())


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet=st.sampled_from('ab1 ,;"\n\r\t'), max_size=300))
def test_any_text_is_read_as_rows_with_increasing_lines_or_refused_with_a_reason(text):
    try:
        records = rows_of("Id,Tekst,Dato\r\n" + text)
    except imports.CsvFileError as exc:
        assert str(exc)
        return
    lines = [record.line for record in records]
    assert lines == sorted(set(lines))
    assert all(2 <= line <= text.count("\n") + text.count("\r") + 2 for line in lines)
    for record in records:
        try:
            imports.row_event(
                record, mapping={"external_id": "Id", "text": "Tekst", "published_at": "Dato"}, channel_id=1
            )
        except PayloadError as exc:
            assert str(exc)


@settings(max_examples=200, deadline=None)
@given(
    texts=st.lists(LATER_CELL, min_size=1, max_size=12),
    broken=st.integers(min_value=0),
    opening=st.text(alphabet=st.sampled_from("ab ;æ"), max_size=10),
)
def test_a_quote_left_open_costs_its_own_row_and_no_other(texts, broken, opening):
    rows = [csv_line([str(number), text, "13.05.2026 10:00"]) for number, text in enumerate(texts, start=1)]
    # Break a row that is on one line (one with line breaks in its text spans several).
    one_line_rows = [index for index, row in enumerate(rows) if physical_lines(row) == 1]
    if not one_line_rows:
        return
    index = one_line_rows[broken % len(one_line_rows)]
    rows[index] = f'{index + 1},"{opening},13.05.2026 10:00\r\n'
    broken_line = 2 + sum(physical_lines(row) for row in rows[:index])

    records = rows_of(csv_line(HEADER) + "".join(rows))

    read = {record.values.get("Id") for record in records if record.problem is None}
    named = [record for record in records if record.problem is not None]
    expected = {str(number) for number in range(1, len(rows) + 1)} - {str(index + 1)}
    assert expected <= read, (expected - read, [str(record.problem) for record in named])
    assert [record.line for record in named] == [broken_line]


# Through the webhooks: what is signed is stored, and its processing ends with a reason.

SIGNED = {
    "facebook": ("webhooks:facebook", facebook_payload, lambda body: {"x-hub-signature-256": facebook_signature(body)}),
    "x": ("webhooks:x", x_payload, lambda body: {"x-twitter-webhooks-signature": x_signature(body)}),
}


@pytest.mark.django_db
@pytest.mark.parametrize("name", list(SIGNED))
@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow]
)
@given(data=st.data())
def test_every_signed_delivery_is_stored_and_ends_processed_ignored_or_failed_with_a_reason(
    client, facebook_page, x_account, name, data
):
    url, make, sign = SIGNED[name]
    payload = make()
    path = data.draw(st.sampled_from(list(paths(payload))), label="path")
    remove = bool(path) and data.draw(st.booleans(), label="remove")
    body = json.dumps(mutated(payload, path, data.draw(JSON_VALUES, label="value"), remove)).encode()
    before = WebhookDelivery.objects.count()

    response = client.post(reverse(url), body, content_type="application/json", headers=sign(body))

    assert response.status_code == 200
    assert WebhookDelivery.objects.count() == before + 1
    delivery = WebhookDelivery.objects.latest("pk")
    assert bytes(delivery.body) == body
    deliveries.process_delivery(delivery_id=delivery.pk)
    delivery.refresh_from_db()
    assert delivery.status in ("processed", "ignored", "failed")
    if delivery.status == "failed":
        assert delivery.error
