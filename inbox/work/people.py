"""
One person across platforms: the communication unit links the accounts it knows to
be the same person (Kari on Facebook is @kari_n on X), so that a post's page shows
the whole history before anyone answers. Services: they write.
"""

from django.db import transaction
from django.db.models import Q

from ..models import Author, Person
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
    return person


def unlink_author(*, author: Author, user) -> None:
    """The account is no longer counted as that person's; a person left with one account is gone."""
    require(is_communication_unit(user))
    with transaction.atomic():
        person = author.person
        Author.objects.filter(pk=author.pk).update(person=None)
        if person is not None and person.accounts.count() <= 1:
            person.accounts.update(person=None)
            person.delete()


def same_person_candidates(author: Author, limit: int = 5) -> list[Author]:
    """Accounts on other platforms with the same name or handle, not yet linked to this one."""
    keys = [value for value in (author.name, author.handle.lstrip("@")) if value]
    if not keys:
        return []
    match = Q()
    for key in keys:
        match |= Q(name__iexact=key) | Q(handle__iexact=key) | Q(handle__iexact=f"@{key}")
    found = Author.objects.filter(match).exclude(platform=author.platform).exclude(pk=author.pk)
    if author.person_id:
        found = found.exclude(person_id=author.person_id)
    return list(found.order_by("platform", "name")[:limit])
