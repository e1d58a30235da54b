import re

import pytest
from django.conf import settings
from playwright.sync_api import expect

from inbox.models import CsvImport, Post

from .conftest import log_in

pytestmark = [pytest.mark.browser, pytest.mark.slow]

CSV = (
    "Id;Tekst;Dato;Navn\r\n"
    "p1;Når åpner dere på lørdag?;13.05.2026 10:00;Kari Nordmann\r\n"
    "p2;Fin butikk;i går;Ola\r\n"
    "p3;Takk for hjelpen;13.05.2026 11:00;Kari Nordmann\r\n"
).encode("cp1252")


def test_the_communication_unit_imports_a_csv_file(page, live_server, demo, eager_tasks):
    # The live server answers in a thread of this process, and the Celery app's
    # configuration is process-wide: `eager_tasks` sets task_always_eager on it, so the
    # task the mapping page enqueues on commit runs inline in the server's thread,
    # against the same test database, before the page redirects to the progress bar.
    log_in(page, live_server, "kommunikasjon")
    # In English, so that the test holds before and after the bokmål catalogue learns these pages.
    page.context.add_cookies([{"name": settings.LANGUAGE_COOKIE_NAME, "value": "en", "url": live_server.url}])
    page.goto(live_server.url)

    page.get_by_role("navigation", name="Main navigation").get_by_role("link", name="Import").click()
    page.get_by_role("button", name="Upload a CSV file").click()
    page.get_by_label("Channel").select_option(label="Facebook")
    page.get_by_label("CSV file").set_input_files(
        files=[{"name": "eksport.csv", "mimeType": "text/csv", "buffer": CSV}]
    )
    page.get_by_role("button", name="Upload").click()

    # The mapping: the guessed columns are chosen, and the preview says what each row will do.
    expect(page.get_by_role("heading", level=1)).to_have_text("Map the columns")
    expect(page.get_by_label(re.compile(r"^Post id"))).to_have_value("Id")
    expect(page.get_by_label(re.compile(r"^Text"))).to_have_value("Tekst")
    preview = page.locator("#preview")
    expect(preview.get_by_role("row")).to_have_count(4)
    expect(preview.get_by_role("row").nth(2)).to_contain_text(
        "Will be skipped: Published: “i går” is not a date and time"
    )
    expect(page.locator("#preview-summary")).to_contain_text("to import 2 · duplicates 0 · to skip 1")

    # The preview follows a changed select at once (htmx), and follows it back.
    page.get_by_label(re.compile(r"^Text")).select_option("Navn")
    expect(preview.get_by_role("row").nth(1)).to_contain_text("Kari Nordmann")
    expect(preview).not_to_contain_text("Når åpner dere på lørdag?")
    page.get_by_label(re.compile(r"^Text")).select_option("Tekst")
    expect(preview).to_contain_text("Når åpner dere på lørdag?")

    page.get_by_role("button", name="Start the import").click()

    # The progress bar has reached the end, and the result lists the rejected line.
    bar = page.get_by_role("progressbar", name="Rows processed")
    expect(bar).to_have_attribute("value", "3")
    expect(bar).to_have_attribute("max", "3")
    expect(page.get_by_text("3 of 3 rows (100 %)")).to_be_visible()
    expect(page.locator("#import-progress")).to_contain_text("done")
    expect(page.locator("#import-progress")).to_contain_text("Imported: 2")
    rejected = page.get_by_role("table", name="Rejected rows")
    expect(rejected.get_by_role("row")).to_have_count(2)
    expect(rejected.get_by_role("row").nth(1)).to_contain_text("3")
    expect(rejected.get_by_role("row").nth(1)).to_contain_text(
        "Published: “i går” is not a date and time like 13.05.2026 10:00."
    )

    csv_import = CsvImport.objects.get()
    assert (csv_import.status, csv_import.imported, csv_import.uploaded_by.username) == ("done", 2, "kommunikasjon")
    assert set(Post.objects.values_list("external_id", flat=True)) == {"p1", "p3"}
