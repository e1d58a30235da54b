"""
Saved replies: the communication unit's texts to start a reply from, per category and
language, with placeholders filled in from the post and the person answering.
"""

import re
from dataclasses import dataclass

from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _

from socialstrategy.people import display_name

from ..models import Post, SavedReply

PLACEHOLDER = re.compile(r"\{(\w+)\}")

# name -> what it stands for, as the form's help lists them.
PLACEHOLDERS = {
    "author_name": _("the author's name (or handle, when the name is unknown)"),
    "author_first_name": _("the author's first name"),
    "author_handle": _("the author's handle, e.g. @kari"),
    "channel": _("the channel's name"),
    "my_name": _("your name"),
    "my_first_name": _("your first name"),
    "deadline": _("the post's deadline, e.g. 26.11. 16:00"),
}


def unknown_placeholders(text: str) -> list[str]:
    """The placeholders in a text that `render` would not know, in order of appearance."""
    return list(dict.fromkeys(name for name in PLACEHOLDER.findall(text) if name not in PLACEHOLDERS))


def values_for(post: Post, user) -> dict[str, str]:
    author = post.author
    name = (author.name or author.handle) if author else ""
    handle = author.handle if author else ""
    if handle and not handle.startswith("@"):
        handle = f"@{handle}"
    my_name = display_name(user)
    deadline = date_format(timezone.localtime(post.due_at), "d.m. H:i") if post.due_at else ""
    return {
        "author_name": name,
        "author_first_name": name.split()[0] if name else "",
        "author_handle": handle,
        "channel": post.channel.name,
        "my_name": my_name,
        "my_first_name": user.first_name or my_name,
        "deadline": deadline,
    }


def render(text: str, values: dict[str, str]) -> str:
    """Fill in the placeholders; an unknown one is left as written, for the person to see."""
    rendered = PLACEHOLDER.sub(lambda m: values.get(m.group(1), m.group(0)), text)
    # A placeholder with no value ("Hei {author_first_name}!" for an unnamed author)
    # leaves a double space or a space before punctuation; tidy them.
    rendered = re.sub(r"[ \t]+([,.!?])", r"\1", rendered)
    return re.sub(r"[ \t]{2,}", " ", rendered)


@dataclass(frozen=True)
class Suggestion:
    saved: SavedReply
    text: str


def suggestions_for(post: Post, user) -> list[Suggestion]:
    """
    The saved replies for a post, filled in: first those for its categories in its
    language, then the general ones in its language, then the rest (the other language
    included, for an author who wrote in one and is better answered in the other).
    """
    language = post.language if post.language in SavedReply.Language.values else SavedReply.Language.NB
    categories = set(post.categories or [])
    values = values_for(post, user)

    def rank(saved: SavedReply) -> tuple:
        # Other language last; within a language, the post's categories, then general, then the rest.
        if saved.category in categories:
            fit = 0
        elif not saved.category:
            fit = 1 if categories else 0
        else:
            fit = 2
        return (saved.language != language, fit, saved.title.lower())

    saved_replies = sorted(SavedReply.objects.filter(enabled=True), key=rank)
    return [Suggestion(saved, render(saved.text, values)) for saved in saved_replies]


def install_defaults(sender=None, *, data: dict, **kwargs) -> int:
    """
    Install the rule file's default saved replies that are missing (a `strategy_loaded`
    receiver); the communication unit's edits in the product stay. Returns how many.
    """
    created = 0
    for entry in data.get("saved_replies") or []:
        _, made = SavedReply.objects.get_or_create(
            slug=entry["slug"],
            defaults={
                "title": entry["title"],
                "category": entry.get("category", ""),
                "language": entry["language"],
                "text": entry["text"].strip(),
            },
        )
        created += int(made)
    return created
