"""The bokmål catalogue is complete, and the compiled .mo that ships says the same as the .po."""

import gettext
import shutil
from pathlib import Path

import polib
import pytest
from django.core.management import call_command

PO = Path(__file__).resolve().parents[2] / "locale" / "nb" / "LC_MESSAGES" / "django.po"


def test_every_string_has_a_bokmaal_translation():
    catalogue = polib.pofile(str(PO))

    untranslated = [entry.msgid for entry in catalogue.untranslated_entries()]
    fuzzy = [entry.msgid for entry in catalogue.fuzzy_entries()]

    assert untranslated == []
    assert fuzzy == []


def test_the_compiled_catalogue_is_up_to_date():
    catalogue = polib.pofile(str(PO))
    with PO.with_suffix(".mo").open("rb") as compiled:
        translations = gettext.GNUTranslations(compiled)

    def compiled(entry) -> str:
        if entry.msgctxt:
            return translations.pgettext(entry.msgctxt, entry.msgid)
        return translations.gettext(entry.msgid)

    stale = [
        entry.msgid
        for entry in catalogue.translated_entries()
        if not entry.msgid_plural and compiled(entry) != entry.msgstr
    ]

    assert stale == [], "run `make messages` to compile locale/nb"


@pytest.mark.skipif(shutil.which("xgettext") is None, reason="needs gettext's xgettext (apt-get install gettext)")
def test_every_string_in_the_code_is_in_the_catalogue(tmp_path, settings, monkeypatch):
    """makemessages over the code finds nothing the committed catalogue lacks."""
    # A tree of links to the code beside a copy of the catalogue, so that makemessages
    # writes into the copy and never into locale/.
    root = PO.parents[3]
    for name in ("inbox", "strategy", "socialstrategy", "templates"):
        (tmp_path / name).symlink_to(root / name)
    copy = tmp_path / "locale" / "nb" / "LC_MESSAGES" / "django.po"
    copy.parent.mkdir(parents=True)
    shutil.copy(PO, copy)
    settings.LOCALE_PATHS = [tmp_path / "locale"]
    monkeypatch.chdir(tmp_path)

    call_command("makemessages", locale=["nb"], no_obsolete=True, symlinks=True, verbosity=0)

    catalogue = polib.pofile(str(copy))
    missing = [entry.msgid for entry in catalogue.untranslated_entries() + catalogue.fuzzy_entries()]
    assert missing == [], "run `make messages` and translate the new strings in locale/nb"
