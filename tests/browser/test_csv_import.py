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
    upload_url = page.url

    # A workbook is refused: the answer to the POST is a redirect (a reload sends nothing
    # again), and the page after it says why, with the channel still chosen.
    page.get_by_label("Channel").select_option(label="Facebook")
    page.get_by_label("CSV file").set_input_files(
        files=[{"name": "eksport.xlsx", "mimeType": "application/octet-stream", "buffer": b"PK\x03\x04\x14\x00"}]
    )
    with page.expect_response(lambda response: response.request.method == "POST") as posted:
        page.get_by_role("button", name="Upload").click()
    assert posted.value.status == 302
    expect(page).to_have_url(upload_url)
    expect(page.locator("#id_file_error")).to_have_text(
        "This file cannot be read: This is a spreadsheet workbook, not a CSV file: "
        "save it as CSV first (File, Save as)."
    )
    expect(page.get_by_role("alert").first).to_contain_text("The refused file is kept in the list of imports.")
    expect(page.get_by_label("Channel")).to_have_value(str(CsvImport.objects.get().channel_id))
    # Said once: a reload shows a clean form.
    page.reload()
    expect(page.locator("#id_file_error")).to_have_count(0)
    expect(page.get_by_role("alert")).to_have_count(0)
    expect(page.get_by_label("Channel")).to_have_value("")

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

    # "Update the preview" (for browsers without JavaScript) keeps the draft and redirects
    # to the page, which shows the draft's preview, on a reload too.
    mapping_url = page.url
    page.get_by_label(re.compile(r"^Text")).select_option("Navn")
    with page.expect_response(lambda response: response.request.method == "POST") as posted:
        page.get_by_role("button", name="Update the preview").click()
    assert posted.value.status == 302
    expect(page).to_have_url(f"{mapping_url}#preview-heading")
    page.reload()
    expect(page.get_by_label(re.compile(r"^Text"))).to_have_value("Navn")
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

    refused, csv_import = CsvImport.objects.order_by("pk")
    assert (refused.status, refused.file_name) == ("failed", "eksport.xlsx")
    assert (csv_import.status, csv_import.imported, csv_import.uploaded_by.username) == ("done", 2, "kommunikasjon")
    assert set(Post.objects.values_list("external_id", flat=True)) == {"p1", "p3"}
