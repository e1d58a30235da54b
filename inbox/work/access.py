"""
Who may see and do what in the inbox: the one place that says it.

The communication unit (`inbox.change_post`) works every post. An employee
(`inbox.answer_forwarded`) sees the posts forwarded to them or their team, answers
them or hands them back, and opens nothing else: not the thread's other posts, not
the author's history. A manager (`inbox.view_post` alone) reads, and touches nothing.
"""

from django.core.exceptions import PermissionDenied

from ..models import Forward, Post
from ..selectors import ever_forwarded_to, to_user_or_team


class PostHeldByOther(Exception):
    """Someone else holds the post: two people must not answer it at once."""

    def __init__(self, holder):
        super().__init__(f"held by {holder}")
        self.holder = holder


def is_communication_unit(user) -> bool:
    return user.is_active and user.has_perm("inbox.change_post")


def active_forward_for(user, post: Post) -> Forward | None:
    """The forward that puts this post in the person's hands now: to them, or to a team of theirs."""
    return (
        Forward.objects.filter(to_user_or_team(user), post=post, ended_at__isnull=True)
        .select_related("sent_by", "to_user", "to_team")
        .first()
    )


def can_view(user, post: Post) -> bool:
    if user.has_perm("inbox.view_post"):
        return True
    return user.has_perm("inbox.answer_forwarded") and ever_forwarded_to(user).filter(pk=post.pk).exists()


def can_answer(user, post: Post) -> bool:
    """May write the reply: the communication unit, or the person the post is forwarded to now."""
    if is_communication_unit(user):
        return True
    return user.has_perm("inbox.answer_forwarded") and active_forward_for(user, post) is not None


def require(allowed: bool) -> None:
    if not allowed:
        raise PermissionDenied
