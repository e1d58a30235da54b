"""The main navigation, one list for every role: each item shows only to users with its permission."""

from dataclasses import dataclass

from django.http import HttpRequest
from django.urls import reverse
from django.utils.functional import Promise, SimpleLazyObject
from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class NavItem:
    url_name: str
    label: Promise
    permission: str  # "" for superusers only
    count: str = ""  # the inbox queue whose size the item shows


NAVIGATION = [
    NavItem("inbox:queue-default", _("Inbox"), "inbox.view_post", count="today"),
    NavItem("inbox:forwarded", _("Forwarded to me"), "inbox.answer_forwarded", count="forwarded"),
    NavItem("strategy:overview", _("Strategy"), "strategy.view_goal"),
    NavItem("strategy:guidelines", _("Guidelines"), "strategy.view_guideline"),
    NavItem("inbox:saved-replies", _("Saved replies"), "inbox.change_savedreply"),
    NavItem("inbox:rules", _("Rules"), "inbox.view_replyrule"),
    NavItem("inbox:import-list", _("Import"), "inbox.add_csvimport"),
    NavItem("admin:index", _("Administration"), ""),
]


def visible_items(user) -> list[NavItem]:
    if not user.is_authenticated:
        return []
    return [item for item in NAVIGATION if (user.has_perm(item.permission) if item.permission else user.is_superuser)]


def navigation(request: HttpRequest) -> dict:
    """Context processor: the navigation items this user may see, the one the page belongs to marked."""
    items = [
        {
            "url": reverse(item.url_name),
            "label": item.label,
            "current": False,
            "count": _lazy_count(item.count, request.user) if item.count else None,
        }
        for item in visible_items(request.user)
    ]
    # The longest address the page is under: /inbox/rules/ is Rules, not Inbox.
    matching = [
        item
        for item in items
        if request.path == item["url"] or (item["url"] != "/" and request.path.startswith(item["url"]))
    ]
    if matching:
        max(matching, key=lambda item: len(item["url"]))["current"] = True
    return {"navigation": items}


def _lazy_count(slug: str, user):
    """The queue's size, counted only when a page shows it (fragments do not)."""
    from inbox.selectors import queue_posts

    return SimpleLazyObject(lambda: queue_posts(slug, user).count())
