"""
The triage quality page (communication unit): how triage did on the posts people
settled in the last 30 days, the misses and false alarms to look at, the learned
model's versions with their figures, "train now", and activating a version (roll back).
"""

from datetime import timedelta

from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET, require_POST

from socialstrategy.queueing import enqueue_on_commit
from strategy.models import CATEGORY_CHOICES

from ..models import TriageLabel, TriageModel
from ..triage import learned, quality, tasks

VERSIONS_SHOWN = 10


@permission_required("strategy.view_replyrule", raise_exception=True)
@require_GET
def triage_quality(request: HttpRequest) -> HttpResponse:
    since = timezone.now() - timedelta(days=learned.QUALITY_DAYS)
    figures = quality.measure(learned.settled_since(since))
    names = dict(CATEGORY_CHOICES)
    versions = list(TriageModel.objects.select_related("trained_by", "activated_by")[:VERSIONS_SHOWN])
    sources = {"labelled": _("labelled posts"), **dict(TriageLabel.Source.choices)}
    for version in versions:
        # "1526 labelled posts, 3 answered though triage did not flag it", in the reader's language.
        version.training_rows = [
            (count, sources.get(source, source)) for source, count in version.training_counts.items()
        ]
    return render(
        request,
        "inbox/quality.html",
        {
            "days": learned.QUALITY_DAYS,
            "quality": figures,
            "needs_look_share": learned.needs_look_share(since),
            "category_rows": [(names.get(code, code), counts) for code, counts in figures.categories.items()],
            "category_names": names,
            "active": next((version for version in versions if version.is_active), None)
            or TriageModel.objects.filter(is_active=True).first(),
            "versions": versions,
        },
    )


@permission_required("strategy.change_replyrule", raise_exception=True)
@require_POST
def train_now(request: HttpRequest) -> HttpResponse:
    """Train a new version in the background; it is activated when not worse on the blind set."""

    def refused() -> None:
        messages.error(request, _("The training could not be sent to the task queue. Try again in a while."))

    with transaction.atomic():
        enqueue_on_commit(tasks.train_model_task, request.user.pk, on_failure=refused)
    messages.success(
        request,
        _(
            "Training has started. The new version appears below within a minute, with its figures beside the "
            "active one's; it is activated only if it is not worse on the blind set."
        ),
    )
    return redirect("inbox:triage-quality")


@permission_required("strategy.change_replyrule", raise_exception=True)
@require_POST
def activate(request: HttpRequest, model_id: int) -> HttpResponse:
    """Put this version in force: a roll back when it is an earlier one."""
    record = get_object_or_404(TriageModel, pk=model_id)
    learned.activate_model(record, by=request.user)
    messages.success(request, _("Version %(version)s is now in force.") % {"version": record.version})
    return redirect("inbox:triage-quality")
