"""Only http and https are ever links: from a CSV file, the API, a form, or a platform (#10, stored XSS)."""

import csv
import io
import json

import pytest
from django.template import Context, Template
from django.urls import reverse
from hypothesis import given
from hypothesis import strategies as st

from inbox.connectors import generic
from inbox.ingest import csv_import
from inbox.models import Forward, Post
from socialstrategy.links import is_web_link, web_link
from tests.factories import ChannelFactory, PostFactory

HOSTILE = [
    "javascript:alert(document.cookie)",
    "JavaScript:alert(1)",
    " javascript:alert(1)",
    "java\tscript:alert(1)",
    "data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==",
    "vbscript:msgbox(1)",
    "//evil.example/x",
    "/inbox/",
    "ftp://files.example/a",
    "https://",
    "https://exa mple.com/",
]


@pytest.mark.parametrize("url", HOSTILE)
def test_what_is_not_an_http_or_https_address_is_no_link(url):
    assert not is_web_link(url)
    assert web_link(url) == ""


@pytest.mark.parametrize("url", ["https://www.facebook.com/111_222", "http://intranett.example/frakt?id=1#a"])
def test_http_and_https_addresses_are_links(url):
    assert web_link(url) == url


@given(st.text())
def test_a_link_is_always_an_http_or_https_address_or_nothing(text):
    link = web_link(text)

    assert link == "" or link.lower().startswith(("http://", "https://"))


def test_the_template_filter_drops_what_is_not_a_web_link():
    rendered = Template('{% load links %}<a href="{{ url|web_link }}">x</a>').render(Context({"url": HOSTILE[0]}))

    assert rendered == '<a href="">x</a>'


@pytest.mark.parametrize("url", HOSTILE[:5])
def test_the_generic_format_keeps_a_hostile_url_as_text_only(url):
    _channel, event = generic.parse_post({"channel": 1, "external_id": "a1", "text": "Hei", "url": url, **DATE})

    assert event.url == ""
    assert event.refused_url == url.strip()


DATE = {"published_at": "2026-05-13T10:00:00+02:00"}


@pytest.mark.django_db
def test_a_csv_row_with_a_javascript_url_is_imported_without_a_link(client, ingrid):
    channel = ChannelFactory(slug="facebook", platform="facebook", name="Facebook")
    buffer = io.StringIO(newline="")
    rows = [["id", "text", "published_at", "url"], ["1", "Hei", "2026-05-13T10:00:00+02:00", HOSTILE[0]]]
    csv.writer(buffer, lineterminator="\r\n").writerows(rows)
    upload = csv_import.store_upload(channel=channel, file_name="posts.csv", content=buffer.getvalue().encode())
    upload.mapping = {"external_id": "id", "text": "text", "published_at": "published_at", "url": "url"}
    upload.save()

    csv_import.run_import(import_id=upload.pk)

    post = Post.objects.get()
    assert (post.url, post.refused_url) == ("", HOSTILE[0])
    client.force_login(ingrid)
    html = client.get(reverse("inbox:post-detail", args=[post.pk])).content.decode()
    assert 'href="javascript:' not in html
    assert "lenke ikke vist" in html.lower()


@pytest.mark.django_db
def test_the_api_keeps_a_javascript_url_as_text(client, ingrid):
    channel = ChannelFactory(slug="facebook", platform="facebook", name="Facebook")
    client.force_login(ingrid)
    body = {"channel": channel.pk, "external_id": "api-1", "text": "Hei", "url": HOSTILE[0], **DATE}

    response = client.post(reverse("api:post-list"), json.dumps(body), content_type="application/json")

    assert response.status_code == 201, response.content
    assert Post.objects.get().url == ""


@pytest.mark.django_db
def test_a_stored_hostile_url_is_never_rendered_as_a_link(client, ingrid):
    post = PostFactory(url="javascript:alert(1)", must_reply=True, status="open")
    Forward.objects.create(post=post, sent_by=ingrid, to_user=ingrid, note="Se her", link="javascript:alert(2)")
    client.force_login(ingrid)

    html = client.get(reverse("inbox:post-detail", args=[post.pk])).content.decode()

    assert 'href="javascript:' not in html


@pytest.mark.django_db
def test_a_forward_link_that_is_not_http_or_https_is_refused_with_the_reason(client, ingrid, ola):
    post = PostFactory(must_reply=True, status="open")
    client.force_login(ingrid)

    response = client.post(
        reverse("inbox:post-forward", args=[post.pk]),
        {"forward-to_user": ola.pk, "forward-note": "Sjekk denne", "forward-link": "javascript:alert(1)"},
        follow=True,
    )

    assert response.redirect_chain[-1][0].endswith("#forward-panel")
    assert "http- eller https-adresse" in response.content.decode()
    assert not Forward.objects.exists()


def test_a_link_typed_without_https_is_not_refused_by_the_browser_and_gets_it_on_the_server():
    from socialstrategy.links import WebLinkField

    field = WebLinkField(required=False)

    assert 'type="text"' in field.widget.render("link", "") and 'inputmode="url"' in field.widget.render("link", "")
    assert field.clean("intranett.example/frakt") == "https://intranett.example/frakt"
