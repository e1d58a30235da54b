import pytest
from django.urls import reverse
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from strategy.models import Channel
from tests.factories import ChannelFactory

LIST = reverse("api:channel-list")

pytestmark = pytest.mark.django_db


def detail(channel_id: int) -> str:
    return reverse("api:channel-detail", args=[channel_id])


def token_client(user) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=user).key}")
    return client


def test_it_lists_the_strategys_channels_with_purposes_and_audiences_as_slugs(strategy, lars):
    response = token_client(lars).get(LIST)

    assert response.status_code == 200
    channels = {channel["slug"]: channel for channel in response.json()["results"]}
    assert set(channels) == {"facebook", "x", "youtube"}
    facebook = channels["facebook"]
    assert facebook == {
        "id": Channel.objects.get(slug="facebook").pk,
        "slug": "facebook",
        "platform": "facebook",
        "name": "Facebook",
        "handle": "bedriften",
        "external_id": "1234567890",
        "is_active": True,
        "purposes": facebook["purposes"],
        "audiences": facebook["audiences"],
    }
    assert sorted(facebook["purposes"]) == ["communication", "recruitment", "relationship-building"]
    assert sorted(facebook["audiences"]) == [
        "existing-customers",
        "future-customers",
        "own-employees",
        "partners",
        "potential-customers",
    ]


def test_it_shows_inactive_channels_as_inactive(ingrid):
    channel = ChannelFactory(is_active=False)

    response = token_client(ingrid).get(detail(channel.pk))

    assert response.status_code == 200
    assert response.json()["is_active"] is False


def test_an_unknown_channel_is_404(ingrid):
    assert token_client(ingrid).get(detail(999999)).status_code == 404


@pytest.mark.parametrize(("persona", "status"), [("ingrid", 200), ("lars", 200), ("ola", 403), ("nina", 403)])
def test_reading_follows_the_view_channel_permission(request, persona, status):
    channel = ChannelFactory()
    client = token_client(request.getfixturevalue(persona))

    assert client.get(LIST).status_code == status
    assert client.get(detail(channel.pk)).status_code == status


def test_it_answers_anonymous_requests_401_in_json(client):
    response = client.get(LIST)

    assert response.status_code == 401
    assert response["Content-Type"] == "application/json"


def test_it_reads_with_a_session(client, lars):
    ChannelFactory(slug="facebook")
    client.force_login(lars)

    response = client.get(LIST, headers={"accept": "application/json"})

    assert [channel["slug"] for channel in response.json()["results"]] == ["facebook"]


@pytest.mark.parametrize(("method", "url"), [("post", LIST), ("put", "detail"), ("delete", "detail")])
def test_channels_are_read_only(ingrid, method, url):
    channel = ChannelFactory()
    url = detail(channel.pk) if url == "detail" else url

    response = getattr(token_client(ingrid), method)(url, {"slug": "changed"}, format="json")

    assert response.status_code == 405
    assert Channel.objects.get().slug == channel.slug


@pytest.mark.parametrize("count", [2, 20])
def test_the_list_costs_a_fixed_number_of_queries(strategy, lars, count, django_assert_max_num_queries):
    for _ in range(count):
        ChannelFactory()
    client = token_client(lars)

    # The token and its user, the user's and the groups' permissions, the page, its purposes and audiences.
    with django_assert_max_num_queries(6):
        response = client.get(LIST)

    assert len(response.json()["results"]) == count + 3
