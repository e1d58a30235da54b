"""
Why a row was rejected, in the reader's language.

A rejection is stored as data, not as text: `{"line": 7, "code": "not_a_datetime",
"field": "published_at", "params": {"value": "i går"}, "reason": "<English>"}`. The
page says it in the language of whoever reads it, with our field's label ("Published",
"Publisert") rather than its name; the English `reason` is what the command line
prints, and what a rejection stored before codes existed shows.
"""

from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from ...connectors.base import PayloadError
from ...models import Post
from .fields import FIELDS

# The generic format's paths for the fields a file's columns fill.
FIELD_OF_PATH = {
    "author.external_id": "author_id",
    "author.name": "author_name",
    "author.handle": "author_handle",
}
EXAMPLE = "13.05.2026 10:00"

# With the field: "%(field)s: ..."; each takes the params its code is raised with.
TEMPLATES = {
    "missing": _("%(field)s: empty, and it is needed."),
    "wrong_type": _("%(field)s: not a value of the right kind."),
    "too_long": _("%(field)s: %(length)s characters, more than the %(limit)s allowed."),
    "not_one_of": _("%(field)s: “%(value)s” is not one of %(choices)s."),
    "not_a_datetime": _("%(field)s: “%(value)s” is not a date and time like %(example)s."),
    "impossible_datetime": _("%(field)s: “%(value)s” is not a date that exists."),
    "no_time_of_day": _("%(field)s: “%(value)s” has no time of day; write it like %(example)s."),
    "no_time_zone": _("%(field)s: “%(value)s” has no time zone."),
    "out_of_range": _("%(field)s: “%(value)s” is not a time between the years 2000 and 2100."),
    "rounded_number": _(
        "%(field)s: “%(value)s” is a number the spreadsheet has rounded, so the id is lost. "
        "Format the column as text and export the file again."
    ),
    "extra_values": _("The row has %(count)s value(s) past the last column. Is a value with the delimiter not quoted?"),
    "unclosed_quote": _(
        "A quote opened on this line is never closed. This row was skipped; the rows after it were read "
        "from line %(next_line)s."
    ),
    "quote_closes_later": _(
        "A quote opened on this line closes only on line %(end_line)s. This row was skipped; the rows after "
        "it were read from line %(next_line)s."
    ),
}


def rejection(line: int, error: PayloadError) -> dict:
    """What is stored for a rejected row."""
    return {
        "line": line,
        "code": error.code,
        "field": FIELD_OF_PATH.get(error.field, error.field),
        "params": error.params,
        "reason": str(error),
    }


def describe(entry: dict) -> str:
    """A stored rejection, in the active language."""
    template = TEMPLATES.get(entry.get("code", ""))
    if template is None:
        return entry.get("reason", "")
    params = {"example": EXAMPLE, **entry.get("params", {}), "field": field_label(entry.get("field", ""))}
    if entry.get("code") == "not_one_of" and entry.get("field") == "kind":
        params["choices"] = ", ".join(str(label) for _value, label in Post.Kind.choices)
    elif isinstance(params.get("choices"), list):
        params["choices"] = ", ".join(params["choices"])
    try:
        return str(template) % params
    except (KeyError, TypeError, ValueError):
        return entry.get("reason", "")


def field_label(name: str) -> str:
    for import_field in FIELDS:
        if import_field.name == name:
            return str(import_field.label)
    return name or gettext("Row")
