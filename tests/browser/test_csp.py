"""The pages keep working under their Content-Security-Policy: nothing they load or do is refused (#10)."""

import pytest

from .conftest import log_in

pytestmark = pytest.mark.browser

PAGES = ["/inbox/", "/inbox/queue/all/", "/strategy/", "/strategy/guidelines/", "/notifications/", "/inbox/rules/"]


@pytest.fixture
def strict_page(chromium):
    """A browser that enforces the policy, and the violations it reports."""
    context = chromium.new_context(locale="nb-NO", viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.violations = []
    page.on(
        "console",
        lambda message: "Content Security Policy" in message.text and page.violations.append(message.text),
    )
    yield page
    context.close()


def test_the_staff_pages_break_no_rule_of_their_policy(strict_page, live_server, demo):
    log_in(strict_page, live_server, "kommunikasjon")

    for path in PAGES:
        strict_page.goto(f"{live_server.url}{path}")
        strict_page.wait_for_load_state("load")

    assert strict_page.violations == []


def test_the_api_docs_run_under_the_policy(strict_page, live_server, demo):
    log_in(strict_page, live_server, "kommunikasjon")

    strict_page.goto(f"{live_server.url}/api/v1/docs/")
    strict_page.locator(".swagger-ui .info").wait_for()

    assert strict_page.violations == []
