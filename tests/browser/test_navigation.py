import pytest
from playwright.sync_api import expect

from .conftest import log_in

pytestmark = [pytest.mark.browser, pytest.mark.slow]


def nav_links(page):
    """The role's links: the first list of the main navigation (the second holds language, bell and user)."""
    return page.get_by_role("navigation", name="Hovedmeny").locator("ul").first.get_by_role("link")


@pytest.mark.parametrize(
    ("username", "landing", "expected"),
    [
        (
            "kommunikasjon",
            "/inbox/",
            [
                "socialstrategy",
                "Innboks",
                "Rapporter",
                "Strategi",
                "Retningslinjer",
                "Lagrede svar",
                "Regler",
                "Import",
            ],
        ),
        ("leder", "/reports/", ["socialstrategy", "Innboks", "Rapporter", "Strategi", "Retningslinjer", "Regler"]),
        ("ansatt", "/inbox/forwarded/", ["socialstrategy", "Videresendt til meg", "Mine tall", "Retningslinjer"]),
    ],
)
def test_each_role_sees_its_own_navigation(page, live_server, demo, username, landing, expected):
    log_in(page, live_server, username)

    page.wait_for_url(f"{live_server.url}{landing}")
    expect(nav_links(page)).to_have_text(expected)
    expect(page.get_by_role("link", name="Varsler")).to_be_visible()


def test_the_communication_unit_sees_the_strategy_overview(page, live_server, demo):
    log_in(page, live_server, "kommunikasjon")
    page.get_by_role("link", name="Strategi").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Strategi i sosiale medier")
    expect(page.get_by_role("heading", name="Mål", exact=True)).to_be_visible()
    expect(page.get_by_role("heading", name="Facebook")).to_be_visible()
    expect(page.get_by_text("Relasjonsbygging").first).to_be_visible()


def test_an_employee_who_asks_for_the_overview_gets_403(page, live_server, demo):
    log_in(page, live_server, "ansatt")

    response = page.goto(f"{live_server.url}/strategy/")

    assert response.status == 403
    expect(page.get_by_role("heading", name="Ingen tilgang")).to_be_visible()


def test_the_language_switcher_turns_the_page_english_and_back(page, live_server, demo):
    log_in(page, live_server, "kommunikasjon")
    page.get_by_role("link", name="Strategi").click()
    expect(page.locator("html")).to_have_attribute("lang", "nb")

    page.get_by_role("button", name="English").click()

    page.wait_for_load_state()
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.get_by_role("heading", level=1)).to_have_text("Social media strategy")
    expect(page.get_by_role("heading", name="Be more accessible")).to_be_visible()

    page.get_by_role("button", name="Norsk (bokmål)").click()

    page.wait_for_load_state()
    expect(page.get_by_role("heading", level=1)).to_have_text("Strategi i sosiale medier")


def test_logging_out_returns_to_the_login_page(page, live_server, demo):
    log_in(page, live_server, "leder", through_form=True)

    page.get_by_role("button", name="Logg ut").click()

    page.wait_for_url(f"{live_server.url}/accounts/login/")
    expect(page.get_by_role("heading", name="Logg inn")).to_be_visible()
