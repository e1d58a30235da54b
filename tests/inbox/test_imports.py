"""Reading CSV files, mapping their columns and importing their rows (inbox/imports.py)."""

import codecs
import csv
import io
from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.utils import timezone, translation

from inbox.connectors.base import PayloadError
from inbox.ingest import csv_import as imports
from inbox.models import Author, CsvImport, Post
from tests.factories import ChannelFactory


@pytest.fixture(autouse=True)
def in_english():
    """These tests read the messages in English; the product speaks bokmål by default."""
    with translation.override("en"):
        yield


HEADER = ["id", "text", "published_at", "author"]


def csv_bytes(rows: list[list[str]], *, delimiter: str = ",", encoding: str = "utf-8") -> bytes:
    buffer = io.StringIO(newline="")
    csv.writer(buffer, delimiter=delimiter, lineterminator="\r\n").writerows(rows)
    return buffer.getvalue().encode(encoding)


def record(values: dict[str, str], line: int = 2) -> imports.CsvRecord:
    return imports.CsvRecord(line=line, values=values)


def event_of(values: dict[str, str], mapping: dict[str, str] | None = None):
    mapping = mapping or {name: name for name in values}
    return imports.row_event(record(values), mapping=mapping, channel_id=1)


@pytest.fixture
def channel(db):
    return ChannelFactory(slug="facebook", platform="facebook", name="Facebook")


def upload(channel, content: bytes, **kwargs) -> CsvImport:
    return imports.store_upload(channel=channel, file_name="posts.csv", content=content, **kwargs)


# Reading the file.


@pytest.mark.parametrize("bom", [b"", codecs.BOM_UTF8], ids=["no BOM", "BOM"])
def test_it_reads_utf8_with_or_without_bom(bom):
    content = bom + csv_bytes([HEADER, ["1", "Blåbærsyltetøy", "2026-05-13T10:00:00+02:00", "Åse"]])

    table = imports.read_table(content)

    assert table.encoding == "utf-8"
    assert table.header == HEADER  # no BOM glued to the first column's name
    assert [r.values["text"] for r in table.records()] == ["Blåbærsyltetøy"]


def test_it_falls_back_to_windows_1252_when_the_file_is_not_utf8():
    content = csv_bytes(
        [HEADER, ["1", "Søt \u2013 og \u201cgod\u201d", "13.05.2026 10:00", "Ærlig"]], encoding="cp1252"
    )

    table = imports.read_table(content)

    assert table.encoding == "cp1252"
    assert next(table.records()).values["text"] == "Søt \u2013 og \u201cgod\u201d"


def test_it_falls_back_to_latin_1_for_bytes_windows_1252_leaves_undefined():
    content = b"id,text,published_at\r\n1,caf\xe9 \x81,13.05.2026 10:00\r\n"

    table = imports.read_table(content)

    assert table.encoding == "latin-1"
    assert next(table.records()).values["text"] == "café \x81"


def test_it_reads_excels_unicode_text_export():
    content = csv_bytes([HEADER, ["1", "Hei", "13.05.2026 10:00", "Kari"]], delimiter="\t", encoding="utf-16")

    table = imports.read_table(content)

    assert (table.encoding, table.delimiter, table.header) == ("utf-16", "\t", HEADER)


@pytest.mark.parametrize("delimiter", [",", ";", "\t"], ids=["comma", "semicolon", "tab"])
def test_it_recognises_the_delimiter_even_when_texts_are_full_of_others(delimiter):
    rows = [
        ["id", "tekst", "dato"],
        ["1", "Hei, dere; når åpner dere?", "13.05.2026 10:00"],
        ["2", "Takk, takk, takk", "13.05.2026 11:00"],
        ["3", "A;b;c;d, e", "13.05.2026 12:00"],
    ]

    table = imports.read_table(csv_bytes(rows, delimiter=delimiter))

    assert table.delimiter == delimiter
    assert table.header == ["id", "tekst", "dato"]
    assert [r.values["tekst"] for r in table.records()] == [row[1] for row in rows[1:]]


def test_it_takes_the_delimiter_from_an_excel_sep_line():
    content = b"sep=;\r\nid;text;published_at\r\n1;a,b,c,d,e,f;13.05.2026 10:00\r\n"

    table = imports.read_table(content)

    assert (table.delimiter, table.header, table.header_line) == (";", ["id", "text", "published_at"], 2)
    assert [(r.line, r.values["text"]) for r in table.records()] == [(3, "a,b,c,d,e,f")]


def test_a_delimiter_given_wins_over_the_guess():
    content = b"id;text\r\n1;a\r\n"

    assert imports.read_table(content, delimiter=",").header == ["id;text"]


def test_it_numbers_rows_by_their_line_in_the_file():
    content = (
        b"id,text,published_at\r\n"
        b"1,one,13.05.2026 10:00\r\n"
        b"\r\n"
        b'2,"two\r\nlines",13.05.2026 10:00\r\n'
        b",,\r\n"
        b"3,three,13.05.2026 10:00\r\n"
    )

    lines = [(r.line, r.values["id"]) for r in imports.read_table(content).records()]

    # Blank lines and rows of empty cells are skipped but counted; a quoted value spans two lines.
    assert lines == [(2, "1"), (4, "2"), (7, "3")]


def test_it_makes_column_names_unique_and_names_blank_ones():
    table = imports.read_table(b"id,text,,text,Text\r\n1,a,b,c,d\r\n")

    assert table.header == ["id", "text", "#3", "text (2)", "Text"]


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "empty"),
        (b" \r\n \r\n", "empty"),
        (b"PK\x03\x04\x14\x00\x06\x00", "save it as CSV"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "save it as CSV"),
        (b"id,text\x00\x01\x02", "binary"),
    ],
    ids=["empty", "blank lines", "xlsx", "xls", "binary"],
)
def test_it_refuses_what_is_not_a_csv_file(content, message):
    with pytest.raises(imports.CsvFileError, match=message):
        imports.read_table(content)


# Mapping.


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        (
            ["Post ID", "Message", "Published_At", "Author", "Author ID", "Type", "Permalink"],
            {
                "external_id": "Post ID",
                "text": "Message",
                "published_at": "Published_At",
                "author_name": "Author",
                "author_id": "Author ID",
                "kind": "Type",
                "url": "Permalink",
            },
        ),
        (
            ["ID", "Tekst", "Dato", "Forfatter", "Språk", "Svar på"],
            {
                "external_id": "ID",
                "text": "Tekst",
                "published_at": "Dato",
                "author_name": "Forfatter",
                "language": "Språk",
                "parent_external_id": "Svar på",
            },
        ),
        (
            ["external_id", "melding", "tidspunkt", "navn", "brukernavn", "lenke"],
            {
                "external_id": "external_id",
                "text": "melding",
                "published_at": "tidspunkt",
                "author_name": "navn",
                "author_handle": "brukernavn",
                "url": "lenke",
            },
        ),
        (["date", "text", "likes"], {"published_at": "date", "text": "text"}),
    ],
    ids=["english", "bokmål", "bokmål lower case", "partial"],
)
def test_it_guesses_the_mapping_from_english_and_norwegian_names(header, expected):
    assert imports.guess_mapping(header) == expected


def test_it_says_what_is_wrong_with_a_mapping():
    problems = imports.mapping_problems({"text": "Melding", "colour": "x", "url": ""}, ["Melding", "Id"])

    assert problems == [
        ("not_a_field", {"field": "colour"}),
        ("required", {"field": "external_id"}),
        ("required", {"field": "published_at"}),
    ]
    assert imports.mapping_problems({"text": "Nope"}, ["Id"])[0] == (
        "no_such_column",
        {"field": "text", "column": "Nope"},
    )


def test_a_failed_import_is_told_in_the_readers_language(channel):
    csv_import = upload(channel, b"PK\x03\x04 a workbook")

    assert (csv_import.error_code, csv_import.error_params) == ("workbook", {})
    assert csv_import.error.startswith("This is a spreadsheet workbook")
    with translation.override("nb"):
        assert imports.failure(csv_import).startswith("Dette er en regnearkfil, ikke en CSV-fil")
    csv_import.mapping = {"text": "Melding"}
    imports.start_import(import_id=csv_import.pk, mapping={"text": "Melding"})
    CsvImport.objects.filter(pk=csv_import.pk).update(content=csv_bytes([["Melding"], ["Hei"]]))

    failed = imports.run_import(import_id=csv_import.pk)

    assert failed.error_code == "mapping_mismatch"
    assert failed.error == (
        "The column mapping does not fit the file: external_id: no column chosen, and it is required; "
        "published_at: no column chosen, and it is required"
    )
    with translation.override("nb"):
        assert imports.failure(failed).startswith("Kolonnekoblingen passer ikke til filen: ")


# Rows into posts.


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("2026-05-13T10:00:00+02:00", datetime(2026, 5, 13, 8, 0, tzinfo=UTC)),
        ("2026-05-13T08:00:00Z", datetime(2026, 5, 13, 8, 0, tzinfo=UTC)),
        ("2026-05-13 10:00", datetime(2026, 5, 13, 8, 0, tzinfo=UTC)),  # no zone: Oslo, summer time
        ("13.05.2026 10:00", datetime(2026, 5, 13, 8, 0, tzinfo=UTC)),
        ("13.01.2026 10:00", datetime(2026, 1, 13, 9, 0, tzinfo=UTC)),  # winter time
        ("5.1.2026 kl. 09.30", datetime(2026, 1, 5, 8, 30, tzinfo=UTC)),
        ("13.05.2026 10:00:30", datetime(2026, 5, 13, 8, 0, 30, tzinfo=UTC)),
        ("29.03.2026 01:30", datetime(2026, 3, 29, 0, 30, tzinfo=UTC)),  # the night summer time starts
        ("29.03.2026 03:30", datetime(2026, 3, 29, 1, 30, tzinfo=UTC)),
    ],
)
def test_it_reads_iso_and_norwegian_dates_as_oslo_time(value, expected):
    assert imports.parse_published_at(value) == expected


@pytest.mark.parametrize("value", ["", "13.05.2026", "2026-05-13", "31.02.2026 10:00", "i går", "13/05/2026 10:00"])
def test_it_rejects_what_is_not_a_date_and_time(value):
    with pytest.raises(PayloadError, match=r"^published_at: "):
        imports.parse_published_at(value)


def test_a_row_becomes_a_post_of_the_generic_format():
    event = event_of(
        {
            "external_id": " 111_222 ",
            "text": "Når åpner dere?",
            "published_at": "13.05.2026 10:00",
            "author_id": "999",
            "author_name": "Kari Nordmann",
            "author_handle": "kari",
            "kind": "Kommentar",
            "parent_external_id": "111",
            "url": "https://facebook.com/111_222",
            "language": "nb",
        }
    )

    assert event.external_id == "111_222"
    assert event.text == "Når åpner dere?"
    assert event.published_at == datetime(2026, 5, 13, 8, 0, tzinfo=UTC)
    assert (event.author.external_id, event.author.name, event.author.handle) == ("999", "Kari Nordmann", "kari")
    assert (event.kind, event.parent_external_id, event.url, event.language) == (
        "comment",
        "111",
        "https://facebook.com/111_222",
        "nb",
    )
    assert event.raw["source"] == "csv"


@pytest.mark.parametrize(
    ("value", "kind"),
    [
        ("innlegg", "post"),
        ("Svar", "reply"),
        ("omtale", "mention"),
        ("direktemelding", "direct_message"),
        ("", "comment"),
    ],
)
def test_it_understands_kinds_in_english_and_norwegian(value, kind):
    event = event_of({"external_id": "1", "published_at": "13.05.2026 10:00", "kind": value})

    assert event.kind == kind


def test_it_derives_a_stable_author_id_from_the_name_when_the_file_has_no_ids():
    first = event_of({"external_id": "1", "published_at": "13.05.2026 10:00", "author_name": "Kari  Nordmann"})
    again = event_of({"external_id": "2", "published_at": "13.05.2026 10:00", "author_name": "kari nordmann"})
    other = event_of({"external_id": "3", "published_at": "13.05.2026 10:00", "author_name": "Ola Nordmann"})

    assert first.author.external_id == again.author.external_id != other.author.external_id
    assert first.author.name == "Kari  Nordmann"


def test_a_row_without_author_id_or_name_has_no_author():
    assert event_of({"external_id": "1", "published_at": "13.05.2026 10:00", "author_name": ""}).author is None
    assert event_of({"external_id": "1", "published_at": "13.05.2026 10:00"}).author is None


@pytest.mark.parametrize(
    ("values", "reason"),
    [
        ({"external_id": "", "published_at": "13.05.2026 10:00"}, "external_id: expected a non-empty string"),
        ({"external_id": "", "published_at": "never"}, "external_id: "),  # the id is the bigger news
        ({"external_id": "1", "published_at": "13.05.2026"}, "published_at: '13.05.2026' has no time of day"),
        ({"external_id": "1", "published_at": "13.05.2026 10:00", "kind": "story"}, "kind: expected one of"),
        ({"external_id": "1,23457E+17", "published_at": "13.05.2026 10:00"}, "external_id: '1,23457E+17' is a number"),
        ({"external_id": "1", "published_at": "13.05.2026 10:00", "url": "x" * 501}, "url: at most 500 characters"),
        (
            {"external_id": "x" * 129, "published_at": "13.05.2026 10:00"},
            "external_id: an id of at most 128 characters, not 129",
        ),
    ],
)
def test_a_bad_row_is_rejected_with_the_field_and_what_is_wrong(values, reason):
    with pytest.raises(PayloadError) as caught:
        event_of(values)

    assert str(caught.value).startswith(reason)


def test_a_row_with_values_past_the_last_column_is_rejected():
    row = imports.CsvRecord(line=4, values={"external_id": "1", "published_at": "13.05.2026 10:00"}, extra=("x",))

    with pytest.raises(PayloadError, match=r"^row: 1 value\(s\) past the last column"):
        imports.row_event(row, mapping={"external_id": "external_id", "published_at": "published_at"}, channel_id=1)


# Storing and running.


def test_it_stores_the_file_as_uploaded_with_a_guessed_mapping(channel):
    content = codecs.BOM_UTF8 + csv_bytes([["Id", "Melding", "Dato"], ["1", "Hei", "13.05.2026 10:00"]])

    csv_import = upload(channel, content)

    assert bytes(CsvImport.objects.get(pk=csv_import.pk).content) == content
    assert csv_import.status == CsvImport.Status.UPLOADED
    assert csv_import.total_rows == 1
    assert csv_import.mapping == {"external_id": "Id", "text": "Melding", "published_at": "Dato"}


def test_it_keeps_an_unreadable_file_as_a_failed_import(channel):
    csv_import = upload(channel, b"PK\x03\x04 a workbook")

    csv_import.refresh_from_db()
    assert csv_import.status == CsvImport.Status.FAILED
    assert "save it as CSV" in csv_import.error
    assert bytes(csv_import.content) == b"PK\x03\x04 a workbook"


def test_it_imports_good_rows_and_lists_bad_ones_by_line(channel):
    content = csv_bytes(
        [
            ["Id", "Tekst", "Dato", "Navn"],
            ["a1", "Når åpner dere?", "13.05.2026 10:00", "Kari Nordmann"],
            ["a2", "Fin butikk", "i går", "Ola"],
            ["", "Uten id", "13.05.2026 10:00", "Per"],
            ["a3", "Hei\nigjen", "13.05.2026 11:00", "Kari Nordmann"],
            ["a4", "Siste", "2026-05-13T12:00:00Z", ""],
        ],
        delimiter=";",
        encoding="cp1252",
    )
    csv_import = upload(channel, content)

    result = imports.run_import(import_id=csv_import.pk)

    assert result.status == CsvImport.Status.DONE
    assert (result.total_rows, result.processed_rows, result.imported, result.duplicates) == (5, 5, 3, 0)
    assert result.errors == [
        {
            "line": 3,
            "code": "not_a_datetime",
            "field": "published_at",
            "params": {"value": "i går"},
            "reason": "published_at: 'i går' is not a date and time like 13.05.2026 10:00 or 2026-05-13T10:00:00+02:00",
        },
        {
            "line": 4,
            "code": "missing",
            "field": "external_id",
            "params": {},
            "reason": "external_id: expected a non-empty string of at most 128 characters",
        },
    ]
    with translation.override("nb"):
        assert [imports.describe_rejection(entry) for entry in result.errors] == [
            "Publisert: «i går» er ikke en dato og et klokkeslett som 13.05.2026 10:00.",
            "Innleggs-ID: tom, og den trengs.",
        ]
    with translation.override("en"):
        assert imports.describe_rejection(result.errors[1]) == "Post id: empty, and it is needed."
    assert imports.rejected_count(result) == 2
    assert result.started_at <= result.finished_at
    posts = {post.external_id: post for post in Post.objects.select_related("author")}
    assert set(posts) == {"a1", "a3", "a4"}
    assert posts["a1"].text == "Når åpner dere?"
    assert posts["a1"].channel == channel
    assert posts["a1"].author == posts["a3"].author
    assert posts["a1"].author.name == "Kari Nordmann"
    assert posts["a3"].text == "Hei\nigjen"
    assert posts["a4"].author is None
    assert posts["a1"].raw["csv_import"] == csv_import.pk
    assert posts["a1"].raw["csv_line"] == 2
    assert Author.objects.count() == 1


def test_a_post_already_in_the_inbox_or_earlier_in_the_file_is_a_duplicate(channel):
    first = upload(channel, csv_bytes([HEADER, ["1", "Hei", "13.05.2026 10:00", "Kari"]]))
    imports.run_import(import_id=first.pk)
    content = csv_bytes(
        [
            HEADER,
            ["1", "Hei", "13.05.2026 10:00", "Kari"],
            ["2", "Ny", "13.05.2026 10:00", "Ola"],
            ["2", "Ny igjen", "13.05.2026 10:00", "Ola"],
        ]
    )

    result = imports.run_import(import_id=upload(channel, content).pk)

    assert (result.imported, result.duplicates, result.errors) == (1, 2, [])
    assert Post.objects.count() == 2
    assert Post.objects.get(external_id="2").text == "Ny"


def test_running_the_same_file_again_creates_nothing_new(channel):
    content = csv_bytes([HEADER, *([str(n), f"Post {n}", "13.05.2026 10:00", f"Navn {n % 3}"] for n in range(60))])
    imports.run_import(import_id=upload(channel, content).pk)
    counts = Post.objects.count(), Author.objects.count()

    again = imports.run_import(import_id=upload(channel, content).pk)

    assert (again.imported, again.duplicates) == (0, 60)
    assert (Post.objects.count(), Author.objects.count()) == counts == (60, 3)


def test_the_same_file_in_another_channel_is_not_a_duplicate(channel):
    content = csv_bytes([HEADER, ["1", "Hei", "13.05.2026 10:00", "Kari"]])
    imports.run_import(import_id=upload(channel, content).pk)

    other = imports.run_import(import_id=upload(ChannelFactory(platform="x"), content).pk)

    assert other.imported == 1
    assert Post.objects.count() == 2


def test_it_saves_its_progress_as_it_goes(channel):
    content = csv_bytes([HEADER, *([str(n), "Hei", "13.05.2026 10:00", ""] for n in range(120))])
    csv_import = upload(channel, content)
    seen = []

    def progress(processed: int, total: int) -> None:
        saved = CsvImport.objects.get(pk=csv_import.pk)
        seen.append((processed, total, saved.processed_rows, saved.imported, saved.status))

    imports.run_import(import_id=csv_import.pk, progress=progress)

    assert seen == [
        (0, 120, 0, 0, "running"),
        (50, 120, 50, 50, "running"),
        (100, 120, 100, 100, "running"),
        (120, 120, 120, 120, "running"),
    ]
    assert CsvImport.objects.get(pk=csv_import.pk).status == "done"


def test_it_lists_a_bounded_number_of_rejected_rows(channel, monkeypatch):
    monkeypatch.setattr(imports.runs, "MAX_LISTED_REJECTIONS", 2)
    content = csv_bytes([HEADER, *([str(n), "Hei", "never", ""] for n in range(5))])

    result = imports.run_import(import_id=upload(channel, content).pk)

    assert [rejection["line"] for rejection in result.errors] == [2, 3]
    assert imports.rejected_count(result) == 5


def test_it_fails_an_import_whose_file_cannot_be_read(channel):
    csv_import = CsvImport.objects.create(channel=channel, file_name="posts.csv", content=b"\x00\x01\x02binary")

    result = imports.run_import(import_id=csv_import.pk)

    assert result.status == CsvImport.Status.FAILED
    assert result.error == "The file contains binary data; it is not a CSV file."
    assert result.started_at is not None
    assert result.finished_at is not None
    assert Post.objects.count() == 0


def test_it_fails_an_import_whose_mapping_lacks_a_required_field(channel):
    csv_import = upload(channel, csv_bytes([["id", "text"], ["1", "Hei"]]))

    result = imports.run_import(import_id=csv_import.pk)

    assert result.status == CsvImport.Status.FAILED
    assert "published_at: no column chosen, and it is required" in result.error


def test_it_fails_an_import_into_a_channel_no_longer_active(channel):
    csv_import = upload(channel, csv_bytes([HEADER, ["1", "Hei", "13.05.2026 10:00", "Kari"]]))
    channel.is_active = False
    channel.save()

    result = imports.run_import(import_id=csv_import.pk)

    assert result.status == CsvImport.Status.FAILED
    assert result.error == "The channel Facebook is not active."
    assert Post.objects.count() == 0


def test_a_draft_mapping_is_kept_until_the_import_starts_and_never_after(channel, django_capture_on_commit_callbacks):
    csv_import = upload(channel, csv_bytes([HEADER, ["1", "Hei", "13.05.2026 10:00", "Kari"]]))

    assert imports.save_draft_mapping(
        import_id=csv_import.pk, mapping={"external_id": "id", "text": "author", "url": ""}
    )
    csv_import.refresh_from_db()
    assert csv_import.draft_mapping == {"external_id": "id", "text": "author"}
    assert csv_import.mapping["text"] == "text"

    with django_capture_on_commit_callbacks(execute=False):
        assert imports.start_import(import_id=csv_import.pk, mapping={"external_id": "id", "text": "text"})
    assert not imports.save_draft_mapping(import_id=csv_import.pk, mapping={"text": "author"})
    csv_import.refresh_from_db()
    assert (csv_import.status, csv_import.draft_mapping) == (CsvImport.Status.QUEUED, {})


def test_it_runs_an_import_only_once(channel):
    csv_import = upload(channel, csv_bytes([HEADER, ["1", "Hei", "13.05.2026 10:00", "Kari"]]))
    imports.run_import(import_id=csv_import.pk)

    assert imports.run_import(import_id=csv_import.pk) is None
    assert CsvImport.objects.get(pk=csv_import.pk).imported == 1


def test_it_takes_over_an_import_left_running_by_a_dead_worker(channel):
    csv_import = upload(channel, csv_bytes([HEADER, ["1", "Hei", "13.05.2026 10:00", "Kari"]]))
    CsvImport.objects.filter(pk=csv_import.pk).update(status="running", started_at=timezone.now())
    assert imports.run_import(import_id=csv_import.pk) is None

    with time_machine.travel(timezone.now() + imports.RUN_TIME_LIMIT + timedelta(minutes=1)):
        result = imports.run_import(import_id=csv_import.pk)

    assert (result.status, result.imported) == ("done", 1)


def test_the_preview_says_what_each_row_will_do(channel):
    imports.run_import(import_id=upload(channel, csv_bytes([HEADER, ["old", "Hei", "13.05.2026 10:00", ""]])).pk)
    content = csv_bytes(
        [
            HEADER,
            ["new", "Ny", "13.05.2026 10:00", "Kari"],
            ["old", "Hei", "13.05.2026 10:00", ""],
            ["bad", "Feil", "snart", ""],
            ["new", "Ny igjen", "13.05.2026 10:00", "Kari"],
            *([f"more{n}", "", "13.05.2026 10:00", ""] for n in range(30)),
        ]
    )
    csv_import = upload(channel, content)

    rows = imports.preview(csv_import, csv_import.mapping)

    assert len(rows) == imports.PREVIEW_ROWS
    assert [(row.line, row.outcome, row.duplicate_of_line) for row in rows[:4]] == [
        (2, "ok", None),
        (3, "duplicate", None),
        (4, "rejected", None),
        (5, "duplicate", 2),
    ]
    assert rows[2].rejection["reason"].startswith("published_at: 'snart'")
    with translation.override("en"):
        assert rows[2].reason == "Published: “snart” is not a date and time like 13.05.2026 10:00."
    assert rows[0].values == {
        "external_id": "new",
        "text": "Ny",
        "published_at": "13.05.2026 10:00",
        "author_name": "Kari",
    }
    assert Post.objects.count() == 1  # a preview imports nothing
