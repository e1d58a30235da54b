"""
One person across platforms: the communication unit links the accounts it knows to
be the same person (Kari on Facebook is @kari_n on X), so that a post's page shows
the whole history before anyone answers. `link_authors`, `unlink_author` and `set_target_group` write
(an author's target group is written to their posts too: the reports count posts by it);
`same_person_candidates` and `find_accounts` read, for the post page.
"""

import re

from django.db import transaction
from django.db.models import Q

from strategy.models import TargetGroup

from ..models import Author, InboxSettings, Person, Post
from .access import is_communication_unit, require


def link_authors(*, author: Author, other: Author, user) -> Person:
    """The two accounts are one person (their people, if any, become one)."""
    require(is_communication_unit(user))
    with transaction.atomic():
        author, other = (Author.objects.select_for_update().get(pk=pk) for pk in (author.pk, other.pk))
        person = author.person or other.person or Person.objects.create(name=author.label, linked_by=user)
        for found in (author.person, other.person):
            if found is not None and found.pk != person.pk:
                found.accounts.update(person=person)
                found.delete()
        Author.objects.filter(pk__in=[author.pk, other.pk]).update(person=person)
        # One person, one target group: the one already set wins, this post's author's first.
        group = author.target_group_id or other.target_group_id
        if group:
            without = list(person.accounts.filter(target_group__isnull=True).values_list("pk", flat=True))
            Author.objects.filter(pk__in=without).update(target_group_id=group)
            Post.objects.filter(author_id__in=without).update(target_group_id=group)
    return person


def set_target_group(*, author: Author, group, user) -> int:
    """Who the author is to us (None: not set), for the author and every account linked to them; how many changed."""
    require(is_communication_unit(user))
    accounts = (
        Author.objects.filter(person_id=author.person_id) if author.person_id else Author.objects.filter(pk=author.pk)
    )
    with transaction.atomic():
        changed = accounts.update(target_group=group)
        Post.objects.filter(author__in=accounts).update(target_group=group)
    author.target_group = group
    return changed


def apply_employee_accounts(*, user) -> int:
    """The listed employee accounts (InboxSettings) without a target group get "own employees"; how many did."""
    require(is_communication_unit(user))
    settings = InboxSettings.current()
    keys = settings.employee_keys()
    group = TargetGroup.objects.filter(slug=InboxSettings.EMPLOYEES_GROUP).first()
    if not keys or group is None:
        return 0
    handles = Q()
    for key in keys:
        handles |= Q(handle__iexact=key) | Q(handle__iexact=f"@{key}") | Q(external_id__iexact=key)
    candidates = Author.objects.filter(handles, target_group__isnull=True)
    ids = [author.pk for author in candidates if InboxSettings.is_employee(author, keys)]
    with transaction.atomic():
        Post.objects.filter(author_id__in=ids).update(target_group=group)
        return Author.objects.filter(pk__in=ids).update(target_group=group)


def unlink_author(*, author: Author, user) -> None:
    """The account is no longer counted as that person's; a person left with one account is gone."""
    require(is_communication_unit(user))
    with transaction.atomic():
        person = author.person
        Author.objects.filter(pk=author.pk).update(person=None)
        if person is not None and person.accounts.count() <= 1:
            person.accounts.update(person=None)
            person.delete()


def _key(text: str) -> str:
    """A name or handle as a comparable key: "Kari Nordmann", "@kari_nordmann" and "KariNordmann" are one."""
    return re.sub(r"[\W_]+", "", text.lower())


def _keys(author: Author) -> set[str]:
    return {key for key in (_key(author.name), _key(author.handle)) if len(key) >= 3}


def same_person_candidates(author: Author, limit: int = 5) -> list[Author]:
    """
    Accounts on other platforms whose name or handle is this author's name or handle,
    written with or without spaces, "@", dots or underscores; not yet linked to it.
    """
    keys = _keys(author)
    if not keys:
        return []
    # The database narrows by a word of the name; the key decides.
    words = {word for value in (author.name, author.handle.lstrip("@")) for word in re.split(r"[\W_]+", value)}
    match = Q()
    for word in sorted(word for word in words if len(word) >= 3)[:4]:
        match |= Q(name__icontains=word) | Q(handle__icontains=word)
    if not match:
        return []
    found = Author.objects.filter(match).exclude(platform=author.platform).exclude(pk=author.pk)
    if author.person_id:
        found = found.exclude(person_id=author.person_id)
    same = [other for other in found.order_by("platform", "name", "pk")[:200] if _keys(other) & keys]
    return same[:limit]


# A search shows at most this many accounts; a longer list means: type more.
FOUND_AT_MOST = 10


def find_accounts(author: Author, query: str) -> list[Author]:
    """Accounts a person searched for by a part of the name or handle, or the platform id, to link to this author."""
    query = query.strip().lstrip("@")
    if len(query) < 2:
        return []
    found = Author.objects.filter(Q(name__icontains=query) | Q(handle__icontains=query) | Q(external_id=query)).exclude(
        pk=author.pk
    )
    if author.person_id:
        found = found.exclude(person_id=author.person_id)
    return list(found.order_by("name", "handle", "pk")[:FOUND_AT_MOST])
