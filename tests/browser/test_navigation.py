import pytest

from .conftest import log_in

pytestmark = [pytest.mark.browser, pytest.mark.slow]


def nav_labels(page) -> list[str]:
    """The role's links: the first list of the main navigation (the second holds language, bell and user)."""
    return page.get_by_role("navigation", name="Hovedmeny").locator("ul").first.get_by_role("link").all_inner_texts()


@pytest.mark.parametrize(
    ("username", "landing", "expected"),
    [
        (
            "kommunikasjon",
            "/inbox/",
            ["socialstrategy", "Innboks", "Strategi", "Retningslinjer", "Lagrede svar", "Regler", "Import"],
        ),
        ("leder", "/inbox/", ["socialstrategy", "Innboks", "Strategi", "Retningslinjer", "Regler"]),
        ("ansatt", "/inbox/forwarded/", ["socialstrategy", "Videresendt til meg", "Retningslinjer"]),
    ],
)
def test_each_role_sees_its_own_navigation(page, live_server, demo, username, landing, expected):
    log_in(page, live_server, username)

    page.wait_for_url(f"{live_server.url}{landing}")
    assert nav_labels(page) == expected
    assert page.get_by_role("link", name="Varsler").is_visible()


def test_the_communication_unit_sees_the_strategy_overview(page, live_server, demo):
    log_in(page, live_server, "kommunikasjon")
    page.get_by_role("link", name="Strategi").click()

    assert page.get_by_role("heading", level=1).inner_text() == "Strategi i sosiale medier"
    assert page.get_by_role("heading", name="Mål", exact=True).is_visible()
    assert page.get_by_role("heading", name="Facebook").is_visible()
    assert page.get_by_text("Relasjonsbygging").first.is_visible()


def test_an_employee_who_asks_for_the_overview_gets_403(page, live_server, demo):
    log_in(page, live_server, "ansatt")

    response = page.goto(f"{live_server.url}/strategy/")

    assert response.status == 403
    assert page.get_by_role("heading", name="Ingen tilgang").is_visible()


def test_the_language_switcher_turns_the_page_english_and_back(page, live_server, demo):
    log_in(page, live_server, "kommunikasjon")
    page.get_by_role("link", name="Strategi").click()
    assert page.locator("html").get_attribute("lang") == "nb"

    page.get_by_role("button", name="English").click()

    page.wait_for_load_state()
    assert page.locator("html").get_attribute("lang") == "en"
    assert page.get_by_role("heading", level=1).inner_text() == "Social media strategy"
    assert page.get_by_role("heading", name="Be more accessible").is_visible()

    page.get_by_role("button", name="Norsk (bokmål)").click()

    page.wait_for_load_state()
    assert page.get_by_role("heading", level=1).inner_text() == "Strategi i sosiale medier"


def test_logging_out_returns_to_the_login_page(page, live_server, demo):
    log_in(page, live_server, "leder")

    page.get_by_role("button", name="Logg ut").click()

    page.wait_for_url(f"{live_server.url}/accounts/login/")
    assert page.get_by_role("heading", name="Logg inn").is_visible()
