"""
Work on many posts at once, from a queue. Each post goes through the same action as
on its own page (`actions`), in its own transaction and with its own entry in its
activity log; a post the action does not fit is skipped with the reason, never
changed halfway.
"""

from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from socialstrategy.people import display_name

from ..models import Post
from . import actions
from .access import is_communication_unit, require

# One action covers at most this many posts: a queue's page holds 50.
MOST_AT_ONCE = 200


class BulkAction(models.TextChoices):
    ASSIGN = "assign", _("Assign to a person")
    TEAM = "team", _("Give to a team")
    CLOSE = "close", _("Close: no reply needed")
    SPAM = "spam", _("Mark as spam")


@dataclass
class BulkOutcome:
    done: list[Post] = field(default_factory=list)
    skipped: list[tuple[Post, str]] = field(default_factory=list)
    missing: int = 0


def _why_not(post: Post, *, action: str, user, to_user, take_over: bool) -> str:
    """Why the action does not fit this post now, or "" when it does."""
    if post.status == Post.Status.CLOSED:
        return str(_("already closed"))
    if action in (BulkAction.ASSIGN, BulkAction.TEAM):
        holder = post.assignee
        if to_user is not None and holder == to_user:
            return str(_("already with %(name)s") % {"name": display_name(holder)})
        if holder is not None and holder != user and not take_over:
            return str(_("held by %(name)s") % {"name": display_name(holder)})
    return ""


def apply(*, action: str, post_ids, user, to_user=None, to_team=None, take_over: bool = False) -> BulkOutcome:
    """Do the action to each post it fits; say which were skipped and why."""
    require(is_communication_unit(user))
    if action not in BulkAction.values:
        raise ValidationError(_("Not an action on posts: %(action)s"), params={"action": action})
    if action == BulkAction.ASSIGN and to_user is None:
        raise ValidationError(_("Choose the person to give the posts to."))
    if action == BulkAction.TEAM and to_team is None:
        raise ValidationError(_("Choose the team to give the posts to."))
    ids = sorted({int(pk) for pk in post_ids})
    if len(ids) > MOST_AT_ONCE:
        raise ValidationError(
            _("At most %(most)s posts at once; you chose %(count)s."), params={"most": MOST_AT_ONCE, "count": len(ids)}
        )
    posts = list(Post.objects.filter(pk__in=ids).select_related("assignee", "channel").order_by("pk"))
    outcome = BulkOutcome(missing=len(ids) - len(posts))
    for post in posts:
        reason = _why_not(post, action=action, user=user, to_user=to_user, take_over=take_over)
        if reason:
            outcome.skipped.append((post, reason))
            continue
        try:
            if action == BulkAction.ASSIGN:
                actions.assign_post(post=post, user=user, to_user=to_user)
            elif action == BulkAction.TEAM:
                actions.assign_post(post=post, user=user, to_team=to_team)
            elif action == BulkAction.CLOSE:
                actions.close_post(post=post, user=user, reason=Post.CloseReason.NO_REPLY_NEEDED)
            else:
                actions.mark_spam(post=post, user=user)
        except ValidationError as exc:
            outcome.skipped.append((post, " ".join(exc.messages)))
        else:
            outcome.done.append(post)
    return outcome
