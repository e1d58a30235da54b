"""
The platforms' webhooks: no login, no CSRF token, a valid signature instead.

An authentic delivery is stored in the request's transaction and answered at once;
it is processed after commit. A bad or missing signature is answered 403 and
nothing is stored.
"""

import logging

from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.db import transaction
from django.http import HttpRequest, HttpResponse, HttpResponseForbidden, JsonResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from ..connectors import facebook, x
from ..models import WebhookDelivery
from . import deliveries

logger = logging.getLogger(__name__)


def _too_large(request: HttpRequest) -> bool:
    try:
        length = int(request.headers.get("Content-Length") or 0)
    except ValueError:
        return True
    return length > settings.INBOX_WEBHOOK_MAX_BYTES


def _payload_too_large() -> HttpResponse:
    return HttpResponse("Payload too large", status=413, content_type="text/plain")


def _forbidden(source: str, request: HttpRequest, why: str) -> HttpResponse:
    logger.warning(
        "%s webhook refused from %s: %s",
        source,
        request.headers.get("X-Forwarded-For") or request.META.get("REMOTE_ADDR"),
        why,
    )
    return HttpResponseForbidden("Forbidden", content_type="text/plain")


@login_not_required
@csrf_exempt
@require_http_methods(["GET", "POST"])
def facebook_webhook(request: HttpRequest) -> HttpResponse:
    if request.method == "GET":
        challenge = facebook.verify_subscription(request.GET, settings.FACEBOOK_VERIFY_TOKEN)
        if challenge is None:
            return _forbidden("facebook", request, "wrong verify token")
        return HttpResponse(challenge, content_type="text/plain")
    if _too_large(request):
        return _payload_too_large()
    body = request.body
    if not facebook.verify_signature(
        settings.FACEBOOK_APP_SECRET, body, request.headers.get(facebook.SIGNATURE_HEADER)
    ):
        return _forbidden("facebook", request, "bad or missing X-Hub-Signature-256")
    with transaction.atomic():
        deliveries.record_delivery(source=WebhookDelivery.Source.FACEBOOK, body=body, headers=request.headers)
    return HttpResponse("EVENT_RECEIVED", content_type="text/plain")


@login_not_required
@csrf_exempt
@require_http_methods(["GET", "POST"])
def x_webhook(request: HttpRequest) -> HttpResponse:
    if request.method == "GET":
        token = request.GET.get("crc_token", "")
        if not token or not settings.X_CONSUMER_SECRET:
            return _forbidden("x", request, "no crc_token, or X_CONSUMER_SECRET is not set")
        if not x.is_crc_token(token):
            # Never sign a text of the caller's choosing: it could be a delivery's body.
            logger.warning("x webhook: a crc_token not of the platform's shape was refused (%d characters)", len(token))
            return JsonResponse({"error": "crc_token is not of the platform's shape"}, status=400)
        return JsonResponse(x.crc_response(settings.X_CONSUMER_SECRET, token))
    if _too_large(request):
        return _payload_too_large()
    body = request.body
    if not x.verify_signature([settings.X_CONSUMER_SECRET, settings.X_OAUTH2_CLIENT_SECRET], body, request.headers):
        return _forbidden("x", request, "bad or missing X-Twitter-Webhooks-Signature")
    with transaction.atomic():
        deliveries.record_delivery(source=WebhookDelivery.Source.X, body=body, headers=request.headers)
    return HttpResponse(status=200)
