"""
A morning in the inbox, in Debian's chromium: the communication unit claims and answers
with a saved reply, forwards to an employee who answers, and a reply to a critical post
waits for a colleague's approval. Each page visited is checked with axe-core.
"""

import re
from datetime import timedelta

import pytest
from django.contrib.auth.models import Group
from django.utils import timezone

from inbox.models import Author, InboxSettings, OutboxMessage, Post, ReplyApproval, SavedReply
from strategy.models import Channel

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


def make_post(text: str, categories: list[str], *, name: str = "Kari Nordmann", external_id: str = "1") -> Post:
    channel = Channel.objects.get(slug="facebook")
    author = Author.objects.create(platform="facebook", external_id=f"author-{external_id}", name=name)
    return Post.objects.create(
        channel=channel,
        external_id=f"123_{external_id}",
        kind="comment",
        author=author,
        text=text,
        language="nb",
        published_at=timezone.now() - timedelta(minutes=20),
        status="open",
        must_reply=True,
        categories=categories,
        priority="normal",
        due_at=due_today(),
    )


def assert_accessible(page) -> None:
    assert violations(page) == []


def log_out(page) -> None:
    page.get_by_role("button", name="Logg ut").click()
    page.wait_for_load_state()


def test_claim_reply_with_a_saved_reply_and_the_post_leaves_must_reply_today(page, live_server, demo, sandbox):
    post = make_post("Har dere vinterjakken i størrelse M på lager?", ["product_question"])
    log_in(page, live_server, "kommunikasjon")
    page.wait_for_url(f"{live_server.url}/inbox/")
    row = page.get_by_role("row").filter(has_text="vinterjakken")
    assert row.is_visible()
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
    assert picker.locator("option").first.inner_text().startswith("Svar på produktspørsmål")  # the fitting one first
    picker.select_option(str(saved.pk))
    page.get_by_role("button", name="Bruk").click()
    reply = page.get_by_label("Svaret ditt")
    assert reply.input_value().startswith("Hei Kari, og takk for spørsmålet!")
    assert reply.input_value().rstrip().endswith("Hilsen Ingrid")
    reply.fill(reply.input_value().replace("[Svaret her.]", "Ja, vi har den i M i alle butikkene."))
    page.get_by_role("button", name="Send svar").click()

    page.get_by_text("Svaret ditt er sendt.").wait_for()
    assert page.locator(".thread-entry.ours").filter(has_text="Ja, vi har den i M").is_visible()
    post.refresh_from_db()
    assert (post.status, post.first_response_at is not None) == ("answered", True)
    assert OutboxMessage.objects.get().text.startswith("Hei Kari")
    page.get_by_role("link", name="← Innboks").click()
    page.wait_for_url(f"{live_server.url}/inbox/")
    assert page.get_by_role("row").filter(has_text="vinterjakken").count() == 0


def test_forward_to_an_employee_who_answers(page, live_server, demo, sandbox):
    post = make_post("Pakken min har stått på terminalen i en uke. Hva skjer?", ["technical_problem"])
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
    assert "Kan du sjekke sendingen i ordresystemet?" in page.locator(".forward-notice").inner_text()
    assert page.get_by_role("link", name="Mer utfyllende informasjon").get_attribute("href") == (
        "https://intranett.example/frakt"
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
    post = make_post(
        "Elendig service. Tredje gang dere sender feil vare!", ["dissatisfied_customer", "negative"], name="Per Olsen"
    )
    log_in(page, live_server, "kommunikasjon")
    page.goto(f"{live_server.url}/inbox/rules/")
    page.get_by_label("svar på negative innlegg må godkjennes av et annet medlem").check()
    page.locator("#care-heading").locator("..").get_by_role("button", name="Lagre").click()
    page.get_by_text("Fra nå av venter et svar på et negativt innlegg").wait_for()
    assert InboxSettings.current().approval_for_negative

    page.goto(f"{live_server.url}/inbox/posts/{post.pk}/")
    assert page.get_by_text("Tenk deg om før du svarer på et negativt eller kritisk innlegg.").is_visible()
    page.get_by_label("Svaret ditt").fill("Hei Per, det beklager vi. Send oss ordrenummeret, så ordner vi det i dag.")
    page.get_by_role("button", name="Be om godkjenning").click()
    page.get_by_text("Svaret ditt venter på godkjenning fra en kollega; ingenting er sendt ennå.").wait_for()
    assert OutboxMessage.objects.count() == 0
    log_out(page)

    log_in(page, live_server, "kari")
    page.goto(f"{live_server.url}/inbox/queue/approval/")
    page.get_by_role("link", name=re.compile("Elendig service")).click()
    assert page.get_by_role("heading", name="Svar som venter på godkjenning").is_visible()
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
    assert dialog.is_visible()
    assert_accessible(page)
    page.keyboard.press("Escape")
    assert not dialog.is_visible()


@pytest.mark.parametrize("path", ["/inbox/saved-replies/", "/notifications/", "/inbox/queue/all/"])
def test_the_inbox_pages_pass_axe(page, live_server, demo, path):
    make_post("Når åpner butikken på Storo?", ["product_question"])
    log_in(page, live_server, "kommunikasjon")
    page.wait_for_url(f"{live_server.url}/inbox/")

    page.goto(f"{live_server.url}{path}")

    assert_accessible(page)
