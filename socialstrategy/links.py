"""
Links to the outside world: only `http` and `https` are ever links.

A URL from any source (a platform, the API, a CSV file, a form) is a link only when it
is an absolute http or https address; anything else (`javascript:`, `data:`, a
relative path, a text with spaces) is kept as text with the reason, never put in an
`href`.
"""

from urllib.parse import urlsplit

from django import forms
from django.core.validators import URLValidator
from django.utils.translation import gettext_lazy as _

WEB_SCHEMES = ("http", "https")
NOT_A_WEB_LINK = _("not an http or https link")

# For model and form fields: refuse what would not be a web link.
web_link_validator = URLValidator(schemes=list(WEB_SCHEMES), message=_("Enter an http or https address."))


class WebLinkField(forms.URLField):
    """A form field for a link: http or https only (a link typed without a scheme is https)."""

    default_validators = [web_link_validator]
    default_error_messages = {"invalid": web_link_validator.message}
    # A text box, not type="url": the browser would refuse "intranett.example/frakt"
    # before the server could add its https://.
    widget = forms.TextInput(attrs={"inputmode": "url", "spellcheck": "false"})

    def __init__(self, **kwargs):
        kwargs.setdefault("assume_scheme", "https")
        super().__init__(**kwargs)


def is_web_link(url: str) -> bool:
    """An absolute http or https URL with a host, and nothing a browser would read otherwise."""
    if not isinstance(url, str) or not url or url != url.strip() or any(ord(c) < 33 or ord(c) == 127 for c in url):
        return False
    try:
        parts = urlsplit(url)
    except ValueError:
        return False
    return parts.scheme.lower() in WEB_SCHEMES and bool(parts.hostname)


def web_link(url: str) -> str:
    """The URL when it is a web link, else ""."""
    return url if is_web_link(url) else ""
