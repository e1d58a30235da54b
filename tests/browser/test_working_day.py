"""
A working day in the inbox, in Debian's chromium, at the desk (1280 px) and on the
phone (390 px): the communication unit claims an X post, writes a reply too long for
X and cuts it to fit, follows up on the answered post, closes the morning's thank-yous
in one action, and a post that comes in on Saturday goes to the colleague the rota
has on weekend duty, who finds it under "Mine". Each page is checked with axe-core and
photographed (into BROWSER_SCREENSHOTS when it is set).
"""

import os
import re
from datetime import datetime, time, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import factory
import pytest
import time_machine
from django.contrib.auth import get_user_model
from django.utils import timezone
from playwright.sync_api import expect

from inbox.models import Activity, OutboxMessage, Post
from inbox.triage.services import triage_post
from strategy.models import Channel
from strategy.rota import is_public_holiday
from tests.factories import PostFactory

from .axe import violations
from .conftest import log_in

pytestmark = [pytest.mark.browser, pytest.mark.slow]

OSLO = ZoneInfo("Europe/Oslo")
SCREENS = {"desk": {"width": 1280, "height": 900}, "phone": {"width": 390, "height": 844}}


@pytest.fixture(params=list(SCREENS))
def screen(request, chromium):
    phone = request.param == "phone"
    context = chromium.new_context(
        locale="nb-NO", viewport=SCREENS[request.param], bypass_csp=True, is_mobile=phone, has_touch=phone
    )
    context.set_default_timeout(10_000)
    page = context.new_page()
    yield request.param, page
    context.close()


@pytest.fixture
def sandbox(settings):
    settings.SOCIAL_SANDBOX = True


class OpenPostFactory(PostFactory):
    channel = factory.LazyFunction(lambda: Channel.objects.get(slug="x"))
    external_id = factory.Sequence(lambda n: f"1790{n:012d}")
    language = "nb"
    published_at = factory.LazyFunction(lambda: timezone.now() - timedelta(minutes=30))
    status = "open"
    must_reply = True
    priority = "normal"
    due_at = factory.LazyFunction(lambda: timezone.now() + timedelta(hours=3))


def checked(page, name: str, folder: Path, width: int) -> None:
    """Nothing runs off the screen, axe finds nothing, and the page is photographed."""
    page.wait_for_load_state("load")  # the style sheet too: measured before it, any page is too wide
    wide = page.evaluate(
        """(width) => Array.from(document.querySelectorAll('body *'))
        .filter((e) => e.getBoundingClientRect().right > width + 1)
        .map((e) => e.tagName + '.' + e.className + ' ' + Math.round(e.getBoundingClientRect().right)).slice(0, 8)""",
        width,
    )
    assert page.evaluate("document.documentElement.scrollWidth") <= width, f"the page scrolls sideways: {wide}"
    assert violations(page) == []
    folder = Path(os.environ.get("BROWSER_SCREENSHOTS") or folder)
    folder.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(folder / f"day-{name}.png"), full_page=True)


def next_saturday_morning() -> datetime:
    day = timezone.localdate() + timedelta(days=1)
    while day.weekday() != 5 or is_public_holiday(day):
        day += timedelta(days=1)
    return datetime.combine(day, time(10, 30), tzinfo=OSLO)


def test_a_working_day(screen, live_server, demo, sandbox, tmp_path):
    name, page = screen
    width = SCREENS[name]["width"]
    url = live_server.url
    question = OpenPostFactory(
        text="@bedriften Har dere regnjakken Storm i str. 36 i butikken i Bergen?",
        categories=["product_question"],
        author__platform="x",
        author__name="Kari Nordmann",
        author__handle="@kari_n",
    )
    thanks = [
        OpenPostFactory(text=text, must_reply=False, due_at=None, categories=[])
        for text in ("Takk for god hjelp i dag!", "Tusen takk 🙏", "Takk, nå virker det")
    ]
    log_in(page, live_server, "kommunikasjon")

    # Morning: the X question, claimed and answered within X's 280.
    page.goto(f"{url}/inbox/queue/all/")
    page.get_by_role("link", name="Har dere regnjakken Storm", exact=False).click()
    page.wait_for_url(f"{url}/inbox/posts/{question.pk}/")
    page.get_by_role("button", name="Ta innlegget").click()
    page.get_by_text("Innlegget er ditt å svare på.").wait_for()
    reply = page.get_by_label("Svaret ditt")
    # "/" and a word search the saved replies; Enter puts the chosen one in the box.
    reply.press_sequentially("/produkt")
    menu = page.get_by_role("listbox", name="Lagrede svar")
    expect(menu.get_by_role("option").first).to_have_text(re.compile(r"^Svar på produktspørsmål"))
    checked(page, f"{name}-slash", tmp_path, width)
    reply.press("Enter")
    expect(menu).to_be_hidden()
    expect(reply).to_have_value(re.compile(r"^Hei Kari, og takk for spørsmålet!"))
    reply.fill("Hei Kari! Ja, vi har Storm i 36 i Bergen sentrum. " * 7)
    expect(page.locator(".counter")).to_have_text("349 av 280 tegn")
    expect(page.locator(".counter")).to_have_class("meta counter over")
    checked(page, f"{name}-reply-too-long", tmp_path, width)
    reply.fill("Hei Kari! Ja, vi har Storm i str. 36 i butikken i Bergen sentrum. Vi kan legge den av til deg.")
    expect(page.locator(".counter")).to_have_text("94 av 280 tegn")
    page.get_by_role("button", name="Send svar").click()
    page.get_by_text("Svaret ditt er sendt.").wait_for()
    question.refresh_from_db()
    first_response = question.first_response_at
    assert question.status == "answered" and first_response is not None

    # The conversation goes on: a follow-up from the same box, the first response kept.
    expect(page.get_by_role("heading", name="Følg opp", exact=True)).to_be_visible()
    page.get_by_label("Svaret ditt").fill("PS: Butikken er åpen til 20 i kveld.")
    with page.expect_navigation():
        page.get_by_role("button", name="Send svar").click()
    expect(page.locator(".thread-entry.ours").filter(has_text="PS: Butikken er åpen")).to_be_visible()
    assert OutboxMessage.objects.filter(in_reply_to=question).count() == 2
    question.refresh_from_db()
    assert question.first_response_at == first_response
    checked(page, f"{name}-answered", tmp_path, width)

    # Midday: the thank-yous closed in one action (two ticked by tap or click, one by x).
    page.goto(f"{url}/inbox/queue/all/")
    for post in thanks[:2]:
        page.get_by_label(f"Kryss av «{post.text}»").check()
    expect(page.locator(".bulk-count")).to_have_text("2 avkrysset")
    if name == "desk":
        page.get_by_role("link", name=thanks[2].text).focus()
        page.keyboard.press("x")
    else:
        page.get_by_label(f"Kryss av «{thanks[2].text}»").check()
    expect(page.locator(".bulk-count")).to_have_text("3 avkrysset")
    page.get_by_label("Handling").select_option(label="Lukk: trenger ikke svar")
    expect(page.get_by_label("Person", exact=True)).to_be_hidden()
    checked(page, f"{name}-bulk", tmp_path, width)
    page.get_by_role("button", name="Bruk på de avkryssede innleggene").click()
    page.get_by_text("3 innlegg lukket: trenger ikke svar.").wait_for()
    for post in thanks:
        post.refresh_from_db()
        assert (post.status, post.close_reason) == ("closed", "no_reply_needed")
        assert post.activities.filter(kind=Activity.Kind.CLOSED).count() == 1
    checked(page, f"{name}-after-bulk", tmp_path, width)

    # Saturday: a post that comes in goes to the colleague on weekend duty.
    saturday = next_saturday_morning()
    with time_machine.travel(saturday, tick=False):
        weekend = PostFactory(
            channel=Channel.objects.get(slug="facebook"),
            external_id="weekend-1",
            text="Hei, har dere åpent i butikken i Bergen i dag? Og har dere regnjakken Storm i str. 36?",
            language="nb",
            published_at=timezone.now(),
            status="new",
            author__name="Per Hansen",
        )
        triage_post(post_id=weekend.pk)
    weekend.refresh_from_db()
    kari = get_user_model().objects.get(username="kollega")
    assert weekend.must_reply and weekend.assignee == kari, weekend.decisions.first().note
    log_in(page, live_server, "kollega")
    page.goto(f"{url}/inbox/queue/mine/")
    expect(page.get_by_role("link", name="har dere åpent i butikken", exact=False)).to_be_visible()
    checked(page, f"{name}-weekend-mine", tmp_path, width)
    assert Post.objects.filter(assignee=kari, must_reply=True, pk=weekend.pk).exists()
