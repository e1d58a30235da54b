"""
The API against its own OpenAPI schema (#10): schemathesis generates requests from
the schema, valid and not, and every answer must be one the schema documents, with
the documented body, and never a server error. Bounded so that CI stays quick.
"""

import pytest
import schemathesis
from django.core.handlers.wsgi import WSGIHandler
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from django.urls import reverse
from drf_spectacular.generators import SchemaGenerator
from hypothesis import HealthCheck, settings
from rest_framework.authtoken.models import Token
from schemathesis.checks import ignored_auth, positive_data_acceptance

from tests.factories import ChannelFactory, PostFactory

# A few dozen requests per operation: enough to find a 500, short enough for every run.
EXAMPLES = 40


# The schema as drf-spectacular generates it (no database needed), read at collection.
schema = schemathesis.openapi.from_dict(SchemaGenerator().get_schema(request=None, public=True))


@pytest.fixture
def api(db, ingrid):
    """The app in this process and database, with a token, and a channel with posts to read."""
    # Django's test client does the same: a request must not close the test's connection.
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    channel = ChannelFactory(slug="facebook", platform="facebook", name="Facebook")
    PostFactory.create_batch(3, channel=channel)
    yield WSGIHandler(), {"Authorization": f"Token {Token.objects.create(user=ingrid).key}"}
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@schema.parametrize()
@settings(
    max_examples=EXAMPLES,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow, HealthCheck.filter_too_much],
)
def test_every_answer_is_documented_and_none_is_a_server_error(case, api):
    app, headers = api
    response = case.call(app=app, headers=headers)

    # The token is ours on every call; unauthenticated requests are the access walk's
    # (tests/socialstrategy/test_access_walk.py). And a request the schema allows may
    # still be refused for what it names: a channel id that is not one of ours is a 400.
    case.validate_response(response, excluded_checks=[ignored_auth, positive_data_acceptance])


# What the fuzzer found, kept as plain tests.


@pytest.mark.parametrize(
    ("url", "params", "field"),
    [
        ("api:channel-list", {"cursor": "H\ueefc"}, "cursor"),
        ("api:post-list", {"cursor": "not-a-cursor"}, "cursor"),
        ("api:post-list", {"page_size": "null"}, "page_size"),
        ("api:post-list", {"page_size": "0"}, "page_size"),
        ("api:post-list", {"page_size": "201"}, "page_size"),
    ],
)
def test_a_cursor_or_page_size_that_is_not_one_is_a_400_naming_it(api, url, params, field):
    from rest_framework.test import APIClient

    _app, headers = api
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=headers["Authorization"])

    response = client.get(reverse(url), params)

    assert response.status_code == 400
    assert list(response.json()) == [field]


def test_a_post_without_a_link_is_described_by_the_schema():
    post_schema = SchemaGenerator().get_schema(request=None, public=True)["components"]["schemas"]["Post"]

    assert "format" not in post_schema["properties"]["url"]
