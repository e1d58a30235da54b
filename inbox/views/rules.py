"""The rulebook in the product: the communication unit edits the reply rules, known claims,
response policies and the responsibility matrix; managers read them."""

from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.contrib.auth.mixins import PermissionRequiredMixin
from django.contrib.messages.views import SuccessMessageMixin
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse_lazy
from django.utils import timezone
from django.utils.translation import get_language, ngettext
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST
from django.views.generic import CreateView, DeleteView, UpdateView

from socialstrategy.prg import RedirectAfterInvalid
from strategy.models import CATEGORY_CHOICES, KnownClaim, ReplyRule, ResponsePolicy, ResponsibilityRule

from ..forms import (
    EmployeeAccountsForm,
    InboxSettingsForm,
    KnownClaimForm,
    ReplyRuleForm,
    ResponsePolicyForm,
    ResponsibilityRuleForm,
    TryRulesForm,
)
from ..models import InboxSettings, Post
from ..triage import learned, rulebook, services
from ..triage.deadlines import due_at
from ..triage.engine import PostInput
from ..triage.learning.combine import combine
from ..work import people
from .posts import evidence_words

INDEX = reverse_lazy("inbox:rules")
DELETE_URLS = {
    ReplyRule: "inbox:rule-delete",
    KnownClaim: "inbox:claim-delete",
    ResponsePolicy: "inbox:policy-delete",
    ResponsibilityRule: "inbox:matrix-delete",
}


@permission_required("strategy.view_replyrule", raise_exception=True)
def rules_index(request: HttpRequest) -> HttpResponse:
    rules = ReplyRule.objects.select_related("team", "guideline").order_by("order", "pk")
    categories = dict(CATEGORY_CHOICES)
    return render(
        request,
        "inbox/rules/index.html",
        {
            "rules": rules,
            "category_names": categories,
            "claims": KnownClaim.objects.all(),
            "policies": ResponsePolicy.objects.select_related("channel").order_by("channel__name", "priority"),
            "matrix": ResponsibilityRule.objects.select_related("channel", "theme", "team").order_by(
                "category", "channel__name"
            ),
            "try_form": TryRulesForm(),
            "settings_form": InboxSettingsForm(instance=InboxSettings.current()),
            "employees_form": EmployeeAccountsForm(instance=InboxSettings.current()),
        },
    )


@permission_required("strategy.view_replyrule", raise_exception=True)
@require_POST
def try_rules(request: HttpRequest) -> HttpResponse:
    """Decide about a text with the enabled rules, without saving anything (an htmx fragment)."""
    form = TryRulesForm(request.POST)
    context = {"form": form}
    if form.is_valid():
        post = PostInput(form.cleaned_data["text"])
        rules = rulebook.compiled_triage()
        by_rules = rules.decide(post)
        model = learned.active_model()
        # The decision in force: the rules, and the learned model beside them when one is active.
        decision = combine(by_rules, post, model, rules) if model is not None else by_rules
        now = timezone.now()
        waits = decision.must_reply or decision.needs_look
        deadline = due_at(now, rulebook.policy_for(None, decision.priority)) if waits else None
        names = dict(ReplyRule.objects.values_list("pk", "name_" + ("en" if get_language() == "en" else "nb")))
        context.update(
            {
                "decision": decision,
                "by_rules": by_rules,
                "deadline": deadline,
                "model_part": decision.model,
                "model_words": evidence_words(decision.model.evidence if decision.model else ()),
                "model_chance": round(100 * decision.model.probabilities["must_reply"]) if decision.model else None,
                "category_chances": [
                    (name, round(100 * decision.model.probabilities[code]))
                    for code, name in CATEGORY_CHOICES
                    if decision.model and code in decision.model.probabilities
                ],
                "category_names": dict(CATEGORY_CHOICES),
                "priority_label": Post.Priority(decision.priority).label,
                # The rules' names in the reader's language; the engine knows them by id.
                "reasons": [
                    (names.get(m.rule_id) or (_("Known false claim") if m.claim_id else m.rule), m.words)
                    for m in decision.matches
                ],
            }
        )
    template = "inbox/rules/_try.html" if request.htmx else "inbox/rules/try.html"
    return render(request, template, context)


@permission_required("strategy.change_replyrule", raise_exception=True)
@require_POST
def retriage(request: HttpRequest) -> HttpResponse:
    with transaction.atomic():
        count = services.retriage_open_posts()
    messages.success(
        request,
        ngettext(
            "%(count)d open post will be triaged again with the current rules.",
            "%(count)d open posts will be triaged again with the current rules.",
            count,
        )
        % {"count": count},
    )
    return redirect("inbox:rules")


@permission_required("inbox.change_inboxsettings", raise_exception=True)
@require_POST
def inbox_settings(request: HttpRequest) -> HttpResponse:
    """The communication unit's switch: do replies to negative posts need a second member's approval?"""
    form = InboxSettingsForm(request.POST, instance=InboxSettings.current())
    if form.is_valid():
        form.save()
        if form.cleaned_data["approval_for_negative"]:
            messages.success(request, _("From now on a reply to a negative post waits for a colleague's approval."))
        else:
            messages.success(request, _("Replies to negative posts are sent without approval."))
    return redirect(f"{INDEX}#care-heading")


@require_POST
@permission_required("inbox.change_inboxsettings", raise_exception=True)
def employee_accounts(request: HttpRequest) -> HttpResponse:
    """Our employees' accounts: their posts count for the target group "own employees"."""
    form = EmployeeAccountsForm(request.POST, instance=InboxSettings.current())
    if not form.is_valid():
        for error in form.errors.get("employee_accounts", []):
            messages.error(request, error)
        return redirect(f"{INDEX}#employees-heading")
    form.save()
    changed = people.apply_employee_accounts(user=request.user)
    messages.success(
        request,
        ngettext(
            "Saved; %(count)s author is counted as one of our own employees now.",
            "Saved; %(count)s authors are counted as our own employees now.",
            changed,
        )
        % {"count": changed},
    )
    return redirect(f"{INDEX}#employees-heading")


class _RulebookEdit(PermissionRequiredMixin, RedirectAfterInvalid, SuccessMessageMixin):
    raise_exception = True
    template_name = "inbox/rules/form.html"
    success_url = INDEX
    success_message = _("Saved. New posts are triaged with it; use “Re-triage open posts” for those already in.")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["kind"] = self.model._meta.verbose_name
        context["delete_url_name"] = DELETE_URLS[self.model]
        context["can_delete"] = self.request.user.has_perm(f"inbox.delete_{self.model._meta.model_name}")
        return context


class ReplyRuleCreate(_RulebookEdit, CreateView):
    model, form_class, permission_required = ReplyRule, ReplyRuleForm, "strategy.add_replyrule"

    def form_valid(self, form):
        form.instance.slug = _unique_slug(ReplyRule, form.cleaned_data["name_en"] or form.cleaned_data["name_nb"])
        return super().form_valid(form)


class ReplyRuleUpdate(_RulebookEdit, UpdateView):
    model, form_class, permission_required = ReplyRule, ReplyRuleForm, "strategy.change_replyrule"


class ReplyRuleDelete(_RulebookEdit, DeleteView):
    model, permission_required = ReplyRule, "strategy.delete_replyrule"
    template_name = "inbox/rules/confirm_delete.html"
    success_message = _("The rule was deleted.")


class KnownClaimCreate(_RulebookEdit, CreateView):
    model, form_class, permission_required = KnownClaim, KnownClaimForm, "strategy.add_knownclaim"


class KnownClaimUpdate(_RulebookEdit, UpdateView):
    model, form_class, permission_required = KnownClaim, KnownClaimForm, "strategy.change_knownclaim"


class KnownClaimDelete(_RulebookEdit, DeleteView):
    model, permission_required = KnownClaim, "strategy.delete_knownclaim"
    template_name = "inbox/rules/confirm_delete.html"
    success_message = _("The claim was deleted.")


class ResponsePolicyCreate(_RulebookEdit, CreateView):
    model, form_class, permission_required = ResponsePolicy, ResponsePolicyForm, "strategy.add_responsepolicy"


class ResponsePolicyUpdate(_RulebookEdit, UpdateView):
    model, form_class, permission_required = ResponsePolicy, ResponsePolicyForm, "strategy.change_responsepolicy"


class ResponsePolicyDelete(_RulebookEdit, DeleteView):
    model, permission_required = ResponsePolicy, "strategy.delete_responsepolicy"
    template_name = "inbox/rules/confirm_delete.html"
    success_message = _("The policy was deleted.")


class ResponsibilityCreate(_RulebookEdit, CreateView):
    model, form_class, permission_required = (
        ResponsibilityRule,
        ResponsibilityRuleForm,
        "strategy.add_responsibilityrule",
    )


class ResponsibilityUpdate(_RulebookEdit, UpdateView):
    model, form_class = ResponsibilityRule, ResponsibilityRuleForm
    permission_required = "strategy.change_responsibilityrule"


class ResponsibilityDelete(_RulebookEdit, DeleteView):
    model, permission_required = ResponsibilityRule, "strategy.delete_responsibilityrule"
    template_name = "inbox/rules/confirm_delete.html"
    success_message = _("The line was deleted.")


def _unique_slug(model, name: str) -> str:
    from django.utils.text import slugify

    base = slugify(name)[:50] or "rule"
    slug, n = base, 2
    while model.objects.filter(slug=slug).exists():
        slug, n = f"{base}-{n}", n + 1
    return slug
