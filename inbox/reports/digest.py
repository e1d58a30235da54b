"""
The weekly digest (#13): last week's response figures by email, to those who may read
the reports (managers and the communication unit) and have not opted out.

The digest goes on Monday at 08:00, Oslo time, or on the first working day after it when
the Monday is a public holiday (Easter Monday, Whit Monday), and reports the Monday to
Sunday before. Beat runs the task every hour, and the week's digest stays due until the
week ends (`due_week`): when beat or the workers were down at 08:00, it goes as soon as
they are back, and someone whose send failed, or who may read the reports since, gets it
at the next hour. Its figures are the dashboard's (`selectors.report`, as of the moment
it is sent), and it links to the dashboard for exactly that week. Each person gets a
week's digest once (`DigestSent`), however often the task runs or is retried.
"""

import logging
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from urllib.parse import urlencode

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import EmailMultiAlternatives, get_connection
from django.db import transaction
from django.db.models import QuerySet
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import formats, timezone, translation
from django.utils.translation import gettext as _

from socialstrategy import roles
from strategy.models import Channel

from ..models import DigestSent
from ..triage.deadlines import is_working_day
from .metrics import OSLO
from .selectors import Report, report

logger = logging.getLogger(__name__)

# Who may read the reports, and so gets the digest: managers and the communication unit.
REPORTS_PERMISSION = roles.READS_REPORTS
# The backend that holds the roles' permissions (the other one, axes, only throttles logins).
PERMISSION_BACKEND = "django.contrib.auth.backends.ModelBackend"
TEMPLATES = "inbox/reports/email/digest"


# --- Which day, which week (pure) -----------------------------------------------------------


@dataclass(frozen=True)
class Week:
    """A Monday-to-Sunday week (Oslo days)."""

    first: date
    last: date

    def before(self) -> "Week":
        return Week(self.first - timedelta(days=7), self.last - timedelta(days=7))


def digest_week(day: date) -> Week | None:
    """
    The week whose digest goes on `day`, or None when `day` is no digest day. The digest
    day is the first working day of a week (Monday, or Tuesday after Easter Monday), and
    it reports the week before it, Monday to Sunday.
    """
    if not is_working_day(day):
        return None
    monday = day - timedelta(days=day.weekday())
    if any(is_working_day(monday + timedelta(days=offset)) for offset in range(day.weekday())):
        return None
    return Week(monday - timedelta(days=7), monday - timedelta(days=1))


# The hour of the digest day the digest goes at, Oslo time.
DIGEST_HOUR = 8


def due_week(moment: datetime) -> Week | None:
    """
    The week whose digest is due at this moment: from DIGEST_HOUR on the digest day
    (`digest_week`) to the end of that Monday-to-Sunday week; None before it.
    """
    local = moment.astimezone(OSLO)
    monday = local.date() - timedelta(days=local.weekday())
    for offset in range(local.weekday() + 1):
        day = monday + timedelta(days=offset)
        week = digest_week(day)
        if week is not None:
            return week if day < local.date() or local.hour >= DIGEST_HOUR else None
    return None


# --- Who gets it (selector) ------------------------------------------------------------------


def recipients(week: Week) -> QuerySet:
    """
    The active users who may read the reports, have an email address, have not opted out
    (`NotificationPreference.weekly_digest`; without a row they get it) and have not had
    this week's digest yet.
    """
    users = get_user_model().objects.with_perm(
        REPORTS_PERMISSION, is_active=True, include_superusers=False, backend=PERMISSION_BACKEND
    )
    return (
        users.exclude(email="")
        .exclude(notification_preference__weekly_digest=False)
        .exclude(pk__in=DigestSent.objects.filter(week_start=week.first).values("user_id"))
        .order_by("pk")
    )


# --- What it says ------------------------------------------------------------------------


def site_link(path: str) -> str:
    return f"{settings.SITE_URL.rstrip('/')}{path}"


def dashboard_link(week: Week) -> str:
    """The dashboard for exactly this week."""
    query = urlencode({"period": "custom", "start": week.first.isoformat(), "end": week.last.isoformat()})
    return site_link(f"{reverse('reports:dashboard')}?{query}")


def _change(now: float | None, before: float | None) -> float | None:
    return None if now is None or before is None else now - before


def digest_context(week: Week, found: Report, before: Report) -> dict:
    """What the email shows, in the active language: the dashboard's figures of the week and of the week before."""
    total, previous = found.total, before.total
    names = dict(Channel.objects.values_list("pk", "name"))
    channels = sorted(
        ((str(names.get(channel, channel)), part) for channel, part in found.by["channel"].items()),
        key=lambda row: (-row[1].posts, row[0]),
    )
    return {
        "first": week.first,
        "last": week.last,
        "previous_first": before.first,
        "previous_last": before.last,
        "total": total,
        "previous": previous,
        "change": _change(total.on_time_rate, previous.on_time_rate),
        "judged": total.answered + total.breached,
        # (label, this week, the week before); breached is as of now, and so has no "before".
        "counts": [
            (_("Posts"), total.posts, previous.posts),
            (_("Must reply"), total.must_reply, previous.must_reply),
            (_("Answered"), total.answered, previous.answered),
            (_("Late"), total.late, previous.late),
            (_("Breached, unanswered"), total.breached, None),
            (_("Closed without a reply"), total.handled_without_reply, previous.handled_without_reply),
        ],
        "times": [
            (_("Median (p50)"), total.p50, total.service_p50),
            (_("90th percentile (p90)"), total.p90, total.service_p90),
        ],
        "channels": channels,
        "dashboard_url": dashboard_link(week),
        "preferences_url": site_link(reverse("notifications")),
    }


def subject(week: Week) -> str:
    return _("Weekly response digest: %(first)s to %(last)s") % {
        "first": formats.date_format(week.first, "j. F"),
        "last": formats.date_format(week.last, "j. F Y"),
    }


def language_of(user) -> str:
    """
    The language a person's email is written in. There is no per-person language yet
    (the switcher's choice lives in a browser cookie), so every email is in the
    installation's language, as the notifications' are.
    """
    return settings.LANGUAGE_CODE


def digest_message(user, week: Week, found: Report, before: Report, connection=None) -> EmailMultiAlternatives:
    """One person's digest, plain text and HTML, in their language."""
    with translation.override(language_of(user)):
        context = digest_context(week, found, before)
        message = EmailMultiAlternatives(
            subject=f"[socialstrategy] {subject(week)}",
            body=render_to_string(f"{TEMPLATES}.txt", context),
            from_email=settings.DEFAULT_FROM_EMAIL,
            to=[user.email],
            connection=connection,
        )
        message.attach_alternative(render_to_string(f"{TEMPLATES}.html", context), "text/html")
    return message


# --- Sending (service) -----------------------------------------------------------------------


def send_weekly_digest(now: datetime | None = None) -> int:
    """
    While a week's digest is due (`due_week`), send it to each recipient who has not had
    it; at any other time nothing. Returns how many were sent.

    Each email is sent in the transaction that records it (`DigestSent`, unique per week
    and person): a failed send records nothing, so a retry sends it; a second run finds
    the record (or waits on it) and skips. An email sent just before a crash that lost
    its commit would go again: once too often rather than never.
    """
    now = now or timezone.now()
    week = due_week(now)
    if week is None:
        return 0
    users = list(recipients(week))
    if not users:
        return 0
    found = report(week.first, week.last, now=now)
    before = report(week.before().first, week.before().last, now=now)
    sent = 0
    with get_connection() as connection:
        for user in users:
            with transaction.atomic():
                _record, created = DigestSent.objects.get_or_create(
                    week_start=week.first, user=user, defaults={"sent_at": now}
                )
                if not created:
                    continue
                digest_message(user, week, found, before, connection).send()
            sent += 1
    logger.info("weekly digest of %s to %s: sent to %s people", week.first, week.last, sent)
    return sent
