"""The bokmål catalogue is complete, and the compiled .mo that ships says the same as the .po."""

import gettext
from pathlib import Path

import polib

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
