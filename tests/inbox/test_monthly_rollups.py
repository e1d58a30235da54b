"""
Monthly rollups (#13): a long period reads its whole months from one row a month and
the days left over from the daily rows, and comes out as the posts themselves say; a
day computed again (a late answer) computes its month again.
"""

import random
from datetime import date, datetime, time, timedelta
from importlib import import_module
from types import SimpleNamespace

import pytest
import time_machine
from django.apps import apps as django_apps
from django.db import connection

from inbox.models import MonthlyRollup, MonthlyTermRollup, Post
from inbox.reports import counting, rollups
from inbox.reports.metrics import OSLO, Tally, figures_by, oslo_day
from inbox.reports.rollups import split_months
from inbox.reports.selectors import BY_KEY, feedback, report
from tests.factories import AuthorFactory, ChannelFactory, TargetGroupFactory, TeamFactory

NOW = datetime(2026, 6, 3, 15, 0, tzinfo=OSLO)
TODAY = NOW.date()
FIRST = date(2026, 2, 20)  # the history: the end of February, March, April, May and two days of June
WORDS = ["betalingen", "appen", "leveringen", "kundeservice", "passordet"]


@pytest.mark.parametrize("seed", range(30))
def test_a_period_is_its_whole_months_and_the_days_left_over(seed):
    chance = random.Random(seed)
    first = date(2025, 1, 1) + timedelta(days=chance.randint(0, 700))
    last = first + timedelta(days=chance.randint(0, 500))
    months, loose = split_months(first, last)
    days = []
    for month in months:
        assert month.day == 1 and rollups.month_last(month) <= last
        days += [month + timedelta(days=n) for n in range((rollups.month_last(month) - month).days + 1)]
    for start, end in loose:
        assert not any(start <= month <= end for month in months)
        days += [start + timedelta(days=n) for n in range((end - start).days + 1)]
    assert sorted(days) == [first + timedelta(days=n) for n in range((last - first).days + 1)]
    assert len(loose) <= 2


@pytest.fixture
def history(db):
    chance = random.Random(5)
    channels = [ChannelFactory(name="Facebook"), ChannelFactory(name="X", platform="x")]
    teams = [TeamFactory(), None]
    authors = [AuthorFactory(target_group=TargetGroupFactory()), AuthorFactory(target_group=None)]
    made = []
    day = FIRST
    while day < TODAY:
        for n in range(chance.randint(3, 8)):
            published = datetime.combine(day, time(chance.randint(0, 23), chance.randint(0, 59)), tzinfo=OSLO)
            must = chance.random() < 0.7
            answered = published + timedelta(minutes=chance.choice([5, 90, 900, 3000])) if must else None
            if answered and (chance.random() < 0.2 or answered > NOW):
                answered = None
            made.append(
                Post(
                    channel=chance.choice(channels),
                    external_id=f"{day}-{n}",
                    kind="comment",
                    author=(author := chance.choice(authors)),
                    target_group=author.target_group,
                    text=" ".join(chance.sample(WORDS, 2)),
                    published_at=published,
                    received_at=published,
                    must_reply=must,
                    due_at=published + timedelta(hours=chance.choice([2, 8])) if must else None,
                    first_response_at=answered,
                    status="answered" if answered else chance.choice(["open", "closed"]),
                    close_reason="spam" if not answered and chance.random() < 0.5 else "",
                    categories=chance.sample(["technical_problem", "dissatisfied_customer", "product_question"], 1),
                    priority=chance.choice(["high", "normal"]),
                    team=chance.choice(teams),
                )
            )
        day += timedelta(days=1)
    Post.objects.bulk_create(made)
    with time_machine.travel(NOW, tick=False):
        rollups.rebuild(FIRST, TODAY - timedelta(days=1))
    return channels


def raw_cuts(first, last, channel=None):
    """Each dimension's figures straight from the posts (no rollups)."""
    from inbox.reports.metrics import DIMENSIONS

    by_key = counting.tally_by_key(counting.incoming(first, last, channel))
    cuts = {}
    for name in BY_KEY:
        parts = {}
        for key, part in by_key.items():
            for value in DIMENSIONS[name](key):
                parts.setdefault(value, Tally()).merge(part)
        cuts[name] = figures_by(parts, [], name)
    return cuts


def counts(cut: dict) -> dict:
    return {
        value: (found.posts, found.must_reply, found.answered, found.answered_on_time, found.spam)
        for value, found in cut.items()
    }


@pytest.mark.parametrize("channel", [None, 0], ids=["all channels", "one channel"])
def test_whole_months_come_from_their_rows_and_agree_with_the_posts(history, channel):
    channel = history[channel].pk if channel is not None else None
    assert set(MonthlyRollup.objects.values_list("month", flat=True)) == {
        date(2026, 2, 1),
        date(2026, 3, 1),
        date(2026, 4, 1),
        date(2026, 5, 1),
        date(2026, 6, 1),
    }
    first, last = date(2026, 2, 25), TODAY - timedelta(days=1)  # March to May whole, days either side
    with time_machine.travel(NOW, tick=False):
        found = report(first, last, now=NOW, channel=channel)
    raw = raw_cuts(first, last, channel)
    for name in ("category", "priority", "team", "target_group", "person"):
        assert counts(found.by[name]) == counts(raw[name]), name


def test_a_late_answer_in_an_old_month_is_counted_in_its_month(history):
    first, last = date(2026, 3, 1), date(2026, 4, 30)
    with time_machine.travel(NOW, tick=False):
        before = report(first, last, now=NOW).by["priority"]
        old = Post.objects.filter(
            published_at__gte=datetime(2026, 3, 10, tzinfo=OSLO),
            published_at__lt=datetime(2026, 3, 31, tzinfo=OSLO),
            must_reply=True,
            first_response_at__isnull=True,
        ).first()
        old.first_response_at = old.published_at + timedelta(days=3)
        old.status = "answered"
        old.save()
        rollups.compute_days([oslo_day(old.published_at)])
        after = report(first, last, now=NOW).by["priority"]
    assert after[old.priority].answered == before[old.priority].answered + 1
    assert after[old.priority].late == before[old.priority].late + 1


def test_the_words_of_whole_months_come_from_their_rows(history):
    first, last = date(2026, 3, 1), date(2026, 5, 31)
    assert MonthlyTermRollup.objects.filter(month=date(2026, 4, 1)).exists()
    words = feedback(first, last, today=TODAY)["technical_problem"].terms
    expected = {}
    for text in Post.objects.filter(
        published_at__gte=datetime.combine(first, time(0), tzinfo=OSLO),
        published_at__lt=datetime.combine(last + timedelta(days=1), time(0), tzinfo=OSLO),
        categories__icontains="technical_problem",
    ).values_list("text", flat=True):
        for word in set(text.split()):
            expected[word] = expected.get(word, 0) + 1
    assert dict(words) == expected


def test_the_themes_of_whole_months_come_from_their_rows_and_the_migration_sums_them(history):
    from inbox.models import FeedbackRollup, MonthlyFeedbackRollup
    from inbox.reports.rollups import compute_months

    first, last = date(2026, 2, 25), date(2026, 5, 31)  # March and April whole, days either side
    assert MonthlyFeedbackRollup.objects.filter(month=date(2026, 4, 1)).exists()
    by_days = {}
    for category, theme, posts in FeedbackRollup.objects.filter(day__gte=first, day__lte=last).values_list(
        "category", "theme_id", "posts"
    ):
        by_days[(category, theme)] = by_days.get((category, theme), 0) + posts
    # Whole months are read from their rows: without April's daily rows the figures stay.
    FeedbackRollup.objects.filter(day__gte=date(2026, 4, 1), day__lte=date(2026, 4, 30)).delete()
    found = feedback(first, last, today=TODAY)
    assert {
        (category, theme): count for category, part in found.items() for theme, count in part.themes.items()
    } == by_days
    assert sum(by_days.values()) > 0
    # The migration's sums of the days already computed are the rebuild's.
    rollups.rebuild(date(2026, 4, 1), date(2026, 4, 30))
    rebuilt = set(MonthlyFeedbackRollup.objects.values_list("month", "channel_id", "category", "theme_id", "posts"))
    MonthlyFeedbackRollup.objects.all().delete()
    migration = import_module("inbox.migrations.0020_monthly_feedback_rollup")
    migration.sum_the_months(django_apps, SimpleNamespace(connection=connection))
    assert set(MonthlyFeedbackRollup.objects.values_list("month", "channel_id", "category", "theme_id", "posts")) == (
        rebuilt
    )
    compute_months([date(2026, 4, 1)])
    assert set(MonthlyFeedbackRollup.objects.values_list("month", "channel_id", "category", "theme_id", "posts")) == (
        rebuilt
    )


def test_a_run_takes_the_marked_days_newest_first_until_its_time_is_spent(history):
    from inbox.models import DailyRollup, RollupDay

    old = [date(2026, 3, 2), date(2026, 3, 3), date(2026, 3, 4)]
    with time_machine.travel(NOW, tick=False):
        DailyRollup.objects.filter(day__in=old).delete()
        rollups.mark_days(old)
        # No time at all: the recent days are computed, the marked ones wait.
        rollups.recompute_recent(seconds=0)
        assert set(RollupDay.objects.values_list("day", flat=True)) == set(old)
        assert DailyRollup.objects.filter(day=TODAY - timedelta(days=1)).exists()
        # Time for them: all three, and their month with them.
        MonthlyRollup.objects.filter(month=date(2026, 3, 1)).delete()
        rollups.recompute_recent()
    assert not RollupDay.objects.exists()
    assert set(DailyRollup.objects.filter(day__in=old).values_list("day", flat=True)) == set(old)
    assert MonthlyRollup.objects.filter(month=date(2026, 3, 1)).exists()


def test_the_migration_gives_every_older_post_its_authors_target_group(db):
    import importlib
    from types import SimpleNamespace

    from django.apps import apps
    from django.db import connection

    from tests.factories import PostFactory

    copy_groups = importlib.import_module("inbox.migrations.0018_post_target_group").copy_groups
    customers = TargetGroupFactory()
    grouped, other = AuthorFactory(target_group=customers), AuthorFactory(target_group=None)
    channel = ChannelFactory()
    posts = [PostFactory(channel=channel, author=grouped, target_group=None) for _ in range(3)]
    posts.append(PostFactory(channel=channel, author=other))
    copy_groups(apps, SimpleNamespace(connection=connection))
    assert [Post.objects.get(pk=post.pk).target_group_id for post in posts] == [customers.pk] * 3 + [None]


def test_todays_themes_are_counted_at_once_and_its_words_every_minute(db):
    channel = ChannelFactory()
    now = datetime(2026, 6, 3, 15, 0, tzinfo=OSLO)
    with time_machine.travel(now, tick=False):
        Post.objects.create(
            channel=channel,
            external_id="today",
            kind="comment",
            text="Betalingen feiler i appen",
            published_at=now - timedelta(hours=1),
            received_at=now - timedelta(hours=1),
            categories=["technical_problem"],
        )
        before = feedback(TODAY, TODAY, today=TODAY)["technical_problem"]
        assert (before.posts, before.themes, dict(before.terms)) == (1, {None: 1}, {})
        rollups.recompute_recent()
        after = feedback(TODAY, TODAY, today=TODAY)["technical_problem"]
    assert (after.posts, dict(after.terms)) == (1, {"betalingen": 1, "feiler": 1, "appen": 1})


def test_a_days_themes_and_own_content_are_counted_by_the_database(db):
    from collections import Counter

    from inbox.models import OutboxMessage
    from strategy.models import Theme

    channel, other = ChannelFactory(), ChannelFactory()
    offers = Theme.objects.create(slug="offers", name="Offers")
    day = TODAY - timedelta(days=1)
    day_start = datetime.combine(day, time(0), tzinfo=OSLO)

    def post(external_id, hour, channel=channel, **fields):
        published = (
            datetime.combine(day, time(hour), tzinfo=OSLO) if hour is not None else day_start - timedelta(minutes=1)
        )
        return Post.objects.create(
            channel=channel, external_id=external_id, published_at=published, received_at=published, **fields
        )

    both = post("both", 9, kind="comment", categories=["dissatisfied_customer", "technical_problem"], theme=offers)
    post("problem", 10, kind="comment", categories=["technical_problem"])
    post("question", 11, kind="comment", categories=["product_question"], theme=offers)
    post("elsewhere", 12, channel=other, kind="comment", categories=["technical_problem"], theme=offers)
    post("the-day-before", None, kind="comment", categories=["technical_problem"])
    assert rollups.themes_of(counting.incoming(day, day)) == Counter(
        {
            (channel.pk, "dissatisfied_customer", offers.pk): 1,
            (channel.pk, "technical_problem", offers.pk): 1,
            (channel.pk, "technical_problem", None): 1,
            (other.pk, "technical_problem", offers.pk): 1,
        }
    )
    # Ours: a reply under a post, a comment, a publication; one the outbox sent (counted as sent), one on another day.
    post("our-reply", 13, kind="post", is_ours=True, parent=both)
    post("our-comment", 14, kind="comment", is_ours=True)
    post("our-news", 15, kind="post", is_ours=True)
    post("sent-here", 16, kind="comment", is_ours=True)
    sent = datetime.combine(day, time(16), tzinfo=OSLO)
    OutboxMessage.objects.create(
        channel=channel, action="reply", text="Takk!", status="sent", sent_at=sent, external_id="sent-here"
    )
    OutboxMessage.objects.create(
        channel=channel, action="publish", text="Nyhet", status="sent", sent_at=sent, external_id="news-here"
    )
    OutboxMessage.objects.create(
        channel=other, action="reply", text="Hei", status="sent", sent_at=sent + timedelta(days=1), external_id="x"
    )
    OutboxMessage.objects.create(channel=channel, action="reply", text="Feilet", status="failed", external_id="")
    assert rollups.own_content_of(day, day) == {(day, channel.pk): [3, 2]}
