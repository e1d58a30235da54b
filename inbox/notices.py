"""Telling people about a post: socialstrategy's notifications, with what a post says of itself."""

from django.urls import reverse

from socialstrategy.links import web_link
from socialstrategy.models import Notification
from socialstrategy.notifications import excerpt, mark_read, notify

from .models import Post

Kind = Notification.Kind


def notify_about(post: Post, *, users, kind: str, text: str = "") -> int:
    """Notify these users about the post (in the caller's transaction; emails after commit)."""
    external = web_link(post.url)
    return notify(
        users=users,
        kind=kind,
        target=post,
        subject=excerpt(post.text),
        where=post.channel.name,
        link=reverse("inbox:post-detail", args=[post.pk]),
        external_link=external,
        text=text,
    )


def read_about(post: Post, user) -> int:
    """The user opened or answered the post: what they were told about it is read."""
    return mark_read(user, post)
