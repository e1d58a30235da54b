"""
One day's posts counted by the database (`counting.tally_day`, today's figures and every
day of a rebuild) against the same posts counted row by row (`counting.tally_by_key`):
every count, both histograms and the hours agree exactly, per full key, whatever the
policies, the kind of day, the summer-time changes, answers the same day, on later
days, before publication or never.
"""

import random
from datetime import date, datetime, time, timedelta

import pytest

from inbox.models import Post
from inbox.reports import counting
from inbox.reports.metrics import OSLO
from inbox.triage import rulebook
from strategy.models import ResponsePolicy
from tests.factories import AuthorFactory, ChannelFactory, TargetGroupFactory, TeamFactory

DAYS = [
    date(2026, 5, 20),  # a Wednesday
    date(2026, 5, 16),  # a Saturday
    date(2026, 5, 17),  # Constitution Day (a Sunday) ...
    date(2026, 5, 14),  # ... and Ascension Day, a public holiday on a Thursday
    date(2026, 3, 29),  # summer time begins: a day of 23 hours
    date(2026, 10, 25),  # and ends: 25 hours
    date(2026, 12, 24),  # Christmas Eve, a working day
]


@pytest.fixture
def posts(db, django_user_model):
    chance = random.Random(31)
    facebook, x = ChannelFactory(name="Facebook"), ChannelFactory(name="X", platform="x")
    # Three policies besides the default: one channel's, one priority's, and the two together.
    policy = {"promptly_hours": 4, "on_duty_start": time(10), "on_duty_end": time(18)}
    ResponsePolicy.objects.create(channel=x, working_start=time(7), working_end=time(15, 30), **policy)
    ResponsePolicy.objects.create(priority="urgent", working_start=time(6), working_end=time(22), **policy)
    ResponsePolicy.objects.create(
        channel=facebook, priority="low", working_start=time(9, 15), working_end=time(14), **policy
    )
    rulebook._tables.clear()
    teams = [TeamFactory(), None]
    authors = [AuthorFactory(target_group=TargetGroupFactory()), AuthorFactory(target_group=None)]
    people = [django_user_model.objects.create(username="kari"), None]
    codes = ["product_question", "technical_problem", "dissatisfied_customer"]
    made = []
    for day in DAYS:
        start = datetime.combine(day, time(0), tzinfo=OSLO)
        length = datetime.combine(day + timedelta(days=1), time(0), tzinfo=OSLO) - start
        for n in range(80):
            published = start + timedelta(seconds=chance.uniform(0, length.total_seconds() - 1))
            must = chance.random() < 0.7
            answered = None
            fate = chance.random()
            if must and fate < 0.5:  # the same day, within minutes or hours
                answered = published + timedelta(seconds=chance.expovariate(1 / chance.choice([120, 1800, 14400])))
            elif must and fate < 0.65:  # days later
                answered = published + timedelta(hours=chance.uniform(20, 200))
            elif must and fate < 0.7:  # a clock that was wrong: before it was published
                answered = published - timedelta(minutes=5)
            status = "answered" if answered else chance.choice(["open", "closed", "closed"])
            made.append(
                Post(
                    channel=chance.choice([facebook, x]),
                    external_id=f"{day}-{n}",
                    kind="comment",
                    author=(author := chance.choice(authors)),
                    target_group=author.target_group,
                    text="x",
                    published_at=published,
                    received_at=published,
                    must_reply=must,
                    needs_look=must and chance.random() < 0.2,
                    due_at=published + timedelta(hours=chance.choice([1, 4, 30])) if chance.random() < 0.9 else None,
                    first_response_at=answered,
                    first_responder=chance.choice(people) if answered else None,
                    status=status,
                    close_reason=chance.choice(["no_reply_needed", "spam", "answered_elsewhere", ""])
                    if status == "closed"
                    else "",
                    categories=chance.sample(codes, chance.randint(0, 2)),
                    priority=chance.choice(["urgent", "high", "normal", "low"]),
                    team=chance.choice(teams),
                )
            )
    Post.objects.bulk_create(made)
    yield
    rulebook._tables.clear()


def as_plain(tallies: dict) -> dict:
    return {key: vars(part) for key, part in tallies.items()}


@pytest.mark.parametrize("day", DAYS, ids=str)
def test_a_day_counted_by_the_database_equals_the_rows_counted_one_by_one(posts, day):
    incoming = counting.incoming(day, day)
    by_rows = counting.tally_by_key(incoming)
    assert sum(part.posts for part in by_rows.values()) == 80
    assert sum(sum(part.service) for part in by_rows.values()) > 20  # answers to compare
    assert as_plain(counting.tally_day(incoming, day)) == as_plain(by_rows)


def test_one_channel_and_an_empty_day(posts):
    day = DAYS[0]
    x = Post.objects.filter(channel__name="X").values_list("channel_id", flat=True).first()
    incoming = counting.incoming(day, day, x)
    assert as_plain(counting.tally_day(incoming, day)) == as_plain(counting.tally_by_key(incoming))
    empty = date(2026, 6, 1)
    assert counting.tally_day(counting.incoming(empty, empty), empty) == {}


def test_the_days_statement_is_written_once_and_again_when_a_policy_changes(posts):
    day = DAYS[0]
    incoming = counting.incoming(day, day)
    counting._STATEMENTS.clear()
    first = as_plain(counting.tally_day(incoming, day))
    assert len(counting._STATEMENTS) == 1
    # The same day again: the statement kept, not written again; the same figures.
    (kept,) = counting._STATEMENTS.values()
    again = as_plain(counting.tally_day(counting.incoming(day, day), day))
    assert next(iter(counting._STATEMENTS.values())) is kept
    assert again == first
    assert len(counting._STATEMENTS) == 1
    # Another channel's posts and another day each have a statement of their own.
    x = Post.objects.filter(channel__name="X").values_list("channel_id", flat=True).first()
    counting.tally_day(counting.incoming(day, day, x), day)
    counting.tally_day(counting.incoming(DAYS[1], DAYS[1]), DAYS[1])
    assert len(counting._STATEMENTS) == 3
    # Shorter working hours on X: a statement of the new windows, counted as the rows are.
    ResponsePolicy.objects.filter(channel__name="X").update(working_start=time(11), working_end=time(12))
    rulebook._tables.clear()
    changed = as_plain(counting.tally_day(incoming, day))
    assert changed == as_plain(counting.tally_by_key(incoming))
    assert changed != first
    assert len(counting._STATEMENTS) == 4


def test_the_statements_kept_are_the_latest_few(posts):
    counting._STATEMENTS.clear()
    days = [DAYS[0] + timedelta(days=n) for n in range(counting.STATEMENTS_KEPT + 3)]
    for day in days:
        counting.tally_day(counting.incoming(day, day), day)
    assert len(counting._STATEMENTS) == counting.STATEMENTS_KEPT
    assert {key[3] for key in counting._STATEMENTS} == set(days[3:])


def test_merging_adds_every_count_every_bucket_and_every_hour():
    from inbox.reports.metrics import SLOTS, Tally

    one = Tally(
        **{name: n + 1 for n, name in enumerate(Tally.COUNTS)},
        response=list(range(SLOTS)),
        service=[2] * SLOTS,
        hours=list(range(24)),
    )
    other = Tally(**dict.fromkeys(Tally.COUNTS, 10), response=[1] * SLOTS, service=[3] * SLOTS, hours=[1] * 24)
    merged = Tally().merge(one).merge(other)
    assert {name: getattr(merged, name) for name in Tally.COUNTS} == {
        name: n + 11 for n, name in enumerate(Tally.COUNTS)
    }
    assert merged.response == [n + 1 for n in range(SLOTS)]
    assert merged.service == [5] * SLOTS
    assert merged.hours == [n + 1 for n in range(24)]
    # Added up column by column, as a year's days are: the same, and the parts are left as they were.
    assert Tally.total([one, other]) == merged
    assert Tally.total([one]) == one and Tally.total([one]) is not one
    assert Tally.total([]) == Tally()
    assert one.posts == 1 and other.posts == 10
    # A histogram stored with fewer buckets (an older rollup) merges as zeros in the rest.
    assert Tally().merge(Tally(response=[1, 2])).response == [1, 2] + [0] * (SLOTS - 2)


def test_a_tally_is_the_same_through_its_flat_list():
    from inbox.reports.metrics import SLOTS, Tally

    one = Tally(
        **{name: n + 1 for n, name in enumerate(Tally.COUNTS)},
        response=list(range(SLOTS)),
        service=[2] * SLOTS,
        hours=list(range(24)),
    )
    assert Tally.from_flat(one.flat()) == one
    assert len(one.flat()) == len(Tally.COUNTS) + 2 * SLOTS + 24
