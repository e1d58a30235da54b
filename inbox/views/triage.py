"""A post's triage: what was decided, by whom and why, and a person's override."""

from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from .. import services
from ..connectors.base import SendError
from ..forms import OverrideTriageForm, ReplyForm
from ..models import CATEGORY_CHOICES, Post


@permission_required("inbox.view_post", raise_exception=True)
def post_triage(request: HttpRequest, post_id: int) -> HttpResponse:
    post = get_object_or_404(Post.objects.select_related("channel", "author", "team", "assignee", "theme"), pk=post_id)
    can_override = request.user.has_perm("inbox.change_post")
    if request.method == "POST":
        if not can_override:
            return render(request, "403.html", status=403)
        form = OverrideTriageForm(request.POST)
        if form.is_valid():
            services.override_triage(
                post=post,
                user=request.user,
                categories=form.cleaned_data["categories"],
                must_reply=form.cleaned_data["must_reply"],
                priority=form.cleaned_data["priority"],
                note=form.cleaned_data["note"],
            )
            messages.success(request, _("Your decision is recorded; the system will not change it."))
            return redirect("inbox:post-triage", post_id=post.pk)
    else:
        form = OverrideTriageForm(
            initial={"categories": post.categories, "must_reply": post.must_reply, "priority": post.priority}
        )
    decisions = list(
        post.decisions.select_related("decided_by", "team", "assignee", "theme").prefetch_related(
            "rules", "guidelines", "claims"
        )
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
    holder = post.assignee
    return render(
        request,
        "inbox/triage.html",
        {
            "post": post,
            # Someone else holds it: say who, so that nobody answers twice.
            "held_by_other": holder is not None and holder != request.user,
            "can_release": holder is not None
            and can_override
            and (holder == request.user or request.user.groups.filter(name="communication_unit").exists()),
            "activities": post.activities.select_related("actor")[:50],
            "decisions": decisions,
            "form": form,
            "reply_form": ReplyForm(),
            "can_override": can_override,
            "category_names": dict(CATEGORY_CHOICES),
        },
    )


@permission_required("inbox.change_post", raise_exception=True)
@require_POST
def claim(request: HttpRequest, post_id: int) -> HttpResponse:
    post = get_object_or_404(Post, pk=post_id)
    try:
        services.claim_post(post=post, user=request.user)
    except services.PostHeldByOther as held:
        _tell_who_holds_it(request, held.holder)
    else:
        messages.success(request, _("The post is yours to answer."))
    return redirect("inbox:post-triage", post_id=post.pk)


@permission_required("inbox.change_post", raise_exception=True)
@require_POST
def release(request: HttpRequest, post_id: int) -> HttpResponse:
    post = get_object_or_404(Post, pk=post_id)
    services.release_post(post=post, user=request.user)
    messages.success(request, _("The post is free for others to take."))
    return redirect("inbox:post-triage", post_id=post.pk)


@permission_required("inbox.change_post", raise_exception=True)
@require_POST
def reply(request: HttpRequest, post_id: int) -> HttpResponse:
    post = get_object_or_404(Post.objects.select_related("channel", "assignee"), pk=post_id)
    form = ReplyForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Write a reply before sending."))
        return redirect("inbox:post-triage", post_id=post.pk)
    try:
        services.reply_to_post(post=post, user=request.user, text=form.cleaned_data["text"])
    except services.PostHeldByOther as held:
        _tell_who_holds_it(request, held.holder)
    except SendError as exc:
        messages.error(request, _("The platform did not take the reply: %(error)s") % {"error": exc})
    else:
        messages.success(request, _("Your reply is sent."))
    return redirect("inbox:post-triage", post_id=post.pk)


def _tell_who_holds_it(request: HttpRequest, holder) -> None:
    name = holder.get_full_name() or holder.get_username()
    messages.error(request, _("%(name)s is already answering this post.") % {"name": name})
