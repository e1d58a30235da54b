"""The user's notifications: deadlines, breaches, posts given or forwarded to them."""

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.functional import SimpleLazyObject
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from ..forms import NotificationPreferenceForm
from ..models import Notification, NotificationPreference
from ..notifications import describe


def notification_list(request: HttpRequest) -> HttpResponse:
    notifications = Notification.objects.filter(user=request.user).select_related("post", "post__channel")
    page = Paginator(notifications, 50).get_page(request.GET.get("page"))
    items = [(notification, describe(notification)) for notification in page.object_list]
    preference = NotificationPreference.objects.filter(user=request.user).first()
    kinds = preference.email_kinds if preference else list(Notification.Kind.values)
    return render(
        request,
        "inbox/notifications.html",
        {"page": page, "items": items, "preference_form": NotificationPreferenceForm(initial={"email_kinds": kinds})},
    )


@require_POST
def notification_preference(request: HttpRequest) -> HttpResponse:
    """Which notifications the person also gets by email."""
    form = NotificationPreferenceForm(request.POST)
    if form.is_valid():
        NotificationPreference.objects.update_or_create(
            user=request.user, defaults={"email_kinds": form.cleaned_data["email_kinds"]}
        )
        if request.user.email:
            messages.success(request, _("Your email settings are saved."))
        else:
            messages.warning(request, _("Saved, but you have no email address: ask an administrator to add one."))
    else:
        messages.error(request, _("Choose among the kinds listed."))
    return redirect("inbox:notifications")


@require_POST
def notifications_read(request: HttpRequest) -> HttpResponse:
    Notification.objects.filter(user=request.user, read_at__isnull=True).update(read_at=timezone.now())
    return redirect("inbox:notifications")


def unread_count(request: HttpRequest) -> dict:
    """Context processor: the number on the bell."""
    if not request.user.is_authenticated:
        return {}
    # Lazy: fragments (htmx) render without the bell and should not pay for its query.
    return {
        "unread_notifications": SimpleLazyObject(
            lambda: Notification.objects.filter(user=request.user, read_at__isnull=True).count()
        )
    }
