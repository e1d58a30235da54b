import json
from datetime import UTC, datetime, timedelta

import pytest
from django.core.management import call_command
from django.urls import reverse
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from inbox.models import Post, WebhookDelivery
from tests.factories import PASSWORD, PUBLISHED, AuthorFactory, ChannelFactory, PostFactory, TeamFactory

LIST = reverse("api:post-list")
T0 = PUBLISHED  # 2026-05-13 08:00 UTC: when PostFactory's posts are published, unless a test says otherwise

pytestmark = pytest.mark.django_db


def detail(post_id: int) -> str:
    return reverse("api:post-detail", args=[post_id])


def token_client(user) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=user).key}")
    return client


def generic_post(channel, external_id: str = "c1", **fields) -> dict:
    return {
        "channel": channel.pk,
        "external_id": external_id,
        "kind": "comment",
        "text": "Hei! Når åpner butikken i Bodø?",
        "author": {"external_id": "42", "name": "Kari Nordmann", "handle": "kari"},
        "published_at": "2026-05-13T10:00:00+02:00",
        **fields,
    }


def send(client: APIClient, payload) -> object:
    """POST the payload as the raw JSON bytes an integration would send."""
    return client.post(LIST, json.dumps(payload).encode(), content_type="application/json")


@pytest.fixture
def channel(db):
    return ChannelFactory(slug="facebook", platform="facebook", name="Facebook", external_id="1234567890")


# Authentication


def test_it_lists_posts_for_a_token(lars, channel):
    PostFactory(channel=channel, external_id="c1", text="Hei")

    response = token_client(lars).get(LIST)

    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert [post["external_id"] for post in response.json()["results"]] == ["c1"]


def test_it_lists_posts_for_a_session(client, lars, channel):
    PostFactory(channel=channel, external_id="c1")
    client.post(reverse("login"), {"username": "lars", "password": PASSWORD})

    response = client.get(LIST, headers={"accept": "application/json"})

    assert response.status_code == 200
    assert response.json()["results"][0]["external_id"] == "c1"


def test_it_accepts_a_token_made_with_drf_create_token(lars, channel):
    call_command("drf_create_token", "lars", stdout=None)
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.get(user=lars).key}")

    assert client.get(LIST).status_code == 200


@pytest.mark.parametrize("method", ["get", "post"])
def test_it_answers_anonymous_requests_401_in_json_not_with_the_login_page(client, channel, method):
    response = getattr(client, method)(LIST, headers={"accept": "application/json"})

    assert response.status_code == 401
    assert response["Content-Type"] == "application/json"
    assert response["WWW-Authenticate"] == "Token"
    assert "detail" in response.json()


def test_it_refuses_an_unknown_token(channel):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION="Token 0123456789abcdef0123456789abcdef01234567")

    assert client.get(LIST).status_code == 401


# Roles: view_post reads, change_post writes


@pytest.mark.parametrize(("persona", "status"), [("ingrid", 200), ("lars", 200), ("ola", 403), ("nina", 403)])
def test_reading_follows_the_view_post_permission(request, channel, persona, status):
    post = PostFactory(channel=channel, external_id="c1")
    client = token_client(request.getfixturevalue(persona))

    assert client.get(LIST).status_code == status
    assert client.get(detail(post.pk)).status_code == status


@pytest.mark.parametrize(("persona", "status"), [("ingrid", 201), ("lars", 403), ("ola", 403), ("nina", 403)])
def test_only_the_change_post_permission_ingests(request, channel, persona, status):
    response = send(token_client(request.getfixturevalue(persona)), generic_post(channel))

    assert response.status_code == status
    assert Post.objects.count() == (1 if status == 201 else 0)
    assert WebhookDelivery.objects.count() == (1 if status == 201 else 0)


def test_a_forbidden_user_gets_403_whatever_the_parameters(ola, channel):
    response = token_client(ola).get(LIST, {"published_after": "not a date"})

    assert response.status_code == 403


def test_a_session_post_needs_the_csrf_token(ingrid, channel):
    # As Swagger UI does: the session cookie, and the CSRF cookie's value in a header.
    client = APIClient(enforce_csrf_checks=True)
    client.get(reverse("login"))  # sets the CSRF cookie
    client.force_login(ingrid)
    body = json.dumps(generic_post(channel)).encode()

    refused = client.post(LIST, body, content_type="application/json")
    headers = {"X-CSRFToken": client.cookies["csrftoken"].value}
    accepted = client.post(LIST, body, content_type="application/json", headers=headers)

    assert refused.status_code == 403
    assert accepted.status_code == 201


# Reading


def test_it_shows_a_post_with_its_author_and_workflow(lars, ingrid, channel):
    author = AuthorFactory(external_id="42", name="Kari Nordmann", handle="kari")
    parent = PostFactory(channel=channel, external_id="p1", kind=Post.Kind.POST)
    team = TeamFactory()
    post = PostFactory(
        channel=channel,
        external_id="c1",
        text="Appen virker ikke",
        author=author,
        parent=parent,
        must_reply=True,
        categories=["technical_problem"],
        priority=Post.Priority.HIGH,
        status=Post.Status.OPEN,
        due_at=T0 + timedelta(hours=4),
        assignee=ingrid,
        team=team,
        url="https://www.facebook.com/1234567890/posts/1",
        language="nb",
    )

    data = token_client(lars).get(detail(post.pk)).json()

    assert set(data) == {
        "id",
        "channel",
        "external_id",
        "kind",
        "text",
        "author",
        "published_at",
        "received_at",
        "status",
        "must_reply",
        "categories",
        "priority",
        "due_at",
        "first_response_at",
        "breached_at",
        "assignee",
        "team",
        "parent",
        "url",
        "refused_url",
        "language",
        "is_ours",
        "edited_at",
        "deleted_at",
    }
    assert data["author"] == {
        "id": author.pk,
        "platform": "facebook",
        "external_id": "42",
        "name": "Kari Nordmann",
        "handle": "kari",
    }
    assert (data["channel"], data["parent"], data["assignee"], data["team"]) == (
        channel.pk,
        parent.pk,
        ingrid.pk,
        team.pk,
    )
    assert (data["status"], data["must_reply"], data["categories"], data["priority"]) == (
        "open",
        True,
        ["technical_problem"],
        "high",
    )
    assert datetime.fromisoformat(data["published_at"]) == T0
    assert datetime.fromisoformat(data["due_at"]) == T0 + timedelta(hours=4)
    assert data["first_response_at"] is None


def test_options_describe_what_a_post_sends(ingrid, channel):
    actions = token_client(ingrid).options(LIST).json()["actions"]["POST"]

    assert {"channel", "external_id", "kind", "author", "published_at", "parent_external_id"} <= set(actions)
    assert "due_at" not in actions


def test_an_unknown_post_is_404(lars, channel):
    assert token_client(lars).get(detail(999999)).status_code == 404


# Filters


@pytest.fixture
def varied_posts(channel, ingrid, lars):
    other_channel = ChannelFactory(slug="x", platform="x", name="X")
    return {
        "question": PostFactory(
            channel=channel,
            external_id="question",
            must_reply=True,
            categories=["product_question"],
            status=Post.Status.NEW,
            published_at=T0,
        ),
        "complaint": PostFactory(
            channel=channel,
            external_id="complaint",
            must_reply=True,
            categories=["dissatisfied_customer", "negative"],
            status=Post.Status.OPEN,
            assignee=ingrid,
            published_at=T0 + timedelta(hours=1),
        ),
        "praise": PostFactory(
            channel=channel,
            external_id="praise",
            categories=[],
            status=Post.Status.CLOSED,
            published_at=T0 + timedelta(hours=2),
        ),
        "tweet": PostFactory(
            channel=other_channel,
            external_id="tweet",
            must_reply=True,
            categories=["negative_review"],
            status=Post.Status.OPEN,
            assignee=lars,
            published_at=T0 + timedelta(hours=3),
        ),
    }


def listed(client: APIClient, **params) -> list[str]:
    response = client.get(LIST, params)
    assert response.status_code == 200, response.json()
    return [post["external_id"] for post in response.json()["results"]]


def test_it_lists_the_newest_first(lars, varied_posts):
    assert listed(token_client(lars)) == ["tweet", "praise", "complaint", "question"]


def test_it_filters_by_channel(lars, varied_posts):
    channel_id = varied_posts["tweet"].channel_id

    assert listed(token_client(lars), channel=channel_id) == ["tweet"]


def test_it_filters_by_status(lars, varied_posts):
    assert listed(token_client(lars), status="open") == ["tweet", "complaint"]


@pytest.mark.parametrize(("value", "expected"), [("true", ["tweet", "complaint", "question"]), ("false", ["praise"])])
def test_it_filters_by_must_reply(lars, varied_posts, value, expected):
    assert listed(token_client(lars), must_reply=value) == expected


@pytest.mark.parametrize(
    ("code", "expected"),
    [
        ("negative", ["complaint"]),  # an element of the list, not a part of "negative_review"
        ("negative_review", ["tweet"]),
        ("product_question", ["question"]),
        ("factual_error", []),
    ],
)
def test_it_filters_by_category_on_this_database(lars, varied_posts, code, expected):
    assert listed(token_client(lars), category=code) == expected


def test_it_filters_by_assignee(lars, ingrid, varied_posts):
    assert listed(token_client(lars), assignee=ingrid.pk) == ["complaint"]


def test_it_filters_by_publication_time(lars, varied_posts):
    client = token_client(lars)

    assert listed(client, published_after="2026-05-13T09:00:00Z") == ["tweet", "praise", "complaint"]
    assert listed(client, published_before="2026-05-13T09:00:00Z") == ["question"]
    # A date alone is its midnight.
    assert listed(client, published_after="2026-05-14") == []
    assert listed(client, published_before="2026-05-14") == ["tweet", "praise", "complaint", "question"]
    # Without a zone the time is Norwegian: 12:00 in Oslo is 10:00 UTC in May.
    assert listed(client, published_after="2026-05-13T12:00", published_before="2026-05-13T13:00") == ["praise"]


def test_the_filters_combine(lars, varied_posts, channel):
    assert listed(token_client(lars), channel=channel.pk, must_reply="true", status="new") == ["question"]


@pytest.mark.parametrize(
    ("parameter", "value"),
    [
        ("published_after", "yesterday"),
        ("published_before", "2026-13-45T10:00:00Z"),
        ("must_reply", "maybe"),
        ("status", "lost"),
        ("channel", "facebook"),
        ("assignee", "-1"),
        ("category", "Robert'); DROP TABLE"),
    ],
)
def test_a_bad_filter_value_is_400_naming_the_parameter(lars, varied_posts, parameter, value):
    response = token_client(lars).get(LIST, {parameter: value})

    assert response.status_code == 400
    assert list(response.json()) == [parameter]


# Pagination


def test_it_pages_with_a_cursor_through_every_post_once(lars, channel):
    # Some posts share a publication time: the id orders them, and none is lost or repeated.
    posts = [
        PostFactory(channel=channel, external_id=f"c{n}", published_at=T0 + timedelta(minutes=n // 2)) for n in range(7)
    ]
    expected = [post.external_id for post in sorted(posts, key=lambda p: (p.published_at, p.pk), reverse=True)]
    client = token_client(lars)

    seen, url, pages = [], f"{LIST}?page_size=2", 0
    while url:
        page = client.get(url).json()
        seen += [post["external_id"] for post in page["results"]]
        url, pages = page["next"], pages + 1

    assert seen == expected
    assert pages == 4


def test_the_next_page_keeps_the_filters(lars, channel):
    for n in range(3):
        PostFactory(
            channel=channel, external_id=f"open{n}", status=Post.Status.OPEN, published_at=T0 + timedelta(hours=n)
        )
        PostFactory(
            channel=channel, external_id=f"new{n}", status=Post.Status.NEW, published_at=T0 + timedelta(hours=n)
        )
    client = token_client(lars)

    first = client.get(LIST, {"status": "open", "page_size": 2}).json()
    second = client.get(first["next"]).json()

    assert [post["external_id"] for post in first["results"] + second["results"]] == ["open2", "open1", "open0"]
    assert second["next"] is None
    assert second["previous"] is not None


@pytest.mark.parametrize("count", [3, 30])
def test_the_list_costs_a_fixed_number_of_queries(lars, ingrid, channel, count, django_assert_max_num_queries):
    team = TeamFactory()
    for n in range(count):
        author = AuthorFactory(external_id=str(n), name=f"Author {n}")
        PostFactory(
            channel=channel,
            external_id=f"c{n}",
            author=author,
            assignee=ingrid,
            team=team,
            published_at=T0 + timedelta(minutes=n),
        )
    client = token_client(lars)

    # The token and its user, the user's and the groups' permissions, the page.
    with django_assert_max_num_queries(4):
        response = client.get(LIST, {"page_size": 50})

    assert len(response.json()["results"]) == count


# Ingesting


def test_it_ingests_a_post_and_answers_201_with_it(ingrid, channel):
    payload = generic_post(channel, "c1", parent_external_id="p0", url="https://facebook.com/p/1", language="nb")

    response = send(token_client(ingrid), payload)

    assert response.status_code == 201
    post = Post.objects.get()
    data = response.json()
    assert data["id"] == post.pk
    assert (data["channel"], data["external_id"], data["kind"], data["text"]) == (
        channel.pk,
        "c1",
        "comment",
        "Hei! Når åpner butikken i Bodø?",
    )
    assert data["author"]["name"] == "Kari Nordmann"
    assert (data["url"], data["language"], data["status"]) == ("https://facebook.com/p/1", "nb", "new")
    assert post.published_at == datetime(2026, 5, 13, 8, 0, tzinfo=UTC)
    assert post.parent_external_id == "p0"


def test_it_stores_the_request_as_an_api_delivery(ingrid, channel):
    raw = json.dumps(generic_post(channel), indent=2).encode()

    token_client(ingrid).post(LIST, raw, content_type="application/json", headers={"user-agent": "crm-sync/1.0"})

    delivery = WebhookDelivery.objects.get()
    assert delivery.source == WebhookDelivery.Source.API
    assert delivery.status == WebhookDelivery.Status.PROCESSED
    assert bytes(delivery.body) == raw
    assert delivery.headers["User-Agent"] == "crm-sync/1.0"
    # Never the caller's token.
    assert "Authorization" not in delivery.headers
    assert Post.objects.get().delivery == delivery


def test_sending_the_same_post_again_answers_200_and_changes_nothing(ingrid, channel):
    client = token_client(ingrid)

    first = send(client, generic_post(channel, "c1"))
    again = send(client, generic_post(channel, "c1", text="Another text"))

    assert (first.status_code, again.status_code) == (201, 200)
    assert again.json()["id"] == first.json()["id"]
    assert again.json()["text"] == "Hei! Når åpner butikken i Bodø?"
    assert Post.objects.count() == 1
    assert WebhookDelivery.objects.count() == 2


def test_the_same_external_id_on_another_channel_is_another_post(ingrid, channel):
    other = ChannelFactory(slug="x", platform="x", name="X")
    client = token_client(ingrid)

    assert send(client, generic_post(channel, "c1")).status_code == 201
    assert send(client, generic_post(other, "c1")).status_code == 201
    assert Post.objects.count() == 2


def test_a_reply_sent_before_its_parent_is_linked_when_the_parent_comes(ingrid, lars, channel):
    writer = token_client(ingrid)

    reply = send(writer, generic_post(channel, "r1", kind="reply", parent_external_id="p1")).json()
    assert reply["parent"] is None
    parent = send(writer, generic_post(channel, "p1", kind="post")).json()

    assert token_client(lars).get(detail(reply["id"])).json()["parent"] == parent["id"]


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"external_id": None}, "external_id"),
        ({"external_id": ""}, "external_id"),
        ({"external_id": "x" * 129}, "external_id"),
        # Accepted by DRF as text, refused by the generic connector that reads the delivery.
        ({"external_id": 1.5}, "external_id"),
        ({"kind": "story"}, "kind"),
        ({"published_at": None}, "published_at"),
        ({"published_at": "13.05.2026 10:00"}, "published_at"),
        ({"published_at": "2026-05-13T10:00:00"}, "published_at"),
        ({"author": {"name": "Kari"}}, "author"),
        ({"author": "Kari"}, "author"),
        ({"channel": None}, "channel"),
        ({"channel": "facebook"}, "channel"),
        ({"channel": 999999}, "channel"),
        ({"language": "norsk bokmål (Norge)"}, "language"),
    ],
)
def test_a_bad_field_is_400_naming_it_and_stores_nothing(ingrid, channel, change, field):
    payload = {**generic_post(channel), **change}
    if change.get(field, "") is None:
        del payload[field]

    response = send(token_client(ingrid), payload)

    assert response.status_code == 400
    assert field in response.json()
    assert WebhookDelivery.objects.count() == 0
    assert Post.objects.count() == 0


def test_an_inactive_channel_is_400_on_channel(ingrid):
    channel = ChannelFactory(is_active=False)

    response = send(token_client(ingrid), generic_post(channel))

    assert response.status_code == 400
    assert list(response.json()) == ["channel"]
    assert WebhookDelivery.objects.count() == 0


def test_a_list_of_posts_is_refused(ingrid, channel):
    response = send(token_client(ingrid), [generic_post(channel, "c1"), generic_post(channel, "c2")])

    assert response.status_code == 400
    assert Post.objects.count() == 0


def test_only_json_is_accepted(ingrid, channel):
    response = token_client(ingrid).post(LIST, {"channel": channel.pk, "external_id": "c1"}, format="multipart")

    assert response.status_code == 415
    assert WebhookDelivery.objects.count() == 0


def test_a_channel_deactivated_while_the_post_was_checked_is_400_and_the_delivery_kept(ingrid, channel, monkeypatch):
    # Validation saw the channel active; processing does not find it any more.
    monkeypatch.setattr("inbox.ingest.events.find_channel", lambda source, account_id: None)

    response = send(token_client(ingrid), generic_post(channel))

    assert response.status_code == 400
    assert "non_field_errors" in response.json()
    assert WebhookDelivery.objects.get().status == WebhookDelivery.Status.IGNORED
    assert Post.objects.count() == 0


def test_a_too_long_url_is_named_not_a_database_error():
    from inbox.connectors.base import PayloadError
    from inbox.connectors.generic import parse_post

    item = {
        "channel": 1,
        "external_id": "x",
        "text": "hei",
        "published_at": "2026-05-13T10:00:00+02:00",
        "url": "https://example.org/" + "a" * 600,
    }

    with pytest.raises(PayloadError, match="url: at most 500 characters"):
        parse_post(item)


def test_a_url_that_is_not_an_http_or_https_address_is_kept_as_text_not_as_a_link(ingrid, channel):
    client = APIClient()
    client.force_authenticate(ingrid)

    response = client.post(LIST, generic_post(channel, url="javascript:alert(1)"), format="json")

    assert response.status_code == 201
    assert (response.json()["url"], response.json()["refused_url"]) == ("", "javascript:alert(1)")
