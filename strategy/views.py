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
from .forms import DeviationForm, ShiftForm
from .models import DutyDeviation, DutyShift


@permission_required("strategy.view_goal", raise_exception=True)
def overview(request: HttpRequest) -> HttpResponse:
    return render(request, "strategy/overview.html", selectors.strategy_overview())


@permission_required("strategy.view_guideline", raise_exception=True)
def guidelines(request: HttpRequest) -> HttpResponse:
    return render(request, "strategy/guidelines.html", {"guidelines": selectors.guidelines()})


@permission_required("strategy.view_dutyshift", raise_exception=True)
def rota(request: HttpRequest) -> HttpResponse:
    """Who is on duty when, per team: the weekly rota, the dated changes, now and next."""
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
    return render(
        request,
        "strategy/rota.html",
        {
            "teams": selectors.rota_of_teams(timezone.now()),
            "can_edit": can_edit,
            "shift_form": shift_form,
            "change_form": change_form,
        },
    )


@require_POST
@permission_required("strategy.delete_dutyshift", raise_exception=True)
def rota_remove(request: HttpRequest, kind: str, pk: int) -> HttpResponse:
    model = {"shift": DutyShift, "change": DutyDeviation}.get(kind)
    if model is None:
        raise Http404
    get_object_or_404(model, pk=pk).delete()
    messages.success(request, _("Removed from the rota."))
    return redirect("strategy:rota")
