import re

import pytest
import yaml
from django.contrib.staticfiles import finders
from django.core.management import call_command
from django.urls import reverse
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

SCHEMA = reverse("api:schema")
DOCS = reverse("api:docs")

pytestmark = pytest.mark.django_db


def test_the_schema_is_valid_openapi_without_warnings(tmp_path):
    # Raises on a validation error or, with --fail-on-warn, on any warning.
    call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(tmp_path / "schema.yaml"))

    assert "/api/v1/posts/" in (tmp_path / "schema.yaml").read_text()


def test_it_serves_the_schema_to_any_role_with_a_token(ola):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=ola).key}")

    response = client.get(SCHEMA, {"format": "json"})

    assert response.status_code == 200
    schema = response.json()
    assert schema["openapi"].startswith("3.")
    assert {"/api/v1/posts/", "/api/v1/posts/{id}/", "/api/v1/channels/", "/api/v1/channels/{id}/"} <= set(
        schema["paths"]
    )
    assert set(schema["paths"]["/api/v1/posts/"]["post"]["responses"]) >= {"200", "201", "400"}
    parameters = {parameter["name"] for parameter in schema["paths"]["/api/v1/posts/"]["get"]["parameters"]}
    assert parameters >= {
        "channel",
        "status",
        "must_reply",
        "category",
        "assignee",
        "published_after",
        "published_before",
        "cursor",
    }


def test_it_answers_an_anonymous_schema_request_401_not_with_the_login_page(client):
    response = client.get(SCHEMA, headers={"accept": "application/json"})

    assert response.status_code == 401
    assert "detail" in response.json()


def test_it_sends_an_anonymous_visitor_of_the_docs_to_the_login_page(client):
    response = client.get(DOCS)

    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


def test_the_docs_load_their_assets_from_our_static_files_and_no_cdn(client, ola):
    client.force_login(ola)

    response = client.get(DOCS)

    assert response.status_code == 200
    html = response.content.decode()
    assert "http://" not in html
    assert "https://" not in html
    assets = re.findall(r'<(?:script|link)[^>]+(?:src|href)="([^"]+)"', html)
    assert len(assets) >= 3  # the stylesheet, the bundle, the preset (and the favicon)
    scripts = [url for url in assets if url.startswith(DOCS)]
    # The start-up script comes from the docs' own address (no inline script: the CSP).
    assert scripts == [f"{DOCS}?script="]
    for url in set(assets) - set(scripts):
        assert url.startswith("/static/drf_spectacular_sidecar/"), url
        assert finders.find(url.removeprefix("/static/")), f"{url} is not among our static files"
    assert "<script>" not in html
    assert f'"{SCHEMA}"' in client.get(scripts[0]).content.decode()


def test_the_schema_documents_the_refusals_of_every_endpoint(client, ingrid):
    client.force_login(ingrid)
    schema = yaml.safe_load(client.get(SCHEMA).content)

    for path, methods in schema["paths"].items():
        for method, operation in methods.items():
            codes = set(operation["responses"])
            assert {"401", "403"} <= codes, f"{method} {path}"
            if "{id}" in path:
                assert "404" in codes, f"{method} {path}"
            if method == "post" or path.endswith("/posts/"):
                assert "400" in codes, f"{method} {path}"


def test_an_api_address_that_does_not_exist_is_a_404_in_json(client, settings, ingrid):
    settings.DEBUG = False
    client.force_login(ingrid)

    for path in ("/api/v1/nothing-here/", "/api/v1/posts/999999/"):
        response = client.get(path)
        assert response.status_code == 404, path
        assert response["Content-Type"].startswith("application/json"), path
        assert "detail" in response.json()
