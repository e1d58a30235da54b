from django.contrib.auth.decorators import permission_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from . import selectors


@permission_required("strategy.view_goal", raise_exception=True)
def overview(request: HttpRequest) -> HttpResponse:
    return render(request, "strategy/overview.html", selectors.strategy_overview())


@permission_required("strategy.view_guideline", raise_exception=True)
def guidelines(request: HttpRequest) -> HttpResponse:
    return render(request, "strategy/guidelines.html", {"guidelines": selectors.guidelines()})
