"""
The inbox on a phone (390 px wide, as the person on weekend duty often has only that):
the queues, a post with its reply and forward forms, and the notifications fit the
screen without sideways scrolling and are axe-clean. Each is photographed, into
BROWSER_SCREENSHOTS (a folder) when it is set, else the test's own temporary folder.
"""

import os
from pathlib import Path

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from inbox.notices import Kind, notify_about
from strategy.models import Channel
from tests.factories import PostFactory

from .axe import violations
from .conftest import log_in

pytestmark = [pytest.mark.browser, pytest.mark.slow]


@pytest.fixture
def phone(chromium):
    context = chromium.new_context(
        locale="nb-NO", viewport={"width": 390, "height": 844}, bypass_csp=True, is_mobile=True, has_touch=True
    )
    context.set_default_timeout(10_000)
    page = context.new_page()
    yield page
    context.close()


def fits(page) -> None:
    assert page.evaluate("document.documentElement.scrollWidth") <= 390, "the page scrolls sideways"
    assert violations(page) == []


def shoot(page, name: str, folder: Path) -> None:
    folder = Path(os.environ.get("BROWSER_SCREENSHOTS") or folder)
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"phone-{name}.png"
    page.screenshot(path=str(path), full_page=True)
    assert path.stat().st_size > 0


def test_the_inbox_works_on_a_phone(phone, live_server, demo, tmp_path):
    from django.contrib.auth import get_user_model

    x = Channel.objects.get(slug="x")
    post = PostFactory(
        channel=x,
        text="Hei! Har dere regnjakken Storm i str. 36 på lager i butikken i Bergen, eller må jeg bestille på nett?",
        must_reply=True,
        status="open",
        categories=["product_question"],
        due_at=timezone.now() + timezone.timedelta(hours=3),
        author__name="Kari Nordmann med et ganske langt navn som ikke får plass",
    )
    ingrid = get_user_model().objects.get(username="kommunikasjon")
    notify_about(post, users=[ingrid], kind=Kind.ASSIGNED)
    log_in(phone, live_server, "kommunikasjon")

    phone.goto(f"{live_server.url}/inbox/queue/all/")
    expect(phone.get_by_role("button", name="Logg ut")).to_be_visible()  # the header wraps; nothing is off-screen
    expect(phone.get_by_role("link", name=post.text[:60], exact=False)).to_be_visible()
    fits(phone)
    shoot(phone, "queue", tmp_path)

    phone.get_by_role("link", name=post.text[:60], exact=False).click()
    expect(phone.get_by_role("heading", name="Svar", exact=True)).to_be_visible()
    reply = phone.get_by_label("Svaret ditt")
    reply.fill("Takk for at du spør! " * 15)
    expect(phone.locator(".counter")).to_have_text("314 av 280 tegn")
    fits(phone)
    phone.locator("#forward-panel summary").click()
    expect(phone.locator("#id_forward-note")).to_be_visible()
    fits(phone)
    shoot(phone, "post", tmp_path)

    phone.goto(f"{live_server.url}/notifications/")
    fits(phone)
    shoot(phone, "notifications", tmp_path)
