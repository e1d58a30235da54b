"""
A post's page and the actions on it. Each action is a form posted here and a call to
`workflow`; an invalid form shows the page again with what is wrong next to the field.
"""

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from socialstrategy import prg
from socialstrategy.people import display_name
from strategy.models import CATEGORY_CHOICES, TargetGroup

from .. import notices
from ..connectors.base import SendError, SendUnknown
from ..forms import (
    AssignForm,
    CloseForm,
    ForwardForm,
    HandBackForm,
    NoteForm,
    OverrideTriageForm,
    ReplyForm,
    ReviewForm,
)
from ..models import OutboxMessage, Post, ReplyApproval
from ..selectors import author_history, thread_of, with_first_responders
from ..triage import services
from ..triage.learning.features import describe
from ..work import access, actions, outbox, people
from ..work.access import PostHeldByOther
from ..work.saved_replies import suggestions_for


def post_or_404(request: HttpRequest, post_id: int) -> Post:
    post = get_object_or_404(Post.objects.select_related("channel", "author", "team", "assignee", "theme"), pk=post_id)
    if not access.can_view(request.user, post):
        raise PermissionDenied
    return post


def post_detail(request: HttpRequest, post_id: int) -> HttpResponse:
    post = post_or_404(request, post_id)
    # Opened: what its reader was told about it is read (the bell counts no more).
    notices.read_about(post, request.user)
    return _render_page(request, post, **_failed_form(request, post))


def _render_page(request: HttpRequest, post: Post, status: int = 200, **bound) -> HttpResponse:
    """The post's page; `bound` holds a form that failed, to show with its errors."""
    user = request.user
    can_work = access.is_communication_unit(user)
    forward = access.active_forward_for(user, post)
    can_answer = access.can_answer(user, post)
    holder = post.assignee
    # A claim is for answering: once the post has its first response nobody "is answering" it.
    held_by_other = holder is not None and holder != user and post.first_response_at is None
    with_first_responders([post])
    is_open = post.status in (Post.Status.NEW, Post.Status.OPEN)
    # An answered post takes follow-ups (later responses) in the same reply box.
    takes_replies = is_open or post.status == Post.Status.ANSWERED
    pending = post.approvals.filter(status=ReplyApproval.Status.PENDING).select_related("written_by").first()
    unconfirmed = outbox.unconfirmed_replies(post)
    sees_history = access.sees_author_history(user)
    last_sent_back = (
        post.approvals.filter(status=ReplyApproval.Status.SENT_BACK, written_by=user).select_related("reviewed_by")
    ).first()
    suggestions = suggestions_for(post, user) if can_answer and takes_replies else []
    # Looking for the author's account elsewhere (the communication unit links them).
    account_query = request.GET.get("account", "").strip()[:100] if can_work and post.author_id else ""
    reply_initial = {}
    if "saved" in request.GET:
        chosen = next((s for s in suggestions if str(s.saved.pk) == request.GET["saved"]), None)
        reply_initial = {"text": chosen.text} if chosen else {}
    elif last_sent_back and not pending:
        reply_initial = {"text": last_sent_back.text}
    decisions = list(
        post.decisions.select_related("decided_by", "team", "assignee", "theme").prefetch_related(
            "rules", "guidelines", "claims"
        )[:20]
    )
    # Reasons name the rule in the reader's language; the stored text is the system's.
    for decision in decisions:
        names = {rule.pk: rule.name for rule in decision.rules.all()}
        decision.reason_rows = [
            (
                names.get(reason.get("rule_id"))
                or (_("Known false claim") if reason.get("claim_id") else reason.get("rule", "")),
                reason.get("words", []),
            )
            for reason in decision.reasons
        ]
        must = (decision.model or {}).get("probabilities", {}).get("must_reply")
        decision.model_chance = round(100 * must) if must is not None else None
        decision.model_words = evidence_words((decision.model or {}).get("evidence", []))
    context = {
        "post": post,
        "thread": access.visible_thread(user, thread_of(post)),
        "history": author_history(post) if sees_history else None,
        "linked_accounts": list(post.author.person.accounts.exclude(pk=post.author_id))
        if sees_history and post.author and post.author.person_id
        else [],
        "same_person_candidates": people.same_person_candidates(post.author) if can_work and post.author_id else [],
        "account_query": account_query,
        "target_groups": list(TargetGroup.objects.all()) if can_work else [],
        "found_accounts": people.find_accounts(post.author, account_query) if account_query else [],
        "sees_history": sees_history,
        "decisions": decisions,
        "activities": _readable(post.activities.select_related("actor")[:100]),
        "notes": post.notes.select_related("author"),
        "forwards": post.forwards.select_related("sent_by", "to_user", "to_team")[:20],
        "forward": forward,
        "pending": pending,
        "unconfirmed": unconfirmed,
        "can_confirm": can_answer,
        "last_sent_back": last_sent_back if not pending else None,
        "is_open": is_open,
        "can_work": can_work,
        "can_answer": can_answer and takes_replies and not pending and not held_by_other and not unconfirmed,
        "follow_up": post.status == Post.Status.ANSWERED,
        "can_review": pending is not None
        and can_work
        and user.has_perm("inbox.change_replyapproval")
        and pending.written_by_id != user.pk,
        "can_note": can_answer,
        # Someone else holds it: say who, so that nobody answers twice.
        "held_by_other": held_by_other,
        "can_release": holder is not None and can_work,
        "needs_approval": actions.needs_approval(post),
        "suggestions": suggestions,
        "category_names": dict(CATEGORY_CHOICES),
        "reply_form": bound.get("reply_form")
        or ReplyForm(initial={**reply_initial, "after": outbox.last_reply_id(post)}, post=post),
        "assign_form": bound.get("assign_form") or AssignForm(post=post, user=user),
        "forward_form": bound.get("forward_form") or ForwardForm(),
        "hand_back_form": bound.get("hand_back_form") or HandBackForm(),
        "close_form": bound.get("close_form") or CloseForm(post=post),
        "note_form": bound.get("note_form") or NoteForm(),
        "review_form": bound.get("review_form") or ReviewForm(),
        "override_form": bound.get("override_form")
        or OverrideTriageForm(
            initial={"categories": post.categories, "must_reply": post.must_reply, "priority": post.priority}
        ),
        "open_panel": bound.get("open_panel", ""),
    }
    return render(request, "inbox/post.html", context, status=status)


def _readable(activities) -> list:
    """Triage's entries list category codes; the reader sees the categories' names."""
    names = dict(CATEGORY_CHOICES)
    activities = list(activities)
    for activity in activities:
        if activity.kind == "triaged" and activity.detail:
            activity.detail = ", ".join(str(names.get(code.strip(), code)) for code in activity.detail.split(","))
    return activities


def _done(request: HttpRequest, post: Post, message) -> HttpResponse:
    messages.success(request, message)
    return redirect("inbox:post-detail", post_id=post.pk)


# The post page's forms by their name in the page, with the panel each opens in.
FORMS = {
    "assign_form": (AssignForm, "assign-panel"),
    "forward_form": (ForwardForm, "forward-panel"),
    "hand_back_form": (HandBackForm, "hand-back-panel"),
    "reply_form": (ReplyForm, "reply"),
    "review_form": (ReviewForm, "reply"),
    "close_form": (CloseForm, "close-panel"),
    "note_form": (NoteForm, "notes-heading"),
    "override_form": (OverrideTriageForm, "override-panel"),
}


def _again(request: HttpRequest, post: Post, name: str, form: forms.Form, error=None) -> HttpResponse:
    """
    The form that failed goes back to the post's own page by a redirect, so that a
    reload never sends it again (socialstrategy.prg): what was typed and what is wrong
    with it wait in the session for the next view of the page.
    """
    if error is not None:
        # Refused by the service (the post changed meanwhile, say): said at the top of the
        # page, where it is seen even when the post no longer shows this form.
        messages.error(request, " ".join(getattr(error, "messages", None) or [str(error)]))
    prg.keep(request, place=_page_of(post), form=name, errors=prg.errors_of(form))
    return redirect(f"{_page_of(post)}#{FORMS[name][1]}")


def _page_of(post: Post) -> str:
    return reverse("inbox:post-detail", args=[post.pk])


def _failed_form(request: HttpRequest, post: Post) -> dict:
    """The form that failed on this post, bound again to what was typed, with its errors (once)."""
    kept = prg.recall(request, place=_page_of(post))
    if kept is None or kept[0] not in FORMS:
        return {}
    name, data, errors = kept
    form_class = FORMS[name][0]
    if form_class is AssignForm:
        form = AssignForm(data, post=post, user=request.user)
    elif form_class in (ReplyForm, CloseForm):
        form = form_class(data, post=post)
    else:
        form = form_class(data)
    if errors is not None:  # as they were found, some by the service after the form's own checks
        prg.with_errors(form, errors)
    return {name: form, "open_panel": name}


def _tell_who_holds_it(request: HttpRequest, holder) -> None:
    messages.error(request, _("%(name)s is already answering this post.") % {"name": display_name(holder)})


@require_POST
def claim(request: HttpRequest, post_id: int) -> HttpResponse:
    post = post_or_404(request, post_id)
    try:
        actions.claim_post(post=post, user=request.user)
    except PostHeldByOther as held:
        _tell_who_holds_it(request, held.holder)
        return redirect("inbox:post-detail", post_id=post.pk)
    return _done(request, post, _("The post is yours to answer."))


@require_POST
def release(request: HttpRequest, post_id: int) -> HttpResponse:
    post = post_or_404(request, post_id)
    holder = post.assignee
    if holder is not None and holder != request.user and request.POST.get("confirm") != "yes":
        # A colleague's claim: released only when asked twice, and they are told.
        messages.warning(
            request,
            _("%(name)s is answering this post. Tick the box to release their claim; they will be told.")
            % {"name": display_name(holder)},
        )
        return redirect(f"{reverse('inbox:post-detail', args=[post.pk])}#actions-heading")
    actions.release_post(post=post, user=request.user)
    return _done(request, post, _("The post is free for others to take."))


@require_POST
def assign(request: HttpRequest, post_id: int) -> HttpResponse:
    post = post_or_404(request, post_id)
    if not access.is_communication_unit(request.user):
        raise PermissionDenied
    form = AssignForm(request.POST, post=post, user=request.user)
    if not form.is_valid():
        return _again(request, post, "assign_form", form)
    try:
        actions.assign_post(
            post=post, user=request.user, to_user=form.cleaned_data["to_user"], to_team=form.cleaned_data["to_team"]
        )
    except ValidationError as exc:
        return _again(request, post, "assign_form", form, exc)
    return _done(request, post, _("The post is given on."))


@require_POST
def forward(request: HttpRequest, post_id: int) -> HttpResponse:
    post = post_or_404(request, post_id)
    if not access.is_communication_unit(request.user):
        raise PermissionDenied
    form = ForwardForm(request.POST)
    if not form.is_valid():
        return _again(request, post, "forward_form", form)
    data = form.cleaned_data
    try:
        sent = actions.forward_post(
            post=post,
            user=request.user,
            to_user=data["to_user"],
            to_team=data["to_team"],
            note=data["note"],
            link=data["link"],
        )
    except ValidationError as exc:
        return _again(request, post, "forward_form", form, exc)
    recipient = display_name(sent.to_user) if sent.to_user else sent.to_team
    return _done(request, post, _("Forwarded to %(name)s; the deadline keeps running.") % {"name": recipient})


@require_POST
def hand_back(request: HttpRequest, post_id: int) -> HttpResponse:
    post = post_or_404(request, post_id)
    if access.active_forward_for(request.user, post) is None:
        raise PermissionDenied
    form = HandBackForm(request.POST)
    if not form.is_valid():
        return _again(request, post, "hand_back_form", form)
    try:
        actions.hand_back(post=post, user=request.user, note=form.cleaned_data["note"])
    except ValidationError as exc:
        return _again(request, post, "hand_back_form", form, exc)
    messages.success(request, _("The post is handed back. Thank you."))
    # An employee may no longer see it among their forwarded posts; the page stays readable.
    return redirect("inbox:post-detail", post_id=post.pk)


@require_POST
def reply(request: HttpRequest, post_id: int) -> HttpResponse:
    post = post_or_404(request, post_id)
    if not access.can_answer(request.user, post):
        raise PermissionDenied
    form = ReplyForm(request.POST, post=post)
    if not form.is_valid():
        return _again(request, post, "reply_form", form)
    try:
        outcome = actions.reply_to_post(
            post=post, user=request.user, text=form.cleaned_data["text"], after=form.cleaned_data["after"]
        )
    except outbox.AlreadySent as sent:
        writer = sent.message.created_by
        if writer is not None and writer.pk == request.user.pk:
            messages.info(request, _("This reply was already sent; it is not sent twice."))
        else:
            messages.warning(
                request,
                _("%(name)s answered this post while you were writing. Read their reply before you add to it.")
                % {"name": display_name(writer) if writer else _("A colleague")},
            )
        return redirect("inbox:post-detail", post_id=post.pk)
    except SendUnknown as exc:
        messages.warning(
            request,
            _(
                "%(error)s Check the post on the platform before you send anything again; "
                "the reply is marked as not confirmed."
            )
            % {"error": exc},
        )
        return redirect("inbox:post-detail", post_id=post.pk)
    except PostHeldByOther as held:
        _tell_who_holds_it(request, held.holder)
        return redirect("inbox:post-detail", post_id=post.pk)
    except ValidationError as exc:
        return _again(request, post, "reply_form", form, exc)
    except SendError as exc:
        form.add_error(None, _("The platform did not take the reply: %(error)s") % {"error": exc})
        return _again(request, post, "reply_form", form)
    if isinstance(outcome, ReplyApproval):
        return _done(request, post, _("Your reply waits for a colleague's approval; nothing is sent yet."))
    return _done(request, post, _("Your reply is sent."))


@require_POST
def confirm_reply(request: HttpRequest, post_id: int, message_id: int) -> HttpResponse:
    """A person looked on the platform: the reply not confirmed is there, or it is not (and may be written again)."""
    post = post_or_404(request, post_id)
    if not access.can_answer(request.user, post):
        raise PermissionDenied
    message = get_object_or_404(OutboxMessage, pk=message_id, in_reply_to=post)
    published = request.POST.get("published") == "yes"
    try:
        actions.confirm_reply(post=post, message=message, user=request.user, published=published)
    except ValidationError as exc:
        messages.error(request, exc.messages[0])
        return redirect("inbox:post-detail", post_id=post.pk)
    if published:
        return _done(request, post, _("The reply is marked as published."))
    messages.info(request, _("The reply was not published; its text is back in the reply box."))
    after = outbox.last_reply_id(post)
    prg.keep(
        request,
        place=_page_of(post),
        form="reply_form",
        data={"reply-text": [message.text], "reply-after": [str(after) if after else ""]},
        errors={},
    )
    return redirect(f"{_page_of(post)}#reply")


@require_POST
def approve(request: HttpRequest, post_id: int, approval_id: int) -> HttpResponse:
    post = post_or_404(request, post_id)
    approval = get_object_or_404(ReplyApproval, pk=approval_id, post=post)
    try:
        actions.approve_reply(approval=approval, user=request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect("inbox:post-detail", post_id=post.pk)
    except SendError as exc:
        messages.error(request, _("The platform did not take the reply: %(error)s") % {"error": exc})
        return redirect("inbox:post-detail", post_id=post.pk)
    return _done(request, post, _("Approved: the reply is sent."))


@require_POST
def send_back(request: HttpRequest, post_id: int, approval_id: int) -> HttpResponse:
    post = post_or_404(request, post_id)
    if not access.is_communication_unit(request.user):
        raise PermissionDenied
    approval = get_object_or_404(ReplyApproval, pk=approval_id, post=post)
    form = ReviewForm(request.POST)
    if not form.is_valid():
        return _again(request, post, "review_form", form)
    try:
        actions.send_back_reply(approval=approval, user=request.user, comment=form.cleaned_data["comment"])
    except ValidationError as exc:
        form.add_error("comment", exc)
        return _again(request, post, "review_form", form)
    return _done(request, post, _("The reply went back to its writer with your comment."))


@require_POST
def close(request: HttpRequest, post_id: int) -> HttpResponse:
    post = post_or_404(request, post_id)
    if not access.is_communication_unit(request.user):
        raise PermissionDenied
    form = CloseForm(request.POST, post=post)
    if not form.is_valid():
        return _again(request, post, "close_form", form)
    try:
        actions.close_post(
            post=post, user=request.user, reason=form.cleaned_data["reason"], note=form.cleaned_data["note"]
        )
    except ValidationError as exc:
        return _again(request, post, "close_form", form, exc)
    return _done(request, post, _("The post is closed."))


@require_POST
def spam(request: HttpRequest, post_id: int) -> HttpResponse:
    post = post_or_404(request, post_id)
    actions.mark_spam(post=post, user=request.user)
    return _done(request, post, _("Marked as spam and closed."))


@require_POST
def reopen(request: HttpRequest, post_id: int) -> HttpResponse:
    post = post_or_404(request, post_id)
    actions.reopen_post(post=post, user=request.user)
    return _done(request, post, _("The post is open again."))


@require_POST
def note(request: HttpRequest, post_id: int) -> HttpResponse:
    post = post_or_404(request, post_id)
    if not access.can_answer(request.user, post):
        raise PermissionDenied
    form = NoteForm(request.POST)
    if not form.is_valid():
        return _again(request, post, "note_form", form)
    actions.add_note(post=post, user=request.user, text=form.cleaned_data["text"])
    return _done(request, post, _("Your note is added."))


def triage(request: HttpRequest, post_id: int) -> HttpResponse:
    """A person's decision about the post's triage; the page itself is the post's page."""
    post = post_or_404(request, post_id)
    if request.method != "POST":
        return redirect("inbox:post-detail", post_id=post.pk)
    if not access.is_communication_unit(request.user):
        raise PermissionDenied
    form = OverrideTriageForm(request.POST)
    if not form.is_valid():
        return _again(request, post, "override_form", form)
    services.override_triage(
        post=post,
        user=request.user,
        categories=form.cleaned_data["categories"],
        must_reply=form.cleaned_data["must_reply"],
        priority=form.cleaned_data["priority"],
        note=form.cleaned_data["note"],
    )
    return _done(request, post, _("Your decision is recorded; the system will not change it."))


def evidence_words(evidence) -> list[str]:
    """
    The words that weighed most for the model, as a person reads them: a rule's finding
    by its category's name, in the reader's language. Takes stored evidence (dicts) or
    the model's own (`Evidence`).
    """
    names = dict(CATEGORY_CHOICES)
    words = []
    for item in evidence:
        feature = item.get("feature", "") if isinstance(item, dict) else item.feature
        if feature.startswith("rule:"):
            code = feature.partition(":")[2]
            words.append(str(_("rule: %(category)s") % {"category": names.get(code, code)}))
        elif feature:
            words.append(describe(feature))
        else:
            words.append(item.get("text", "") if isinstance(item, dict) else item.text)
    return words
