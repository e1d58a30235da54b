"""
Who may see and do what in the inbox: the one place that says it.

The communication unit (`inbox.change_post`) works every post. An employee
(`inbox.answer_forwarded`) sees the posts forwarded to them or their team, answers
them or hands them back, and opens nothing else: not the thread's other posts, not
the author's history. A manager (`inbox.view_post` alone) reads, and touches nothing.
"""

from django.core.exceptions import PermissionDenied

from ..models import Forward, Post
from ..selectors import Thread, ThreadEntry, ever_forwarded_to, to_user_or_team


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


# --- What a post's page shows ---------------------------------------------------------
#
# Whoever may read the inbox (`inbox.view_post`: the communication unit, managers) sees
# the whole page. An employee who opens a post forwarded to them sees that post, the
# forwarder's note and link, the triage decision, notes and activity on it, and of the
# conversation only the posts forwarded to them and our own replies to those; the rest
# is counted ("2 more posts in this conversation are not shared with you"). The
# author's other posts are not shown: they are the communication unit's to read.


def reads_everything(user) -> bool:
    return user.has_perm("inbox.view_post")


def sees_author_history(user) -> bool:
    return reads_everything(user)


def visible_thread(user, thread: Thread) -> Thread:
    """The conversation as this person may read it: the posts they may open, and our replies to those."""
    if reads_everything(user):
        return thread
    ids = {entry.post.pk for entry in thread.entries if entry.post is not None}
    allowed = set(ever_forwarded_to(user).filter(pk__in=ids).values_list("pk", flat=True))

    def shown(entry: ThreadEntry) -> bool:
        if entry.post is not None and entry.post.pk in allowed:
            return True
        if entry.ours and entry.post is not None:
            return entry.post.parent_id in allowed
        return entry.message is not None and entry.message.in_reply_to_id in allowed

    entries = [entry for entry in thread.entries if shown(entry)]
    hidden = len(thread.entries) - len(entries) + thread.others
    return Thread(entries=entries, others=0, hidden=hidden)
