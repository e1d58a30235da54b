"""
The main navigation, one list for every role: each item shows only to users with its
permission. The apps add their items when they are ready (`register`), in the order
of INSTALLED_APPS, so that this package needs to know none of them; an item may carry
a count (a callable of the user), computed only when a page shows it, and the roles
whose start page it is (where `home` sends them after they log in).
"""

from collections.abc import Callable
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
    count: Callable | None = None  # the number the item shows, for a user
    order: int = 100  # where it stands in the menu, low first
    start_of: tuple[str, ...] = ()  # the roles (group names) that land here after logging in


NAVIGATION: list[NavItem] = [NavItem("admin:index", _("Administration"), "", order=1000)]


def register(*items: NavItem) -> None:
    """Add an app's items to the menu (from its AppConfig.ready); adding one twice changes nothing."""
    for item in items:
        if all(existing.url_name != item.url_name for existing in NAVIGATION):
            NAVIGATION.append(item)
    NAVIGATION.sort(key=lambda item: item.order)


def visible_items(user) -> list[NavItem]:
    if not user.is_authenticated:
        return []
    return [item for item in NAVIGATION if (user.has_perm(item.permission) if item.permission else user.is_superuser)]


def start_item(user) -> NavItem | None:
    """
    Where a user lands after logging in: the first item of the menu that is the start
    page of a role they have; without one, the first item they may see (none: no role).
    """
    items = visible_items(user)
    if not items:
        return None
    groups = set(user.groups.values_list("name", flat=True))
    return next((item for item in items if groups.intersection(item.start_of)), items[0])


def navigation(request: HttpRequest) -> dict:
    """Context processor: the navigation items this user may see, the one the page belongs to marked."""
    user = request.user
    items = [
        {
            "url": reverse(item.url_name),
            "label": item.label,
            "current": False,
            "count": SimpleLazyObject(lambda item=item: item.count(user)) if item.count else None,
        }
        for item in visible_items(user)
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
