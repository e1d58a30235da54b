"""
The weekly digest (#13, item 7): the day it goes (Monday, or the first working day after
a holiday Monday) and how long it stays due, who gets it, once a week, the opt-out, and
figures that are the dashboard's for the same week.
"""

import re
from datetime import UTC, date, datetime, time, timedelta

import pytest
import time_machine
from celery.schedules import crontab
from django.contrib.auth.models import Group
from django.core.mail import EmailMultiAlternatives
from django.test.signals import template_rendered
from django.urls import reverse
from django.utils import translation

from inbox.models import DigestSent, Post
from inbox.reports import digest, rollups
from inbox.reports.digest import Week, digest_week, due_week, send_weekly_digest
from inbox.reports.metrics import OSLO
from inbox.reports.tasks import weekly_digest_task
from inbox.templatetags.inbox_tags import percent, seconds
from inbox.triage.deadlines import is_working_day
from socialstrategy import roles
from socialstrategy.models import NotificationPreference
from tests.factories import ChannelFactory, UserFactory

# The digest of the week of Whit Monday (25-31 May 2026) goes on Monday 1 June, at 08:00.
WEEK = Week(date(2026, 5, 25), date(2026, 5, 31))
NOW = datetime(2026, 6, 1, 8, 0, tzinfo=OSLO)


def at(day: date, hour: int, minute: int = 0) -> datetime:
    return datetime.combine(day, time(hour, minute), tzinfo=OSLO)


# --- The digest day ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("day", "week"),
    [
        (date(2026, 6, 1), Week(date(2026, 5, 25), date(2026, 5, 31))),  # an ordinary Monday
        (date(2026, 4, 6), None),  # Easter Monday ...
        (date(2026, 4, 7), Week(date(2026, 3, 30), date(2026, 4, 5))),  # ... so Tuesday
        (date(2026, 5, 25), None),  # Whit Monday ...
        (date(2026, 5, 26), Week(date(2026, 5, 18), date(2026, 5, 24))),  # ... so Tuesday
        (date(2028, 12, 25), None),  # Christmas Day on a Monday, and Boxing Day ...
        (date(2028, 12, 26), None),
        (date(2028, 12, 27), Week(date(2028, 12, 18), date(2028, 12, 24))),  # ... so Wednesday
        (date(2026, 6, 2), None),  # the other days of a week
        (date(2026, 6, 3), None),
        (date(2026, 6, 5), None),
        (date(2026, 6, 6), None),
        (date(2026, 6, 7), None),
        (date(2026, 4, 8), None),  # the Wednesday after Easter
        (date(2026, 5, 27), None),  # the Wednesday after Whitsun
    ],
)
def test_it_goes_on_monday_or_the_first_working_day_after_a_holiday_monday(day, week):
    assert digest_week(day) == week


def test_it_goes_once_a_week_on_its_first_working_day_about_the_week_before():
    day, end = date(2025, 12, 29), date(2029, 1, 7)  # Monday to Sunday, four whole years
    while day <= end:
        monday = day - timedelta(days=day.weekday())
        first_working = next(monday + timedelta(days=n) for n in range(7) if is_working_day(monday + timedelta(days=n)))
        expected = Week(monday - timedelta(days=7), monday - timedelta(days=1)) if day == first_working else None
        assert digest_week(day) == expected, day
        day += timedelta(days=1)


@pytest.mark.parametrize(
    ("moment", "week"),
    [
        (at(date(2026, 6, 1), 7, 59), None),  # Monday, before eight
        (at(date(2026, 6, 1), 8), WEEK),  # Monday at eight ...
        (at(date(2026, 6, 2), 8), WEEK),  # ... and after it, all week, should beat have been down
        (at(date(2026, 6, 7), 23, 59), WEEK),
        (at(date(2026, 6, 8), 7), None),  # the next week, before its digest: the old one is no longer due
        (at(date(2026, 6, 8), 8), Week(date(2026, 6, 1), date(2026, 6, 7))),
        (at(date(2026, 5, 25), 9), None),  # Whit Monday: the week's digest goes on Tuesday
        (at(date(2026, 5, 26), 7), None),
        (at(date(2026, 5, 26), 8), Week(date(2026, 5, 18), date(2026, 5, 24))),
        (at(date(2026, 5, 27), 12), Week(date(2026, 5, 18), date(2026, 5, 24))),
        (at(date(2028, 12, 26), 12), None),  # Christmas: on Wednesday 27 December 2028
        (at(date(2028, 12, 27), 8), Week(date(2028, 12, 18), date(2028, 12, 24))),
        (datetime(2026, 6, 1, 6, 0, tzinfo=UTC), WEEK),  # 08:00 in Oslo, summer time
        (datetime(2026, 11, 30, 6, 59, tzinfo=UTC), None),  # 07:59 in Oslo, winter time
        (datetime(2026, 11, 30, 7, 0, tzinfo=UTC), Week(date(2026, 11, 23), date(2026, 11, 29))),
    ],
)
def test_a_weeks_digest_is_due_from_eight_on_its_day_to_the_end_of_the_week(moment, week):
    assert due_week(moment) == week


def test_the_task_runs_every_hour_and_the_service_decides(settings):
    entry = settings.CELERY_BEAT_SCHEDULE["weekly-digest"]
    assert entry["task"] == weekly_digest_task.name == "inbox.reports.weekly_digest"
    assert entry["schedule"] == crontab(minute=0)
    assert settings.CELERY_TIMEZONE == "Europe/Oslo"
    assert settings.CELERY_TASK_ROUTES["inbox.reports.weekly_digest"] == {"queue": "default"}


# --- Who gets it, once ---------------------------------------------------------------------


@pytest.fixture
def readers(ingrid, lars, ola):
    """Ingrid (communication unit) and Lars (manager) get it; Ola (employee) and these three not."""
    managers = Group.objects.get(name=roles.MANAGER)
    opted_out = UserFactory(username="siri")
    NotificationPreference.objects.create(user=opted_out, weekly_digest=False)
    no_address = UserFactory(username="per", email="")
    gone = UserFactory(username="tone", is_active=False)
    for user in (opted_out, no_address, gone):
        user.groups.add(managers)
    return ingrid, lars


def test_managers_and_the_communication_unit_get_it_and_nobody_else(readers, mailoutbox):
    with time_machine.travel(NOW, tick=False):
        assert send_weekly_digest() == 2

    assert sorted(email.to[0] for email in mailoutbox) == ["ingrid@bedriften.example", "lars@bedriften.example"]
    assert set(DigestSent.objects.values_list("user__username", "week_start")) == {
        ("ingrid", WEEK.first),
        ("lars", WEEK.first),
    }


def test_it_is_sent_once_however_often_the_task_runs(readers, mailoutbox):
    with time_machine.travel(NOW, tick=False):
        assert weekly_digest_task() == 2
        assert weekly_digest_task() == 0
    with time_machine.travel(NOW + timedelta(hours=3), tick=False):
        assert send_weekly_digest() == 0

    assert len(mailoutbox) == 2


def test_nothing_goes_before_the_digest_is_due(readers, mailoutbox):
    for moment in (at(date(2026, 6, 1), 7, 59), at(date(2026, 5, 25), 8), at(date(2026, 5, 26), 7)):
        with time_machine.travel(moment, tick=False):
            assert send_weekly_digest() == 0
    assert mailoutbox == []
    assert not DigestSent.objects.exists()


def test_a_digest_missed_at_eight_goes_at_the_next_hour_the_task_runs(readers, mailoutbox):
    # Beat was down on Monday morning; it is back on Tuesday at ten.
    with time_machine.travel(at(date(2026, 6, 2), 10), tick=False):
        assert weekly_digest_task() == 2
    with time_machine.travel(at(date(2026, 6, 2), 11), tick=False):
        assert weekly_digest_task() == 0

    assert len(mailoutbox) == 2
    assert {email.subject for email in mailoutbox} == {f"[socialstrategy] {digest.subject(WEEK)}"}
    assert set(DigestSent.objects.values_list("week_start", flat=True)) == {WEEK.first}


def test_someone_who_may_read_the_reports_since_monday_gets_that_weeks_digest(readers, mailoutbox):
    with time_machine.travel(NOW, tick=False):
        assert send_weekly_digest() == 2
    newcomer = UserFactory(username="kari", email="kari@bedriften.example")
    newcomer.groups.add(Group.objects.get(name=roles.MANAGER))

    with time_machine.travel(at(date(2026, 6, 3), 9), tick=False):
        assert send_weekly_digest() == 1
    with time_machine.travel(at(date(2026, 6, 8), 7), tick=False):  # the week after, before its digest
        assert send_weekly_digest() == 0

    assert [email.to[0] for email in mailoutbox[2:]] == ["kari@bedriften.example"]


def test_a_send_that_failed_is_sent_on_the_retry(readers, mailoutbox, monkeypatch):
    ingrid, lars = readers
    real_send = EmailMultiAlternatives.send

    def refused(message, *args, **kwargs):
        if message.to == [lars.email]:
            raise ConnectionRefusedError("the mail server is away")
        return real_send(message, *args, **kwargs)

    monkeypatch.setattr(EmailMultiAlternatives, "send", refused)
    with time_machine.travel(NOW, tick=False), pytest.raises(ConnectionRefusedError):
        send_weekly_digest()
    assert list(DigestSent.objects.values_list("user__username", flat=True)) == ["ingrid"]

    monkeypatch.setattr(EmailMultiAlternatives, "send", real_send)
    with time_machine.travel(NOW + timedelta(minutes=1), tick=False):
        assert send_weekly_digest() == 1
    assert [email.to for email in mailoutbox] == [[ingrid.email], [lars.email]]


# --- What it says --------------------------------------------------------------------------


@pytest.fixture
def fortnight(db):
    """Two weeks of posts on two channels, with every outcome: the digest's week and the one before."""
    facebook, x = ChannelFactory(name="Facebook"), ChannelFactory(name="X", platform="x")
    made = 0

    def post(channel, published, *, must=True, due_hours=4, answer_minutes=None, status="open", reason=""):
        nonlocal made
        made += 1
        answered = published + timedelta(minutes=answer_minutes) if answer_minutes is not None else None
        Post.objects.create(
            channel=channel,
            external_id=f"p{made}",
            kind="comment",
            text="x",
            published_at=published,
            received_at=published,
            must_reply=must,
            due_at=published + timedelta(hours=due_hours) if must else None,
            first_response_at=answered,
            status="answered" if answered else status,
            close_reason=reason,
        )

    for week, extra in ((WEEK, 2), (WEEK.before(), 0)):
        for offset in range(7):
            day = week.first + timedelta(days=offset)
            post(facebook, at(day, 9), answer_minutes=30 + 10 * offset)  # on time
            post(facebook, at(day, 10), answer_minutes=300)  # late
            post(x, at(day, 11), must=False)
            for n in range(extra):
                post(x, at(day, 12, n), answer_minutes=90)
        post(facebook, at(week.first + timedelta(days=2), 13), status="closed", reason="spam")
        post(x, at(week.first + timedelta(days=3), 14), status="closed", reason="no_reply_needed")
        post(x, at(week.last, 15))  # breached: due Sunday 19:00, no reply
    post(facebook, at(WEEK.first - timedelta(days=20), 9))  # long before: in neither week
    with time_machine.travel(NOW, tick=False):
        rollups.rebuild(WEEK.before().first, WEEK.last)
    return facebook, x


def _line(body: str, label: str) -> str:
    found = re.search(rf"^{re.escape(label)}: (.+)$", body, re.MULTILINE)
    assert found, f"no line {label!r} in:\n{body}"
    return found.group(1)


def test_the_digests_totals_are_the_dashboards_for_the_same_week(fortnight, readers, client, mailoutbox, settings):
    _ingrid, lars = readers
    settings.LANGUAGE_CODE = "en"  # the labels parsed below, whatever the catalogue says
    settings.SITE_URL = "https://sosiale.example/"
    rendered = []

    def keep(sender, template, context, **kwargs):
        if template.name == "inbox/reports/email/digest.txt":
            rendered.append(context.flatten())

    template_rendered.connect(keep)
    try:
        with time_machine.travel(NOW, tick=False):
            send_weekly_digest()
            client.force_login(lars)
            page = client.get(
                reverse("reports:dashboard"),
                {"period": "custom", "start": WEEK.first.isoformat(), "end": WEEK.last.isoformat()},
            )
    finally:
        template_rendered.disconnect(keep)

    assert page.status_code == 200
    total, previous = page.context["total"], page.context["previous"]
    assert total.posts == 7 * 5 + 3 and total.breached == 1 and total.late == 7  # the data are what they seem
    # What the email was rendered with is the dashboard's, figure for figure.
    assert len(rendered) == 2
    assert rendered[0]["total"] == total
    assert rendered[0]["previous"] == previous

    # And what it says, in words.
    [email] = [email for email in mailoutbox if email.to == [lars.email]]
    body = email.body
    with translation.override("en"):
        assert _line(body, "Posts") == f"{total.posts} (before: {previous.posts})"
        assert _line(body, "Must reply") == f"{total.must_reply} (before: {previous.must_reply})"
        assert _line(body, "Answered") == f"{total.answered} (before: {previous.answered})"
        assert _line(body, "Late") == f"{total.late} (before: {previous.late})"
        assert _line(body, "Breached, unanswered") == f"{total.breached} (now)"
        assert (
            _line(body, "Closed without a reply")
            == f"{total.handled_without_reply} (before: {previous.handled_without_reply})"
        )
        assert _line(body, "Answered on time").startswith(
            f"{percent(total.on_time_rate)} (before: {percent(previous.on_time_rate)}"
        )
        assert _line(body, "Median (p50)") == f"{seconds(total.p50)} / {seconds(total.service_p50)}"
        assert _line(body, "90th percentile (p90)") == f"{seconds(total.p90)} / {seconds(total.service_p90)}"
        # By channel, as the dashboard's table.
        by_channel = {row["label"]: row["figures"] for row in page.context["tables"][0]["rows"]}
        for name, part in by_channel.items():
            line = _line(body, name)
            assert line.startswith(
                f"Posts {part.posts} · Must reply {part.must_reply} · On time {part.answered_on_time}"
            )
            assert f"Breached {part.breached} · On-time rate {percent(part.on_time_rate)}" in line
    assert set(by_channel) == {"Facebook", "X"}

    # The link opens the dashboard for exactly that week.
    link = "https://sosiale.example/reports/?period=custom&start=2026-05-25&end=2026-05-31"
    assert link in body
    html, kind = email.alternatives[0]
    assert kind == "text/html"
    assert link.replace("&", "&amp;") in html
    assert "Facebook" in html and percent(total.on_time_rate) in html
    assert "https://sosiale.example/notifications/" in body


def test_it_is_written_in_the_installations_language(readers, mailoutbox):
    with time_machine.travel(NOW, tick=False):
        send_weekly_digest()
    # Without a language of their own, people get bokmål (the month names are Django's own).
    assert "25. mai" in mailoutbox[0].subject and "31. mai 2026" in mailoutbox[0].subject
    assert digest.language_of(readers[0]) == "nb"


def test_a_week_without_posts_says_so(readers, mailoutbox, settings):
    settings.LANGUAGE_CODE = "en"
    with time_machine.travel(NOW, tick=False):
        send_weekly_digest()
    assert "No posts in this period." in mailoutbox[0].body
    assert "Posts: 0 (before: 0)" in mailoutbox[0].body


# --- The opt-out ---------------------------------------------------------------------------


def test_those_who_read_the_reports_can_turn_it_off_and_on(client, lars, ingrid, mailoutbox):
    client.force_login(lars)
    page = client.get(reverse("notifications")).content.decode()
    assert re.search(r'<input type="checkbox" name="weekly_digest"[^>]* checked', page)

    client.post(reverse("notification-preference"), {"email_kinds": ["breach"]})  # unticked

    preference = NotificationPreference.objects.get(user=lars)
    assert (preference.weekly_digest, preference.email_kinds) == (False, ["breach"])
    page = client.get(reverse("notifications")).content.decode()
    assert re.search(r'<input type="checkbox" name="weekly_digest"(?![^>]* checked)[^>]*>', page)
    with time_machine.travel(NOW, tick=False):
        send_weekly_digest()
    assert [email.to for email in mailoutbox] == [[ingrid.email]]

    client.post(reverse("notification-preference"), {"email_kinds": ["breach"], "weekly_digest": "on"})
    assert NotificationPreference.objects.get(user=lars).weekly_digest is True


def test_employees_are_not_offered_it(client, ola):
    client.force_login(ola)
    page = client.get(reverse("notifications")).content.decode()
    assert 'name="weekly_digest"' not in page

    client.post(reverse("notification-preference"), {"email_kinds": ["forwarded"], "weekly_digest": "on"})
    preference = NotificationPreference.objects.get(user=ola)
    assert preference.email_kinds == ["forwarded"]
