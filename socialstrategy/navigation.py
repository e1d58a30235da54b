"""The main navigation, one list for every role: each item shows only to users with its permission."""

from dataclasses import dataclass

from django.http import HttpRequest
from django.urls import reverse
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class NavItem:
    url_name: str
    label: Promise
    permission: str  # "" for superusers only


NAVIGATION = [
    NavItem("inbox:queue-default", _("Inbox"), "inbox.view_post"),
    NavItem("strategy:overview", _("Strategy"), "strategy.view_goal"),
    NavItem("strategy:guidelines", _("Guidelines"), "strategy.view_guideline"),
    NavItem("inbox:rules", _("Rules"), "inbox.view_replyrule"),
    NavItem("inbox:import-list", _("Import"), "inbox.add_csvimport"),
    NavItem("admin:index", _("Administration"), ""),
]


def visible_items(user) -> list[NavItem]:
    if not user.is_authenticated:
        return []
    return [item for item in NAVIGATION if (user.has_perm(item.permission) if item.permission else user.is_superuser)]


def navigation(request: HttpRequest) -> dict:
    """Context processor: the navigation items this user may see, the current one marked."""
    items = []
    for item in visible_items(request.user):
        url = reverse(item.url_name)
        current = request.path == url or (url != "/" and request.path.startswith(url))
        items.append({"url": url, "label": item.label, "current": current})
    return {"navigation": items}
