"""
Files that break the CSV format lose no row without a word (#10): a quote left open
rejects the row it opens on, with its line, and the rows after it are still read; a
value longer than csv's own limit is one row to judge, not a file that cannot be read;
and the reasons are shown in the reader's language.
"""

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import translation

from inbox.connectors.fields import MAX_TEXT_LENGTH, TRUNCATION_MARK
from inbox.ingest import csv_import as imports
from inbox.models import CsvImport, Post
from tests.factories import ChannelFactory

pytestmark = pytest.mark.django_db

HEADER = "Id,Tekst,Dato\r\n"


def row(number: int, text: str | None = None) -> str:
    return f"{number},{text or f'Innlegg nummer {number}'},13.05.2026 10:{number:02d}\r\n"


@pytest.fixture
def channel():
    return ChannelFactory(slug="facebook", platform="facebook", name="Facebook")


def run(channel, content: str) -> CsvImport:
    csv_import = imports.store_upload(channel=channel, file_name="posts.csv", content=content.encode())
    return imports.run_import(import_id=csv_import.pk)


def test_an_unclosed_quote_rejects_its_row_by_line_and_every_other_row_is_imported(channel):
    # Row 5 opens a quote and never closes it: it once swallowed rows 6-10 ("5 of 5 rows").
    rows = [row(n) for n in range(1, 11)]
    rows[4] = '5,"Dette sitatet lukkes aldri,13.05.2026 10:05\r\n'

    result = run(channel, HEADER + "".join(rows))

    assert (result.status, result.total_rows, result.processed_rows) == ("done", 10, 10)
    assert (result.imported, imports.rejected_count(result)) == (9, 1)
    [rejection] = result.errors
    assert (rejection["line"], rejection["code"], rejection["params"]) == (6, "unclosed_quote", {"next_line": 7})
    assert set(Post.objects.values_list("external_id", flat=True)) == {str(n) for n in range(1, 11)} - {"5"}
    with translation.override("nb"):
        assert imports.describe_rejection(rejection) == (
            "Et anførselstegn som åpnes på denne linjen, lukkes aldri. "
            "Raden ble hoppet over; radene etter den ble lest fra linje 7."
        )


def test_a_quote_that_closes_only_in_a_later_row_rejects_the_row_it_opens_on(channel):
    rows = [row(n) for n in range(1, 8)]
    rows[1] = '2,"Åpent sitat,13.05.2026 10:02\r\n'
    rows[4] = '5,"Et sitat, med komma",13.05.2026 10:05\r\n'

    result = run(channel, HEADER + "".join(rows))

    assert (result.total_rows, result.imported) == (7, 6)
    assert [(entry["line"], entry["code"], entry["params"]) for entry in result.errors] == [
        (3, "quote_closes_later", {"end_line": 6, "next_line": 4})
    ]
    assert Post.objects.get(external_id="5").text == "Et sitat, med komma"


def test_a_quoted_value_over_several_lines_is_still_one_row(channel):
    content = HEADER + row(1) + '2,"Første linje\r\nandre linje\r\ntredje",13.05.2026 10:02\r\n' + row(3)

    result = run(channel, content)

    assert (result.total_rows, result.imported, result.errors) == (3, 3, [])
    assert Post.objects.get(external_id="2").text == "Første linje\r\nandre linje\r\ntredje"
    assert Post.objects.get(external_id="3").raw["csv_line"] == 6


def test_a_value_past_csvs_own_limit_is_one_long_row_not_a_broken_file(channel):
    # csv refuses a field over 131,072 characters by default: the whole file was rejected.
    content = HEADER + row(1) + row(2, "x" * 200_000) + row(3)

    result = run(channel, content)

    assert (result.status, result.total_rows, result.imported, result.errors) == ("done", 3, 3, [])
    text = Post.objects.get(external_id="2").text
    assert len(text) == MAX_TEXT_LENGTH and text.endswith(TRUNCATION_MARK)


def test_a_field_too_long_for_its_column_rejects_its_row_with_the_line(channel):
    content = HEADER.replace("Dato", "Dato,Lenke") + "1,Hei,13.05.2026 10:00,https://x.test/" + "a" * 600 + "\r\n"

    result = run(channel, content)

    assert [(entry["line"], entry["code"], entry["field"]) for entry in result.errors] == [(2, "too_long", "url")]
    with translation.override("nb"):
        assert imports.describe_rejection(result.errors[0]) == "Lenke: 615 tegn, mer enn de 500 som er tillatt."


@pytest.mark.parametrize(
    ("language", "expected"),
    [
        ("nb", "Publisert: «i går» er ikke en dato og et klokkeslett som 13.05.2026 10:00."),
        ("en", "Published: “i går” is not a date and time like 13.05.2026 10:00."),
    ],
)
def test_the_import_page_gives_each_reason_in_the_readers_language(client, ingrid, channel, language, expected):
    result = run(channel, HEADER + row(1) + "2,Hei,i går\r\n")
    client.force_login(ingrid)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language

    html = client.get(reverse("inbox:import-detail", args=[result.pk])).content.decode()

    assert f'<tr><th scope="row">3</th><td>{expected}</td></tr>' in html
    assert "published_at" not in html


def test_a_rejection_stored_before_reasons_had_codes_is_shown_as_it_was():
    entry = {"line": 4, "reason": "published_at: 'x' is not a date and time"}

    assert imports.describe_rejection(entry) == "published_at: 'x' is not a date and time"


def test_a_quote_that_closes_just_before_a_later_rows_delimiter_still_costs_only_its_row(channel):
    # Row 3's value begins with a comma: the quote opened on line 3 closes there and the
    # CSV is valid, but the row so read has no date while the line after it is a whole row.
    content = (
        HEADER + row(1) + '2,"Åpent sitat,13.05.2026 10:02\r\n' + row(3) + '4,",og så videre",13.05.2026 10:04\r\n'
    )

    result = run(channel, content)

    assert [(entry["line"], entry["code"]) for entry in result.errors] == [(3, "quote_closes_later")]
    assert set(Post.objects.values_list("external_id", flat=True)) == {"1", "3", "4"}


def test_a_row_with_line_breaks_and_its_last_value_empty_is_still_one_row(channel):
    content = "Id,Tekst,Dato,Lenke\r\n" + '1,"Hei,\r\nmvh Kari",13.05.2026 10:00,\r\n2,Neste,13.05.2026 10:01,\r\n'

    result = run(channel, content)

    assert (result.total_rows, result.imported, result.errors) == (2, 2, [])
    assert Post.objects.get(external_id="1").text == "Hei,\r\nmvh Kari"
