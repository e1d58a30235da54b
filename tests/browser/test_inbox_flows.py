"""
A morning in the inbox, in Debian's chromium: the communication unit claims and answers
with a saved reply, forwards to an employee who answers, and a reply to a critical post
waits for a colleague's approval. Each page visited is checked with axe-core.
"""

import re
from datetime import timedelta

import factory
import pytest
from django.contrib.auth.models import Group
from django.utils import timezone
from playwright.sync_api import expect

from inbox.models import InboxSettings, OutboxMessage, ReplyApproval, SavedReply
from strategy.models import Channel
from tests.factories import PostFactory

from .axe import violations
from .conftest import log_in

pytestmark = [pytest.mark.browser, pytest.mark.slow]


@pytest.fixture
def sandbox(settings):
    settings.SOCIAL_SANDBOX = True


def due_today():
    """A deadline later today, however late in the day the test runs."""
    now = timezone.now()
    end_of_day = timezone.localtime(now).replace(hour=23, minute=59, second=0, microsecond=0)
    return now + min(timedelta(hours=2), (end_of_day - now) / 2)


class WaitingPostFactory(PostFactory):
    """A comment on the demo's Facebook page from twenty minutes ago, waiting for an answer later today."""

    channel = factory.LazyFunction(lambda: Channel.objects.get(slug="facebook"))
    external_id = factory.Sequence(lambda n: f"123_{n}")
    author__name = "Kari Nordmann"
    language = "nb"
    published_at = factory.LazyFunction(lambda: timezone.now() - timedelta(minutes=20))
    status = "open"
    must_reply = True
    priority = "normal"
    due_at = factory.LazyFunction(due_today)


def assert_accessible(page) -> None:
    assert violations(page) == []


def log_out(page) -> None:
    page.get_by_role("button", name="Logg ut").click()
    page.wait_for_load_state()


def test_claim_reply_with_a_saved_reply_and_the_post_leaves_must_reply_today(page, live_server, demo, sandbox):
    post = WaitingPostFactory(text="Har dere vinterjakken i størrelse M på lager?", categories=["product_question"])
    log_in(page, live_server, "kommunikasjon")
    page.wait_for_url(f"{live_server.url}/inbox/")
    row = page.get_by_role("row").filter(has_text="vinterjakken")
    expect(row).to_be_visible()
    assert_accessible(page)

    # The keyboard: j to the first post, o to open it, c to claim it.
    page.keyboard.press("j")
    page.keyboard.press("o")
    page.wait_for_url(f"{live_server.url}/inbox/posts/{post.pk}/")
    assert_accessible(page)
    page.keyboard.press("c")
    page.get_by_text("Innlegget er ditt å svare på.").wait_for()

    saved = SavedReply.objects.get(slug="product-question-nb")
    picker = page.get_by_label("Start med et lagret svar")
    # The fitting one first.
    expect(picker.locator("option").first).to_have_text(re.compile(r"^Svar på produktspørsmål"))
    picker.select_option(str(saved.pk))
    page.get_by_role("button", name="Bruk").click()
    reply = page.get_by_label("Svaret ditt")
    expect(reply).to_have_value(re.compile(r"^Hei Kari, og takk for spørsmålet!"))
    expect(reply).to_have_value(re.compile(r"Hilsen Ingrid\s*$"))
    reply.fill(reply.input_value().replace("[Svaret her.]", "Ja, vi har den i M i alle butikkene."))
    page.get_by_role("button", name="Send svar").click()

    page.get_by_text("Svaret ditt er sendt.").wait_for()
    expect(page.locator(".thread-entry.ours").filter(has_text="Ja, vi har den i M")).to_be_visible()
    post.refresh_from_db()
    assert (post.status, post.first_response_at is not None) == ("answered", True)
    assert OutboxMessage.objects.get().text.startswith("Hei Kari")
    page.get_by_role("link", name="← Innboks").click()
    page.wait_for_url(f"{live_server.url}/inbox/")
    expect(page.get_by_role("row").filter(has_text="vinterjakken")).to_have_count(0)


def test_forward_to_an_employee_who_answers(page, live_server, demo, sandbox):
    post = WaitingPostFactory(
        text="Pakken min har stått på terminalen i en uke. Hva skjer?", categories=["technical_problem"]
    )
    log_in(page, live_server, "kommunikasjon")
    page.goto(f"{live_server.url}/inbox/posts/{post.pk}/")

    page.keyboard.press("f")
    page.get_by_label("Til en person").select_option(label="Ola Hansen")
    page.get_by_role("textbox", name="Notat", exact=True).fill("Kan du sjekke sendingen i ordresystemet?")
    page.get_by_label("Lenke til mer utfyllende informasjon").fill("https://intranett.example/frakt")
    page.get_by_role("button", name="Videresend", exact=True).click()
    page.get_by_text("Videresendt til Ola Hansen; svarfristen løper fortsatt.").wait_for()
    log_out(page)

    log_in(page, live_server, "ansatt")
    page.wait_for_url(f"{live_server.url}/inbox/forwarded/")
    assert_accessible(page)
    page.get_by_role("link", name=re.compile("Pakken min")).click()
    expect(page.locator(".forward-notice")).to_contain_text("Kan du sjekke sendingen i ordresystemet?")
    expect(page.get_by_role("link", name="Mer utfyllende informasjon")).to_have_attribute(
        "href", "https://intranett.example/frakt"
    )
    assert_accessible(page)
    page.keyboard.press("r")
    page.keyboard.type("Hei Kari! Pakken er sendt videre i dag og er hos deg i morgen.")
    page.get_by_role("button", name="Send svar").click()

    page.get_by_text("Svaret ditt er sendt.").wait_for()
    post.refresh_from_db()
    assert post.status == "answered"
    assert post.forwards.get().outcome == "answered"
    assert OutboxMessage.objects.get().created_by.username == "ansatt"


def test_a_critical_reply_waits_for_a_colleagues_approval(page, live_server, demo, sandbox, django_user_model):
    colleague = django_user_model.objects.create_user("kari", password="demo", first_name="Kari", last_name="Lie")
    colleague.groups.add(Group.objects.get(name="communication_unit"))
    post = WaitingPostFactory(
        text="Elendig service. Tredje gang dere sender feil vare!",
        categories=["dissatisfied_customer", "negative"],
        author__name="Per Olsen",
    )
    log_in(page, live_server, "kommunikasjon")
    page.goto(f"{live_server.url}/inbox/rules/")
    page.get_by_label("svar på negative innlegg må godkjennes av et annet medlem").check()
    page.locator("#care-heading").locator("..").get_by_role("button", name="Lagre").click()
    page.get_by_text("Fra nå av venter et svar på et negativt innlegg").wait_for()
    assert InboxSettings.current().approval_for_negative

    page.goto(f"{live_server.url}/inbox/posts/{post.pk}/")
    expect(page.get_by_text("Tenk deg om før du svarer på et negativt eller kritisk innlegg.")).to_be_visible()
    page.get_by_label("Svaret ditt").fill("Hei Per, det beklager vi. Send oss ordrenummeret, så ordner vi det i dag.")
    page.get_by_role("button", name="Be om godkjenning").click()
    page.get_by_text("Svaret ditt venter på godkjenning fra en kollega; ingenting er sendt ennå.").wait_for()
    assert OutboxMessage.objects.count() == 0
    log_out(page)

    log_in(page, live_server, "kari")
    page.goto(f"{live_server.url}/inbox/queue/approval/")
    page.get_by_role("link", name=re.compile("Elendig service")).click()
    expect(page.get_by_role("heading", name="Svar som venter på godkjenning")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("button", name="Godkjenn og send").click()

    page.get_by_text("Godkjent: svaret er sendt.").wait_for()
    message = OutboxMessage.objects.get()
    assert (message.text, message.created_by.username) == (
        "Hei Per, det beklager vi. Send oss ordrenummeret, så ordner vi det i dag.",
        "kommunikasjon",
    )
    assert ReplyApproval.objects.get().reviewed_by == colleague
    post.refresh_from_db()
    assert post.status == "answered"


def test_the_keyboard_help_opens_on_question_mark(page, live_server, demo):
    log_in(page, live_server, "kommunikasjon")
    page.wait_for_url(f"{live_server.url}/inbox/")

    page.keyboard.press("?")

    dialog = page.get_by_role("dialog", name="Hurtigtaster")
    expect(dialog).to_be_visible()
    assert_accessible(page)
    page.keyboard.press("Escape")
    expect(dialog).not_to_be_visible()


@pytest.mark.parametrize("path", ["/inbox/saved-replies/", "/notifications/", "/inbox/queue/all/"])
def test_the_inbox_pages_pass_axe(page, live_server, demo, path):
    WaitingPostFactory(text="Når åpner butikken på Storo?", categories=["product_question"])
    log_in(page, live_server, "kommunikasjon")
    page.wait_for_url(f"{live_server.url}/inbox/")

    page.goto(f"{live_server.url}{path}")

    assert_accessible(page)
