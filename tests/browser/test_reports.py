"""
The managers' dashboard in Debian's chromium (#13): the manager opens it over the
demo's history, changes the period, and drills into a number, which opens the inbox
list of exactly that many posts; axe-clean at 1280 px and at 390 px, charts drawn,
and photographed (into BROWSER_SCREENSHOTS when it is set).
"""

import os
import re
from pathlib import Path

import pytest
from playwright.sync_api import expect

from inbox.simulation import history

from .axe import violations
from .conftest import log_in

pytestmark = [pytest.mark.browser, pytest.mark.slow]


@pytest.fixture
def worked(demo):
    """Six weeks of the demo's history, answered and not, with their rollups."""
    history.seed(days=42, per_day=25)


def shoot(page, name: str, folder: Path) -> None:
    page.wait_for_load_state("load")
    folder = Path(os.environ.get("BROWSER_SCREENSHOTS") or folder)
    folder.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(folder / f"reports-{name}.png"), full_page=True)


def test_a_manager_reads_the_dashboard_changes_the_period_and_drills_into_a_number(page, live_server, worked, tmp_path):
    log_in(page, live_server, "leder")
    page.get_by_role("link", name="Rapporter").click()
    page.wait_for_url(f"{live_server.url}/reports/")
    expect(page.get_by_role("heading", name="Svarer vi i tide?")).to_be_visible()
    headline = page.locator(".tile.headline .tile-value")
    expect(headline).to_have_text(re.compile(r"^\d+ %$"))
    # The charts are drawn (Chart.js sizes its canvas), each beside its table.
    expect(page.locator("#trend-chart")).to_have_attribute("height", re.compile(r"^\d+$"))
    assert page.locator("details table").count() == 2
    assert violations(page) == []
    shoot(page, "30-days-desk", tmp_path)

    page.get_by_label("7 dager").check()
    page.get_by_role("button", name="Vis").click()
    page.wait_for_url(re.compile(r"period=7d"))
    expect(page.locator(".lead")).to_contain_text("Innlegg folk publiserte fra")
    by_channel = page.locator("section", has=page.get_by_role("heading", name="Etter kanal"))
    first = by_channel.locator("tbody tr").first.locator("td a").first
    count = int(first.inner_text())
    assert count > 0
    first.click()
    page.wait_for_url(re.compile(r"/inbox/queue/all/\?"))
    expect(page.locator(".matching")).to_have_text(f"{count} innlegg passer til filteret.")
    assert violations(page) == []

    page.go_back()
    page.get_by_label("Valgte dager").check()
    expect(page.get_by_label("Fra")).to_be_visible()


def test_the_dashboard_fits_a_phone(chromium, live_server, worked, tmp_path):
    context = chromium.new_context(
        locale="nb-NO", viewport={"width": 390, "height": 844}, bypass_csp=True, is_mobile=True, has_touch=True
    )
    phone = context.new_page()
    try:
        log_in(phone, live_server, "leder")
        phone.goto(f"{live_server.url}/reports/")
        phone.wait_for_load_state("load")
        expect(phone.locator(".tile.headline")).to_be_visible()
        assert phone.evaluate("document.documentElement.scrollWidth") <= 390, "the page scrolls sideways"
        assert violations(phone) == []
        shoot(phone, "30-days-phone", tmp_path)
    finally:
        context.close()
