from datetime import datetime, timedelta

from django import template
from django.utils import timezone
from django.utils.timesince import timesince, timeuntil
from django.utils.translation import gettext as _

register = template.Library()

DUE_SOON = timedelta(hours=1)


@register.simple_tag
def countdown(due_at: datetime | None, now: datetime | None = None) -> dict:
    """The time left to a deadline in words, and its state: on-time, due-soon or breached."""
    if due_at is None:
        return {"text": "", "state": "none"}
    now = now or timezone.now()
    if due_at <= now:
        return {"text": _("%(time)s overdue") % {"time": timesince(due_at, now, depth=1)}, "state": "breached"}
    state = "due-soon" if due_at - now <= DUE_SOON else "on-time"
    return {"text": _("in %(time)s") % {"time": timeuntil(due_at, now, depth=2)}, "state": state}
