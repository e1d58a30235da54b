"""The project's URLs plus /bench/ok/, the ceiling the webhooks are measured against."""

from django.contrib.auth.decorators import login_not_required
from django.http import HttpRequest, HttpResponse
from django.urls import path
from django.views.decorators.csrf import csrf_exempt

from socialstrategy.urls import urlpatterns as project_urlpatterns


@login_not_required
@csrf_exempt
def ok(request: HttpRequest) -> HttpResponse:
    # The whole middleware stack and nothing else: no signature, no database, no broker.
    return HttpResponse("OK", content_type="text/plain")


urlpatterns = [path("bench/ok/", ok, name="bench-ok"), *project_urlpatterns]
