"""The user's notifications: deadlines, breaches, posts given or forwarded to them."""

from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.functional import SimpleLazyObject
from django.views.decorators.http import require_POST

from ..models import Notification
from ..notifications import describe


def notification_list(request: HttpRequest) -> HttpResponse:
    notifications = Notification.objects.filter(user=request.user).select_related("post", "post__channel")
    page = Paginator(notifications, 50).get_page(request.GET.get("page"))
    items = [(notification, describe(notification)) for notification in page.object_list]
    return render(request, "inbox/notifications.html", {"page": page, "items": items})


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
