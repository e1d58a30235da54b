import copy

from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from socialstrategy import prg

from . import selectors
from .forms import DeviationForm, ShiftForm, WeekForm
from .models import DutyDeviation, DutyShift


@permission_required("strategy.view_goal", raise_exception=True)
def overview(request: HttpRequest) -> HttpResponse:
    return render(request, "strategy/overview.html", selectors.strategy_overview())


@permission_required("strategy.view_guideline", raise_exception=True)
def guidelines(request: HttpRequest) -> HttpResponse:
    return render(request, "strategy/guidelines.html", {"guidelines": selectors.guidelines()})


@permission_required("strategy.view_dutyshift", raise_exception=True)
def rota(request: HttpRequest) -> HttpResponse:
    """Who is on duty when, per team: the weekly rota, the dated changes, now and next, and a week as it happens."""
    can_edit = request.user.has_perm("strategy.add_dutyshift")
    page = reverse("strategy:rota")
    if request.method == "POST":
        if not can_edit:
            raise PermissionDenied
        form = ShiftForm(request.POST) if "shift-team" in request.POST else DeviationForm(request.POST)
        if form.is_valid():
            form.save()
            messages.success(request, _("The rota is saved; routing uses it within seconds."))
            return redirect("strategy:rota")
        # Post-redirect-get: what was typed waits in the session, so a reload never sends it again.
        kind = "shift" if isinstance(form, ShiftForm) else "change"
        prg.keep(request, place=page, form=kind)
        return redirect(f"{page}#add-{kind}")
    shift_form, change_form = ShiftForm(), DeviationForm()
    kept = prg.recall(request, place=page)
    if kept is not None and can_edit:
        kind, data, _errors = kept
        if kind == "shift":
            shift_form = ShiftForm(data)
        else:
            change_form = DeviationForm(data)
    today = timezone.localdate()
    # A week that cannot be read shows this one, and the form says what was wrong.
    week_form = WeekForm(request.GET) if "week" in request.GET else WeekForm(initial={"week": today})
    chosen = week_form.cleaned_data["week"] if week_form.is_bound and week_form.is_valid() else None
    return render(
        request,
        "strategy/rota.html",
        {
            "teams": selectors.rota_of_teams(timezone.now()),
            "week": selectors.rota_week(chosen or today, today=today),
            "week_form": week_form,
            "can_edit": can_edit,
            "can_change": request.user.has_perm("strategy.change_dutyshift"),
            "shift_form": shift_form,
            "change_form": change_form,
        },
    )


ROTA_FORMS = {"shift": (ShiftForm, DutyShift), "change": (DeviationForm, DutyDeviation)}


@permission_required("strategy.change_dutyshift", raise_exception=True)
def rota_edit(request: HttpRequest, kind: str, pk: int) -> HttpResponse:
    """A shift or a change, edited in place; a form that fails comes back by a redirect, as on the rota page."""
    if kind not in ROTA_FORMS:
        raise Http404
    form_class, model = ROTA_FORMS[kind]
    if not request.user.has_perm(f"strategy.change_{model._meta.model_name}"):
        raise PermissionDenied
    item = get_object_or_404(model.objects.select_related("team", "user"), pk=pk)
    # The page says what is being edited as it was: a bound form changes its instance as it validates.
    was = copy.copy(item)
    page = request.path
    if request.method == "POST":
        form = form_class(request.POST, instance=item)
        if form.is_valid():
            saved = form.save()
            messages.success(request, _("The rota is saved; routing uses it within seconds."))
            return redirect(reverse("strategy:rota") + f"#team-{saved.team.slug}")
        prg.keep(request, place=page, form=kind)
        return redirect(page)
    kept = prg.recall(request, place=page)
    form = form_class(kept[1], instance=item) if kept is not None else form_class(instance=item)
    return render(request, "strategy/rota_edit.html", {"form": form, "kind": kind, "was": was})


@require_POST
@permission_required("strategy.delete_dutyshift", raise_exception=True)
def rota_remove(request: HttpRequest, kind: str, pk: int) -> HttpResponse:
    model = {"shift": DutyShift, "change": DutyDeviation}.get(kind)
    if model is None:
        raise Http404
    if not request.user.has_perm(f"strategy.delete_{model._meta.model_name}"):
        raise PermissionDenied
    get_object_or_404(model, pk=pk).delete()
    messages.success(request, _("Removed from the rota."))
    return redirect("strategy:rota")
