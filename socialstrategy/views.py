import logging

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.paginator import Paginator
from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views import defaults
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from .forms import NotificationPreferenceForm
from .models import Notification, NotificationPreference
from .navigation import start_item
from .notifications import describe

logger = logging.getLogger(__name__)


@login_not_required
@never_cache
@require_GET
def health(request: HttpRequest) -> JsonResponse:
    """For load balancers and monitoring: 200 when the database answers, 503 when not."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception as exc:  # any database failure means "unhealthy", whatever its class
        logger.error("health check: database unavailable: %s", exc)
        return JsonResponse({"status": "error", "database": "unavailable"}, status=503)
    return JsonResponse({"status": "ok", "database": "ok"})


def home(request: HttpRequest) -> HttpResponse:
    """Send each user to their role's start page (`navigation.start_item`)."""
    item = start_item(request.user)
    if item:
        return redirect(item.url_name)
    return render(request, "home_no_role.html", status=403)


def notification_list(request: HttpRequest) -> HttpResponse:
    notifications = Notification.objects.filter(user=request.user).all()
    page = Paginator(notifications, 50).get_page(request.GET.get("page"))
    items = [(notification, describe(notification)) for notification in page.object_list]
    preference = NotificationPreference.objects.filter(user=request.user).first()
    initial = {
        "email_kinds": preference.email_kinds if preference else list(Notification.Kind.values),
        "weekly_digest": preference.weekly_digest if preference else True,
    }
    form = NotificationPreferenceForm(initial=initial, user=request.user)
    return render(request, "socialstrategy/notifications.html", {"page": page, "items": items, "preference_form": form})


@require_POST
def notification_preference(request: HttpRequest) -> HttpResponse:
    """Which notifications the person also gets by email, and (for those who read the reports) the weekly digest."""
    form = NotificationPreferenceForm(request.POST, user=request.user)
    if form.is_valid():
        # Only the fields the form offered: the digest's choice stays as it is for those not offered it.
        NotificationPreference.objects.update_or_create(user=request.user, defaults=form.cleaned_data)
        if request.user.email:
            messages.success(request, _("Your email settings are saved."))
        else:
            messages.warning(request, _("Saved, but you have no email address: ask an administrator to add one."))
    else:
        messages.error(request, _("Choose among the kinds listed."))
    return redirect("notifications")


@require_POST
def notifications_read(request: HttpRequest) -> HttpResponse:
    Notification.objects.filter(user=request.user, read_at__isnull=True).update(read_at=timezone.now())
    return redirect("notifications")


def page_not_found(request: HttpRequest, exception) -> HttpResponse:
    """handler404: the API's clients get JSON ({"detail": ...}), people the product's page."""
    if request.path.startswith("/api/"):
        return JsonResponse({"detail": str(_("Not found."))}, status=404)
    return defaults.page_not_found(request, exception)
