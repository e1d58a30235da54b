"""
Working a post: every action on it, each a function that checks the person's right
(`access`), does the work in one transaction, and leaves an entry in the post's
activity log.
"""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from socialstrategy.people import display_name
from socialstrategy.roles import COMMUNICATION_UNIT
from strategy.selectors import communication_unit_members

from ..connectors.base import SendError
from ..models import Activity, Forward, InboxSettings, Note, OutboxMessage, Post, ReplyApproval
from ..notices import Kind, notify_about, read_about
from ..triage import labels
from . import outbox
from .access import PostHeldByOther, active_forward_for, can_answer, is_communication_unit, require
from .outbox import text_to_send


def _log(post: Post, user, kind: str, detail: str = "") -> Activity:
    return Activity.objects.create(post=post, actor=user, kind=kind, detail=detail[:2000])


# --- Holding a post ------------------------------------------------------------------


def claim_post(*, post: Post, user) -> Post:
    """
    Take a post to answer it. A conditional update, so that of two people claiming at
    the same moment exactly one gets it; the other learns who has it (PostHeldByOther).
    """
    require(is_communication_unit(user))
    with transaction.atomic():
        taken = (
            Post.objects.filter(pk=post.pk).filter(Q(assignee__isnull=True) | Q(assignee=user)).update(assignee=user)
        )
        if not taken:
            holder = Post.objects.select_related("assignee").get(pk=post.pk).assignee
            raise PostHeldByOther(holder)
        _log(post, user, Activity.Kind.CLAIMED)
    post.assignee = user
    return post


def release_post(*, post: Post, user) -> Post:
    """
    Give a post back: its holder may, and so may the communication unit (for someone
    away); a holder whose claim a colleague released is told who did.
    """
    require(is_communication_unit(user))
    with transaction.atomic():
        locked = Post.objects.select_for_update().filter(pk=post.pk, assignee__isnull=False).first()
        if locked is None:
            return post
        holder = locked.assignee
        if holder != user and not user.groups.filter(name=COMMUNICATION_UNIT).exists():
            return post
        Post.objects.filter(pk=post.pk).update(assignee=None)
        _log(post, user, Activity.Kind.RELEASED)
        post.assignee = None
        if holder != user:
            notify_about(
                post,
                users=[holder],
                kind=Kind.RELEASED,
                text=_("%(name)s released your claim.") % {"name": display_name(user)},
            )
    return post


def assign_post(*, post: Post, user, to_user=None, to_team=None) -> Post:
    """
    Give a post to a colleague of the communication unit, or to a team (whose members
    then see it under "my team's"). The one it is given to is told.
    """
    require(is_communication_unit(user))
    if to_user is None and to_team is None:
        raise ValidationError(_("Choose a person or a team."))
    if to_user is not None and not is_communication_unit(to_user):
        raise ValidationError(_("Only a member of the communication unit can be given a post; forward it instead."))
    with transaction.atomic():
        post = Post.objects.select_for_update().get(pk=post.pk)
        holder = post.assignee
        fields = {"assignee": to_user}
        if to_team is not None:
            fields["team"] = to_team
        Post.objects.filter(pk=post.pk).update(**fields)
        for name, value in fields.items():
            setattr(post, name, value)
        if to_user is not None:
            # Given to a colleague: a forward still waiting is theirs to settle no more.
            _end_forwards(post, Forward.Outcome.WITHDRAWN)
        names = [display_name(to_user)] if to_user else []
        names += [str(to_team)] if to_team else []
        _log(post, user, Activity.Kind.ASSIGNED, " · ".join(names))
        if to_user is not None:
            recipients = [to_user] if to_user != user else []
        else:
            recipients = [member for member in to_team.members.filter(is_active=True) if member != user]
        notify_about(post, users=recipients, kind=Kind.ASSIGNED)
        if holder is not None and holder not in (to_user, user):
            # Taken over from a colleague: they hear it from the product, not by surprise.
            notify_about(
                post,
                users=[holder],
                kind=Kind.RELEASED,
                text=_("%(name)s gave the post you held to %(other)s.")
                % {"name": display_name(user), "other": display_name(to_user) if to_user else str(to_team)},
            )
    return post


# --- Forwarding ----------------------------------------------------------------------


def forward_post(*, post: Post, user, note: str, to_user=None, to_team=None, link: str = "") -> Forward:
    """
    Hand a post to the person or team who should answer it, with a note and an optional
    link to more detailed information. The deadline keeps running. A person forwarded
    to holds the post; a team's members see it under "forwarded to me". They are told
    in the app and by email.
    """
    require(is_communication_unit(user))
    if (to_user is None) == (to_team is None):
        raise ValidationError(_("Forward to one person or one team."))
    if not note.strip():
        raise ValidationError(_("Say in a note what you would like them to do."))
    if post.status not in (Post.Status.NEW, Post.Status.OPEN):
        raise ValidationError(_("Only an open post can be forwarded."))
    with transaction.atomic():
        post = Post.objects.select_for_update().get(pk=post.pk)
        _end_forwards(post, Forward.Outcome.WITHDRAWN)
        forward = Forward.objects.create(
            post=post, sent_by=user, to_user=to_user, to_team=to_team, note=note.strip(), link=link
        )
        Post.objects.filter(pk=post.pk).update(assignee=to_user)
        post.assignee = to_user
        recipient = display_name(to_user) if to_user else str(to_team)
        _log(post, user, Activity.Kind.FORWARDED, f"{recipient}: {forward.note}")
        recipients = [to_user] if to_user else list(to_team.members.filter(is_active=True))
        notify_about(post, users=[r for r in recipients if r != user], kind=Kind.FORWARDED, text=note)
    return forward


def hand_back(*, post: Post, user, note: str = "") -> Forward:
    """The one a post was forwarded to gives it back to whoever forwarded it, saying why."""
    forward = active_forward_for(user, post)
    require(forward is not None)
    with transaction.atomic():
        ended = Forward.objects.filter(pk=forward.pk, ended_at__isnull=True).update(
            ended_at=timezone.now(), outcome=Forward.Outcome.HANDED_BACK, return_note=note.strip()
        )
        if not ended:
            raise ValidationError(_("The post is no longer forwarded to you."))
        back_to = forward.sent_by if forward.sent_by and is_communication_unit(forward.sent_by) else None
        Post.objects.filter(pk=post.pk).update(assignee=back_to)
        post.assignee = back_to
        _log(post, user, Activity.Kind.HANDED_BACK, note)
        # Routed by triage (no sender): the communication unit takes it from here.
        recipients = [back_to] if back_to is not None else communication_unit_members()
        notify_about(post, users=recipients, kind=Kind.HANDED_BACK, text=note)
    return forward


def _end_forwards(post: Post, outcome: str) -> None:
    Forward.objects.filter(post=post, ended_at__isnull=True).update(ended_at=timezone.now(), outcome=outcome)


# --- Replying, with a second pair of eyes on negative posts --------------------------


def needs_approval(post: Post) -> bool:
    return "negative" in (post.categories or []) and InboxSettings.current().approval_for_negative


def reply_to_post(*, post: Post, user, text: str, after: int | None = None) -> OutboxMessage | ReplyApproval:
    """
    Answer a post on its platform (or in the sandbox's outbox): the post is answered and
    leaves the must-reply queues. Only whoever holds the post, or anyone when nobody
    does, may answer it, and a reply goes out once: `after` is the last reply the
    writer saw (from the form), so that of two people answering at once, or one form
    sent twice, one reply is sent (outbox.AlreadySent for the other).

    A reply to a negative post, when the communication unit has asked for it, waits for
    a second member's approval instead (a ReplyApproval is returned; nothing is sent).
    """
    require(can_answer(user, post))
    text = text_to_send(text)
    # An answered post takes follow-ups: later responses, by anyone who may answer (the
    # claim ended with the first answer); its first response stays what it was.
    follow_up = post.status == Post.Status.ANSWERED
    if post.status not in (Post.Status.NEW, Post.Status.OPEN, Post.Status.ANSWERED):
        raise ValidationError(_("The post is closed: reopen it to answer it."))
    if not follow_up and post.assignee_id not in (None, user.pk):
        raise PostHeldByOther(post.assignee)
    if outbox.unconfirmed_replies(post):
        # It may be on the platform already: a second reply could say the same thing twice.
        raise ValidationError(_("A reply to this post is not confirmed yet: look on the platform and settle it first."))
    if needs_approval(post):
        return _ask_approval(post=post, user=user, text=text)
    if follow_up:
        return _send_follow_up(post=post, author=user, text=text, after=after)
    return _send_reply(post=post, author=user, text=text, after=after)


def _send_follow_up(*, post: Post, author, text: str, after: int | None = None) -> OutboxMessage:
    """A later response to an answered post: sent once per (post, last reply seen), nobody's claim moved."""
    message = outbox.send_reply(post=post, text=text, user=author, after=after)
    with transaction.atomic():
        _log(post, author, Activity.Kind.REPLIED, text[:500])
        read_about(post, author)
    return message


def _send_reply(*, post: Post, author, text: str, after: int | None = None, holder=None) -> OutboxMessage:
    """
    Send through the outbox (outside any transaction: see outbox.py), then mark the post
    answered. Once the message holds its key, the post is claimed for the author by a
    conditional update (`holder`: who may hold it already, besides nobody); someone
    else holding it fails the message before the platform is called.
    """
    holder = holder or author

    def claim() -> None:
        if not Post.objects.filter(Q(assignee__isnull=True) | Q(assignee=holder), pk=post.pk).update(assignee=holder):
            raise PostHeldByOther(Post.objects.select_related("assignee").get(pk=post.pk).assignee)

    message = outbox.send_reply(post=post, text=text, user=author, after=after, before_sending=claim)
    with transaction.atomic():
        Post.objects.filter(pk=post.pk).update(status=Post.Status.ANSWERED, assignee=author)
        post.status, post.assignee = Post.Status.ANSWERED, author
        _end_forwards(post, Forward.Outcome.ANSWERED)
        _log(post, author, Activity.Kind.REPLIED, text[:500])
        # Answered: what its writer was told about the post is settled.
        read_about(post, author)
    return message


def confirm_reply(*, post: Post, message: OutboxMessage, user, published: bool) -> OutboxMessage:
    """
    Settle a reply that was not confirmed, after a look on the platform: published, and
    the post is answered as if the platform had said so; or not, and it may be written again.
    """
    require(can_answer(user, post))
    message = outbox.confirm(message=message, published=published)
    if published:
        with transaction.atomic():
            Post.objects.filter(pk=post.pk, status__in=[Post.Status.NEW, Post.Status.OPEN]).update(
                status=Post.Status.ANSWERED
            )
            post.status = Post.Status.ANSWERED
            _end_forwards(post, Forward.Outcome.ANSWERED)
            _log(post, user, Activity.Kind.REPLIED, message.text[:500])
    return message


def _ask_approval(*, post: Post, user, text: str) -> ReplyApproval:
    with transaction.atomic():
        post = Post.objects.select_for_update().get(pk=post.pk)
        if post.approvals.filter(status=ReplyApproval.Status.PENDING).exists():
            raise ValidationError(_("A reply to this post is already waiting for approval."))
        approval = ReplyApproval.objects.create(post=post, text=text, written_by=user)
        Post.objects.filter(pk=post.pk).update(assignee=user)
        post.assignee = user
        _log(post, user, Activity.Kind.APPROVAL_ASKED, text[:500])
        reviewers = [member for member in communication_unit_members() if member != user]
        notify_about(post, users=reviewers, kind=Kind.APPROVAL)
    return approval


def approve_reply(*, approval: ReplyApproval, user) -> OutboxMessage:
    """
    A second member of the communication unit lets the reply go out as its writer wrote
    it. One approval only: a conditional update takes it, so two reviewers cannot send
    it twice. If the platform refuses, the reply waits again.
    """
    require(is_communication_unit(user) and user.has_perm("inbox.change_replyapproval"))
    if approval.written_by_id == user.pk:
        raise ValidationError(_("Someone else must approve your reply."))
    taken = ReplyApproval.objects.filter(pk=approval.pk, status=ReplyApproval.Status.PENDING).update(
        status=ReplyApproval.Status.APPROVED, reviewed_by=user, reviewed_at=timezone.now()
    )
    if not taken:
        raise ValidationError(_("This reply is no longer waiting for approval."))
    post = Post.objects.select_related("channel").get(pk=approval.post_id)
    try:
        # The approval's own key: a second reviewer's click (refused above) or a retry sends nothing twice.
        message = _send_reply(
            post=post, author=approval.written_by or user, text=approval.text, holder=post.assignee or user
        )
    except SendError:
        ReplyApproval.objects.filter(pk=approval.pk).update(
            status=ReplyApproval.Status.PENDING, reviewed_by=None, reviewed_at=None
        )
        raise
    ReplyApproval.objects.filter(pk=approval.pk).update(message=message)
    _log(post, user, Activity.Kind.APPROVED)
    return message


def send_back_reply(*, approval: ReplyApproval, user, comment: str) -> ReplyApproval:
    """The reviewer returns the reply to its writer with a comment; nothing is sent."""
    require(is_communication_unit(user) and user.has_perm("inbox.change_replyapproval"))
    if not comment.strip():
        raise ValidationError(_("Say what should change."))
    with transaction.atomic():
        taken = ReplyApproval.objects.filter(pk=approval.pk, status=ReplyApproval.Status.PENDING).update(
            status=ReplyApproval.Status.SENT_BACK,
            reviewed_by=user,
            reviewed_at=timezone.now(),
            comment=comment.strip(),
        )
        if not taken:
            raise ValidationError(_("This reply is no longer waiting for approval."))
        approval.refresh_from_db()
        _log(approval.post, user, Activity.Kind.SENT_BACK, comment)
        if approval.written_by and approval.written_by != user:
            notify_about(approval.post, users=[approval.written_by], kind=Kind.SENT_BACK, text=comment)
    return approval


# --- Closing -------------------------------------------------------------------------


def close_post(*, post: Post, user, reason: str = "", note: str = "") -> Post:
    """
    Close a post: it leaves every open queue. A post that must be answered and has no
    reply may only be closed with a reason (answered elsewhere, no reply needed, spam).
    """
    require(is_communication_unit(user))
    if reason and reason not in Post.CloseReason.values:
        raise ValidationError(_("Not a reason for closing: %(reason)s"), params={"reason": reason})
    with transaction.atomic():
        post = Post.objects.select_for_update().get(pk=post.pk)
        if post.status == Post.Status.CLOSED:
            return post
        if post.must_reply and post.first_response_at is None and not reason:
            raise ValidationError(_("This post must be answered and has no reply: say why you close it."))
        if reason in (Post.CloseReason.NO_REPLY_NEEDED, Post.CloseReason.SPAM):
            # Flagged, and closed as needing no answer: a labelled example for the learned triage.
            labels.label_close(post, user=user)
        post.status, post.closed_at, post.close_reason = Post.Status.CLOSED, timezone.now(), reason
        post.save(update_fields=["status", "closed_at", "close_reason"])
        _end_forwards(post, Forward.Outcome.WITHDRAWN)
        post.approvals.filter(status=ReplyApproval.Status.PENDING).update(status=ReplyApproval.Status.WITHDRAWN)
        kind = Activity.Kind.SPAM if reason == Post.CloseReason.SPAM else Activity.Kind.CLOSED
        detail = " · ".join(part for part in (str(post.get_close_reason_display()) if reason else "", note) if part)
        _log(post, user, kind, detail)
    return post


def mark_spam(*, post: Post, user) -> Post:
    return close_post(post=post, user=user, reason=Post.CloseReason.SPAM)


def reopen_post(*, post: Post, user) -> Post:
    """Open a closed post again; a deadline already past is breached by the next sweep."""
    require(is_communication_unit(user))
    with transaction.atomic():
        if Post.objects.filter(pk=post.pk, status=Post.Status.CLOSED).update(
            status=Post.Status.OPEN, closed_at=None, close_reason=""
        ):
            post.status, post.closed_at, post.close_reason = Post.Status.OPEN, None, ""
            _log(post, user, Activity.Kind.REOPENED)
    return post


# --- Notes ---------------------------------------------------------------------------


def add_note(*, post: Post, user, text: str) -> Note:
    """An internal note for colleagues, by anyone who works the post."""
    require(can_answer(user, post))
    text = (text or "").strip()
    if not text:
        raise ValidationError(_("The note is empty."))
    return Note.objects.create(post=post, author=user, text=text)
