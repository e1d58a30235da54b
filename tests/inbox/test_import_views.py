"""The CSV import pages: list, upload, mapping with preview, the run and its progress fragment."""

from unittest import mock

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from inbox.ingest import csv_import as imports
from inbox.models import CsvImport, Post
from tests.factories import ChannelFactory

CSV = (
    "Id;Tekst;Dato;Navn\r\n"
    "p1;Når åpner dere?;13.05.2026 10:00;Kari Nordmann\r\n"
    "p2;Fin butikk;i går;Ola\r\n"
    "p3;Takk for hjelpen;13.05.2026 11:00;Kari Nordmann\r\n"
).encode("cp1252")


@pytest.fixture
def channel(db):
    return ChannelFactory(slug="facebook", platform="facebook", name="Facebook")


@pytest.fixture
def csv_import(channel, ingrid):
    return imports.store_upload(channel=channel, file_name="eksport.csv", content=CSV, uploaded_by=ingrid)


@pytest.fixture
def english(client):
    """The pages in English: the assertions hold before and after the bokmål catalogue learns the strings."""
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"


@pytest.fixture
def as_ingrid(client, ingrid, english):
    client.force_login(ingrid)
    return client


def page_urls(import_id: int) -> list[str]:
    return [
        reverse("inbox:import-list"),
        reverse("inbox:import-upload"),
        reverse("inbox:import-mapping", args=[import_id]),
        reverse("inbox:import-preview", args=[import_id]),
        reverse("inbox:import-detail", args=[import_id]),
        reverse("inbox:import-progress", args=[import_id]),
    ]


def upload(client, content: bytes, *, channel, name: str = "eksport.csv"):
    return client.post(
        reverse("inbox:import-upload"), {"channel": channel.pk, "file": SimpleUploadedFile(name, content)}
    )


# Who may open the pages.


@pytest.mark.parametrize("persona", ["lars", "ola"])
def test_it_denies_managers_and_employees_with_403(client, request, csv_import, persona):
    client.force_login(request.getfixturevalue(persona))

    for url in page_urls(csv_import.pk):
        assert client.get(url).status_code == 403, url
    assert upload(client, CSV, channel=csv_import.channel).status_code == 403
    assert CsvImport.objects.count() == 1


def test_it_redirects_anonymous_users_to_login(client, csv_import):
    for url in page_urls(csv_import.pk):
        response = client.get(url)
        assert response.status_code == 302, url
        assert response.url == f"{reverse('login')}?next={url}"


def test_the_navigation_offers_the_import_to_the_communication_unit_only(client, ingrid, lars):
    url = reverse("inbox:import-list")
    client.force_login(ingrid)
    assert f'href="{url}"' in client.get(reverse("strategy:guidelines")).content.decode()

    client.force_login(lars)
    assert f'href="{url}"' not in client.get(reverse("strategy:guidelines")).content.decode()


# The list.


def test_the_list_shows_earlier_imports_with_their_counts(as_ingrid, csv_import, django_assert_max_num_queries):
    imports.run_import(import_id=csv_import.pk)

    with django_assert_max_num_queries(8):
        response = as_ingrid.get(reverse("inbox:import-list"))

    html = response.content.decode()
    assert response.status_code == 200
    assert "eksport.csv" in html
    assert "Facebook" in html
    assert "done" in html
    # rows, imported, duplicates, rejected
    assert "<td>3</td>\n            <td>2</td>\n            <td>0</td>\n            <td>1</td>" in html
    assert reverse("inbox:import-upload") in html


def test_the_list_says_so_when_nothing_was_imported(as_ingrid):
    assert "Nothing has been imported yet." in as_ingrid.get(reverse("inbox:import-list")).content.decode()


# Upload.


def test_the_upload_form_labels_its_inputs(as_ingrid, channel):
    html = as_ingrid.get(reverse("inbox:import-upload")).content.decode()

    assert '<label for="id_channel">Channel' in html
    assert '<label for="id_file">CSV file' in html
    assert 'aria-describedby="id_file_helptext"' in html
    assert 'enctype="multipart/form-data"' in html


def test_it_stores_the_file_as_uploaded_and_goes_on_to_the_mapping(as_ingrid, channel, ingrid):
    response = upload(as_ingrid, CSV, channel=channel)

    csv_import = CsvImport.objects.get()
    assert response.status_code == 302
    assert response.url == reverse("inbox:import-mapping", args=[csv_import.pk])
    assert bytes(csv_import.content) == CSV
    assert (csv_import.file_name, csv_import.channel, csv_import.uploaded_by) == ("eksport.csv", channel, ingrid)
    assert csv_import.status == CsvImport.Status.UPLOADED
    assert csv_import.total_rows == 3
    assert csv_import.mapping == {"external_id": "Id", "text": "Tekst", "published_at": "Dato", "author_name": "Navn"}
    assert Post.objects.count() == 0


def test_it_refuses_a_file_over_10_mb(as_ingrid, channel):
    response = upload(as_ingrid, b"x" * (10 * 1024 * 1024 + 1), channel=channel)

    assert response.status_code == 302
    assert response.url == reverse("inbox:import-upload")
    html = as_ingrid.get(response.url).content.decode()
    assert "The file is 10.0\xa0MB; the limit is 10.0\xa0MB." in html
    assert 'aria-invalid="true"' in html
    assert CsvImport.objects.count() == 0


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({}, "file", "This field is required."),
        ({"file": SimpleUploadedFile("tom.csv", b"")}, "file", "The submitted file is empty."),
        ({"file": SimpleUploadedFile("a.csv", CSV), "channel": ""}, "channel", "This field is required."),
    ],
    ids=["no file", "empty file", "no channel"],
)
def test_it_says_what_is_wrong_with_the_upload(as_ingrid, channel, data, field, message):
    data = {"channel": channel.pk, **data}

    response = as_ingrid.post(reverse("inbox:import-upload"), data, follow=True)

    html = response.content.decode()
    assert response.redirect_chain == [(reverse("inbox:import-upload"), 302)]
    assert f'<small class="form-error" id="id_{field}_error">{message}</small>' in html
    assert 'role="alert"' in html
    assert "A browser does not keep a chosen file: choose it again before you upload." in html
    assert CsvImport.objects.count() == 0


def test_it_keeps_an_unreadable_file_as_a_failed_import_and_says_why(as_ingrid, channel):
    response = upload(as_ingrid, b"PK\x03\x04\x14\x00", channel=channel, name="eksport.xlsx")

    assert response.status_code == 302
    assert response.url == reverse("inbox:import-upload")
    html = as_ingrid.get(response.url).content.decode()
    assert (
        '<small class="form-error" id="id_file_error">This file cannot be read: '
        "This is a spreadsheet workbook, not a CSV file: save it as CSV first (File, Save as).</small>"
    ) in html
    assert "The refused file is kept in the list of imports." in html
    csv_import = CsvImport.objects.get()
    assert csv_import.status == CsvImport.Status.FAILED
    assert bytes(csv_import.content) == b"PK\x03\x04\x14\x00"
    assert "eksport.xlsx" in as_ingrid.get(reverse("inbox:import-list")).content.decode()


@pytest.mark.parametrize(
    ("content", "reason"),
    [
        (b"  \r\n", "The file is empty."),
        (b"Id,Tekst\x00\x01\x02", "The file contains binary data; it is not a CSV file."),
        (b"\xff\xfeI\x00d\x00\x00\xd8", "The file says it is UTF-16 but is not."),
    ],
    ids=["blank", "binary", "bad utf-16"],
)
def test_a_refused_file_comes_back_by_a_redirect_with_the_channel_still_chosen(as_ingrid, channel, content, reason):
    other = ChannelFactory(name="X")

    response = upload(as_ingrid, content, channel=other)
    html = as_ingrid.get(reverse("inbox:import-upload")).content.decode()

    assert (response.status_code, response.url) == (302, reverse("inbox:import-upload"))
    assert f"This file cannot be read: {reason}" in html
    assert f'<option value="{other.pk}" selected>X</option>' in html
    assert CsvImport.objects.get().status == CsvImport.Status.FAILED


@pytest.mark.parametrize(
    ("language", "reason"),
    [
        ("nb", "Denne filen kan ikke leses: Dette er en regnearkfil, ikke en CSV-fil: lagre den som CSV først"),
        ("en", "This file cannot be read: This is a spreadsheet workbook, not a CSV file: save it as CSV first"),
    ],
)
def test_the_page_after_a_refused_upload_says_why_in_the_readers_language_once(
    client, ingrid, channel, language, reason
):
    client.force_login(ingrid)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    url = reverse("inbox:import-upload")

    response = upload(client, b"PK\x03\x04\x14\x00", channel=channel, name="eksport.xlsx")
    first = client.get(url).content.decode()
    again = client.get(url).content.decode()

    assert (response.status_code, response.url) == (302, url)
    assert reason in first
    assert 'role="alert"' in first
    assert f'<option value="{channel.pk}" selected>' in first
    # A reload shows a clean form.
    assert reason.split(":")[0] not in again
    assert "form-error" not in again
    assert 'role="alert"' not in again
    assert f'<option value="{channel.pk}" selected>' not in again


def test_a_reload_after_a_form_error_on_the_upload_shows_a_clean_form(as_ingrid, channel):
    url = reverse("inbox:import-upload")

    as_ingrid.post(url, {"channel": channel.pk})
    first = as_ingrid.get(url).content.decode()
    again = as_ingrid.get(url).content.decode()

    assert '<small class="form-error" id="id_file_error">This field is required.</small>' in first
    assert "form-error" not in again
    assert 'aria-invalid="true"' not in again


def test_it_offers_active_channels_only(as_ingrid, channel):
    retired = ChannelFactory(name="Retired", is_active=False)

    html = as_ingrid.get(reverse("inbox:import-upload")).content.decode()
    response = upload(as_ingrid, CSV, channel=retired)

    assert "Retired" not in html
    assert (response.status_code, response.url) == (302, reverse("inbox:import-upload"))
    assert "Select a valid choice." in as_ingrid.get(response.url).content.decode()
    assert CsvImport.objects.count() == 0


# Mapping and preview.


def test_the_mapping_page_preselects_the_guessed_columns_and_previews_the_rows(as_ingrid, csv_import):
    Post.objects.create(channel=csv_import.channel, external_id="p3", kind="comment", published_at="2026-05-13T09:00Z")

    response = as_ingrid.get(reverse("inbox:import-mapping", args=[csv_import.pk]))

    html = response.content.decode()
    assert response.status_code == 200
    assert '<option value="Id" selected>Id</option>' in html
    assert '<option value="Navn" selected>Navn</option>' in html
    assert '<label for="id_external_id">Post id <span class="meta">(required)</span></label>' in html
    assert '<label for="id_author_id">Author&#x27;s id</label>' in html
    assert '<select name="external_id" required id="id_external_id">' in html
    assert "columns separated by semicolon" in html
    assert "CP1252" in html
    # The preview: each row with its outcome.
    assert "Når åpner dere?" in html
    assert "Will be skipped" in html
    assert "Published: “i går” is not a date and time like 13.05.2026 10:00." in html
    assert "of a post already in the inbox" in html
    assert "The first 3 rows:\nto import 1 · duplicates 1 · to skip 1" in html
    assert 'hx-get="{}"'.format(reverse("inbox:import-preview", args=[csv_import.pk])) in html


def test_the_preview_follows_the_mapping_being_chosen(as_ingrid, csv_import):
    url = reverse("inbox:import-preview", args=[csv_import.pk])

    response = as_ingrid.get(url, {"external_id": "Id", "text": "Navn", "published_at": "Dato", "url": "Nope"})

    html = response.content.decode()
    assert response.status_code == 200
    assert "<html" not in html  # a fragment
    assert '<p id="preview-summary" hx-swap-oob="innerHTML">' in html
    assert "<td>Kari Nordmann</td>" in html
    assert "Når åpner dere?" not in html  # the text column is not chosen


def test_the_preview_says_every_row_is_skipped_while_the_id_is_not_chosen(as_ingrid, csv_import):
    url = reverse("inbox:import-preview", args=[csv_import.pk])

    html = as_ingrid.get(url, {"text": "Tekst", "published_at": "Dato"}).content.decode()

    assert html.count("Post id: empty, and it is needed.") == 3


def test_it_asks_for_the_required_fields(as_ingrid, csv_import):
    url = reverse("inbox:import-mapping", args=[csv_import.pk])

    response = as_ingrid.post(url, {"external_id": "Id", "text": "", "published_at": "Dato"}, follow=True)

    html = response.content.decode()
    assert response.redirect_chain == [(url, 302)]
    assert '<small class="form-error" id="id_text_error">This field is required.</small>' in html
    assert "Choose a column for each required field." in html
    assert CsvImport.objects.get().status == CsvImport.Status.UPLOADED


def test_an_invalid_mapping_comes_back_by_a_redirect_with_its_preview_and_its_errors_once(as_ingrid, csv_import):
    url = reverse("inbox:import-mapping", args=[csv_import.pk])

    response = as_ingrid.post(url, {"external_id": "", "text": "Navn", "published_at": "Dato"})
    first = as_ingrid.get(url).content.decode()
    again = as_ingrid.get(url).content.decode()

    assert (response.status_code, response.url) == (302, url)
    csv_import.refresh_from_db()
    assert csv_import.draft_mapping == {"text": "Navn", "published_at": "Dato"}
    assert csv_import.mapping["external_id"] == "Id"  # the mapping to run with is not changed by a draft
    assert csv_import.status == CsvImport.Status.UPLOADED
    for html in (first, again):
        # The draft, and its preview: every row lacks its id, and the text column holds the names.
        assert '<option value="Id" selected>' not in html
        assert '<option value="Navn" selected>Navn</option>' in html
        assert html.count("Post id: empty, and it is needed.") == 3
        assert "<td>Kari Nordmann</td>" in html
        assert "Når åpner dere?" not in html
    assert first.count('<small class="form-error" id="id_external_id_error">This field is required.</small>') == 1
    assert first.count("Choose a column for each required field.") == 1
    # A reload shows no error a second time, and no alert.
    assert "id_external_id_error" not in again
    assert "Choose a column for each required field." not in again
    assert 'aria-invalid="true"' not in again


def test_the_preview_button_shows_the_preview_without_starting(as_ingrid, csv_import):
    url = reverse("inbox:import-mapping", args=[csv_import.pk])

    response = as_ingrid.post(url, {"external_id": "Id", "text": "Navn", "published_at": "Dato", "preview": "1"})

    assert (response.status_code, response.url) == (302, f"{url}#preview-heading")
    assert CsvImport.objects.get().status == CsvImport.Status.UPLOADED
    for _reload in range(2):
        html = as_ingrid.get(url).content.decode()
        # The preview for the draft mapping: the names in the text column, and no text.
        assert '<option value="Navn" selected>Navn</option>' in html
        assert "<td>Kari Nordmann</td>" in html
        assert "Når åpner dere?" not in html
        assert "The first 3 rows:\nto import 2 · duplicates 0 · to skip 1" in html
        # A preview finds no fault with the form, as with JavaScript.
        assert "form-error" not in html.split('id="preview-heading"')[0]


def test_a_preview_without_a_required_field_shows_no_errors(as_ingrid, csv_import):
    url = reverse("inbox:import-mapping", args=[csv_import.pk])

    as_ingrid.post(url, {"external_id": "", "text": "Tekst", "published_at": "Dato", "preview": "1"})
    html = as_ingrid.get(url).content.decode()

    assert "Choose a column for each required field." not in html
    assert "id_external_id_error" not in html
    assert html.count("Post id: empty, and it is needed.") == 3


def test_starting_the_import_uses_the_posted_mapping_and_drops_the_draft(as_ingrid, csv_import):
    url = reverse("inbox:import-mapping", args=[csv_import.pk])
    as_ingrid.post(url, {"external_id": "Id", "text": "Navn", "published_at": "Dato", "preview": "1"})

    with mock.patch("inbox.ingest.tasks.import_csv_task.apply_async"):
        response = as_ingrid.post(url, {"external_id": "Id", "text": "Tekst", "published_at": "Dato"})

    assert response.url == reverse("inbox:import-detail", args=[csv_import.pk])
    csv_import.refresh_from_db()
    assert csv_import.status == CsvImport.Status.QUEUED
    assert csv_import.mapping == {"external_id": "Id", "text": "Tekst", "published_at": "Dato"}
    assert csv_import.draft_mapping == {}


def test_it_runs_the_import_and_shows_the_result(
    as_ingrid, csv_import, eager_tasks, django_capture_on_commit_callbacks
):
    url = reverse("inbox:import-mapping", args=[csv_import.pk])
    mapping = {"external_id": "Id", "text": "Tekst", "published_at": "Dato", "author_name": "Navn"}

    with django_capture_on_commit_callbacks(execute=True):
        response = as_ingrid.post(url, mapping)

    assert response.status_code == 302
    assert response.url == reverse("inbox:import-detail", args=[csv_import.pk])
    csv_import.refresh_from_db()
    assert csv_import.mapping == mapping
    assert (csv_import.status, csv_import.imported, csv_import.duplicates) == ("done", 2, 0)
    assert [(entry["line"], entry["code"], entry["field"]) for entry in csv_import.errors] == [
        (3, "not_a_datetime", "published_at")
    ]
    assert set(Post.objects.values_list("external_id", flat=True)) == {"p1", "p3"}

    html = as_ingrid.get(response.url).content.decode()
    assert '<progress id="import-progress-bar" max="3" value="3"' in html
    assert "3 of 3 rows (100 %)" in html
    assert "hx-trigger" not in html  # nothing to poll for
    assert '<tr><th scope="row">3</th><td>Published: “i går” is not a date and time' in html


def test_it_starts_the_task_only_after_commit(as_ingrid, csv_import, django_capture_on_commit_callbacks):
    url = reverse("inbox:import-mapping", args=[csv_import.pk])

    with mock.patch("inbox.ingest.tasks.import_csv_task.apply_async") as delay:
        with django_capture_on_commit_callbacks(execute=False) as callbacks:
            as_ingrid.post(url, {"external_id": "Id", "text": "Tekst", "published_at": "Dato"})
        delay.assert_not_called()
        for callback in callbacks:
            callback()

    delay.assert_called_once_with(args=(csv_import.pk,))
    assert CsvImport.objects.get().status == CsvImport.Status.QUEUED


def test_it_marks_the_import_failed_when_the_task_cannot_be_queued(
    as_ingrid, csv_import, django_capture_on_commit_callbacks
):
    url = reverse("inbox:import-mapping", args=[csv_import.pk])

    with (
        mock.patch("inbox.ingest.tasks.import_csv_task.apply_async", side_effect=ConnectionError("broker down")),
        django_capture_on_commit_callbacks(execute=True),
    ):
        response = as_ingrid.post(url, {"external_id": "Id", "text": "Tekst", "published_at": "Dato"})

    assert response.status_code == 302
    csv_import.refresh_from_db()
    assert csv_import.status == CsvImport.Status.FAILED
    assert "could not be sent to the task queue" in csv_import.error
    # It can be started again from the mapping page.
    assert as_ingrid.get(reverse("inbox:import-mapping", args=[csv_import.pk])).status_code == 200


def test_a_started_import_cannot_be_started_again(as_ingrid, csv_import):
    CsvImport.objects.filter(pk=csv_import.pk).update(status="running")
    url = reverse("inbox:import-mapping", args=[csv_import.pk])

    assert as_ingrid.get(url).url == reverse("inbox:import-detail", args=[csv_import.pk])
    assert as_ingrid.post(url, {"external_id": "Id", "text": "Tekst", "published_at": "Dato"}).status_code == 302
    assert CsvImport.objects.get().status == "running"


def test_an_import_not_yet_started_opens_on_its_mapping(as_ingrid, csv_import):
    response = as_ingrid.get(reverse("inbox:import-detail", args=[csv_import.pk]))

    assert response.url == reverse("inbox:import-mapping", args=[csv_import.pk])


# The progress fragment.


def test_the_progress_fragment_polls_while_the_import_waits_for_a_worker(as_ingrid, csv_import):
    CsvImport.objects.filter(pk=csv_import.pk).update(status="queued", total_rows=0)

    html = as_ingrid.get(reverse("inbox:import-progress", args=[csv_import.pk])).content.decode()

    assert "<html" not in html
    assert 'hx-trigger="every 1s"' in html
    assert 'hx-get="{}"'.format(reverse("inbox:import-progress", args=[csv_import.pk])) in html
    assert '<progress id="import-progress-bar" aria-describedby="import-progress-text">' in html  # indeterminate
    assert '<label for="import-progress-bar">Rows processed</label>' in html


def test_the_progress_fragment_shows_how_far_the_import_has_come(as_ingrid, csv_import):
    CsvImport.objects.filter(pk=csv_import.pk).update(status="running", total_rows=120, processed_rows=50)

    html = as_ingrid.get(reverse("inbox:import-progress", args=[csv_import.pk])).content.decode()

    assert 'hx-trigger="every 1s"' in html
    assert (
        '<progress id="import-progress-bar" max="120" value="50" aria-describedby="import-progress-text">42 %' in html
    )
    assert "50 of 120 rows (42 %)" in html
    assert "Result" not in html
    assert "import-announcement" not in html


def test_the_progress_fragment_stops_polling_and_shows_the_result_when_done(as_ingrid, csv_import):
    imports.run_import(import_id=csv_import.pk)

    html = as_ingrid.get(reverse("inbox:import-progress", args=[csv_import.pk])).content.decode()

    assert "hx-trigger" not in html
    assert "Imported: <strong>2</strong>" in html
    assert "Rejected: <strong>1</strong>" in html
    assert "Rejected rows" in html
    assert (
        '<p id="import-announcement" hx-swap-oob="innerHTML">'
        "The import is finished. Imported: 2, duplicates: 0, rejected: 1.</p>"
    ) in html


def test_the_progress_fragment_says_why_an_import_failed(as_ingrid, channel, ingrid):
    csv_import = CsvImport.objects.create(channel=channel, file_name="x.csv", content=b"\x00", uploaded_by=ingrid)
    imports.run_import(import_id=csv_import.pk)

    html = as_ingrid.get(reverse("inbox:import-progress", args=[csv_import.pk])).content.decode()

    assert '<p class="form-error" role="alert">The file contains binary data; it is not a CSV file.</p>' in html
    assert "The import failed." in html
    assert "hx-trigger" not in html


def test_the_progress_fragment_does_not_read_the_file(as_ingrid, csv_import, django_assert_max_num_queries):
    # Polled every second: the stored file (up to 10 MB) must stay in the database.
    with django_assert_max_num_queries(5) as queries:
        response = as_ingrid.get(reverse("inbox:import-progress", args=[csv_import.pk]))

    assert response.status_code == 200
    assert not any('"inbox_csvimport"."content"' in query["sql"] for query in queries.captured_queries)
