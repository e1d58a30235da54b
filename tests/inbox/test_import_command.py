"""`manage.py import_posts FILE --channel ID`: the CSV import from the terminal."""

import io
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.utils import translation

from inbox.models import CsvImport, Post
from tests.factories import ChannelFactory


@pytest.fixture(autouse=True)
def in_english():
    """These tests read the messages in English; the product speaks bokmål by default."""
    with translation.override("en"):
        yield


MANAGE_PY = Path(__file__).resolve().parents[2] / "manage.py"


@pytest.fixture
def channel(db):
    return ChannelFactory(slug="facebook", platform="facebook", name="Facebook")


def run(*args) -> str:
    out = io.StringIO()
    call_command("import_posts", *[str(arg) for arg in args], stdout=out)
    return out.getvalue()


def test_it_imports_a_file_with_a_progress_bar_and_lists_the_rejected_rows(tmp_path, channel):
    rows = [f"p{n};Hei nummer {n};13.05.2026 10:00;Kari" for n in range(120)]
    rows[6] = "p6;Hei;i morgen;Kari"
    path = tmp_path / "eksport.csv"
    path.write_bytes(("Id;Tekst;Dato;Navn\r\n" + "\r\n".join(rows) + "\r\n").encode("cp1252"))

    output = run(path, "--channel", channel.pk)

    assert "\r[..............................] 0/120" in output
    assert "\r[############..................] 50/120" in output
    assert "\r[##############################] 120/120\n" in output
    assert "Imported 119, duplicates 0, rejected 1 (of 120 rows)." in output
    assert "  line 8: Published: “i morgen” is not a date and time like 13.05.2026 10:00." in output
    csv_import = CsvImport.objects.get()
    assert (csv_import.status, csv_import.file_name, csv_import.uploaded_by) == ("done", "eksport.csv", None)
    assert bytes(csv_import.content) == path.read_bytes()
    assert Post.objects.filter(channel=channel).count() == 119


def test_running_it_again_creates_nothing_new(tmp_path, channel):
    path = tmp_path / "posts.csv"
    path.write_text("id,text,published_at\n1,Hei,2026-05-13T10:00:00Z\n2,Hallo,2026-05-13T11:00:00Z\n")
    run(path, "--channel", channel.pk)

    output = run(path, "--channel", channel.pk)

    assert "Imported 0, duplicates 2, rejected 0" in output
    assert Post.objects.count() == 2
    assert CsvImport.objects.count() == 2


def test_it_takes_a_mapping_and_a_delimiter(tmp_path, channel):
    path = tmp_path / "sheet.csv"
    path.write_text("Nr|Innhold|Når\n7|Hei, alle|13.05.2026 10:00\n".replace("|", "\t"))

    output = run(
        path,
        "--channel",
        channel.pk,
        "--delimiter",
        "tab",
        "--mapping",
        "external_id=Nr",
        "text=Innhold",
        "--mapping",
        "published_at=Når",
    )

    assert "columns: external_id=Nr, text=Innhold, published_at=Når" in output
    post = Post.objects.get()
    assert (post.external_id, post.text) == ("7", "Hei, alle")


def test_it_fails_when_the_channel_does_not_exist(tmp_path, db):
    path = tmp_path / "posts.csv"
    path.write_text("id,text,published_at\n1,Hei,2026-05-13T10:00:00Z\n")

    with pytest.raises(CommandError, match="There is no active channel with the id 999"):
        run(path, "--channel", 999)
    assert CsvImport.objects.count() == 0


def test_it_fails_when_the_file_cannot_be_read(tmp_path, channel):
    workbook = tmp_path / "posts.xlsx"
    workbook.write_bytes(b"PK\x03\x04\x14\x00\x06\x00")

    with pytest.raises(CommandError, match="cannot be read: This is a spreadsheet workbook"):
        run(workbook, "--channel", channel.pk)
    with pytest.raises(CommandError, match=r"Cannot read .*missing\.csv: No such file or directory"):
        run(tmp_path / "missing.csv", "--channel", channel.pk)
    assert CsvImport.objects.get().status == CsvImport.Status.FAILED


def test_it_fails_when_a_required_column_is_missing(tmp_path, channel):
    path = tmp_path / "posts.csv"
    path.write_text("id,text\n1,Hei\n")

    with pytest.raises(CommandError, match="published_at: no column chosen, and it is required"):
        run(path, "--channel", channel.pk)


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--mapping", "colour=Farge"], "--mapping 'colour=Farge': expected FIELD=COLUMN"),
        (["--mapping", "text"], "--mapping 'text': expected FIELD=COLUMN"),
        (["--delimiter", "|"], "--delimiter: expected , ; or tab"),
    ],
)
def test_it_refuses_bad_options(tmp_path, channel, args, message):
    path = tmp_path / "posts.csv"
    path.write_text("id,text,published_at\n1,Hei,2026-05-13T10:00:00Z\n")

    with pytest.raises(CommandError, match=message):
        run(path, "--channel", channel.pk, *args)
    assert CsvImport.objects.count() == 0


def test_it_exits_non_zero_from_the_terminal(tmp_path):
    # A CommandError becomes exit status 1 when run as a program; checked once, for real.
    result = subprocess.run(
        [sys.executable, str(MANAGE_PY), "import_posts", str(tmp_path / "missing.csv"), "--channel", "1"],
        capture_output=True,
        text=True,
        check=False,
        env={"DEBUG": "true", "PATH": "/usr/bin:/bin", "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}"},
    )

    assert result.returncode == 1
    assert "Cannot read" in result.stderr
