"""
The dashboards' figures (#13): the pure definitions, the daily rollups against the raw
posts, late answers and changed days computed again, and the API's summary.
"""

import html
import random
import re
from datetime import date, datetime, time, timedelta

import pytest
import time_machine
from django.urls import reverse

from inbox.models import DailyRollup, Post, RollupDay
from inbox.reports import counting, metrics, rollups
from inbox.reports.metrics import BUCKETS, OSLO, PostRow, Tally, bucket_of, exact_percentile, figures, percentile
from inbox.reports.selectors import report
from tests.factories import AuthorFactory, ChannelFactory, PostFactory, TargetGroupFactory, TeamFactory

# "Now" in these tests: a Thursday afternoon, with ten days of history behind it.
NOW = datetime(2026, 5, 21, 14, 0, tzinfo=OSLO)
TODAY = NOW.date()


def at(day: date, hour: int, minute: int = 0) -> datetime:
    return datetime.combine(day, time(hour, minute), tzinfo=OSLO)


def row(published, *, due=None, answered=None, must=True, status="open", reason="", look=False) -> PostRow:
    return PostRow(published, must, look, due, answered, status, reason)


# --- The definitions -------------------------------------------------------------------


def test_answered_on_time_late_waiting_breached_and_handled_without_a_reply():
    day = date(2026, 5, 13)
    due = at(day, 16)
    rows = [
        row(at(day, 9), due=due, answered=at(day, 10), status="answered"),  # on time
        row(at(day, 9), due=due, answered=due, status="answered"),  # at the deadline: on time
        row(at(day, 9), due=due, answered=at(day, 17), status="answered"),  # late
        row(at(day, 9), due=due, status="closed", reason="spam"),
        row(at(day, 9), due=due, status="closed", reason="no_reply_needed", look=True),
        row(at(day, 9), must=False),
    ]
    total = metrics.tally(rows)
    now = at(day, 15)
    waiting = [metrics.Waiting.post((day,), at(day, 12), now), metrics.Waiting.post((day,), at(day, 18), now)]

    found = figures(total, waiting)

    assert (found.posts, found.must_reply, found.needs_look) == (6, 5, 1)
    assert (found.answered, found.answered_on_time, found.late) == (3, 2, 1)
    assert (found.waiting, found.breached) == (2, 1)
    assert (found.spam, found.no_reply_needed, found.handled_without_reply) == (1, 1, 2)
    # On time / (answered + breached): the spam and the no-reply-needed are neither.
    assert found.on_time_rate == pytest.approx(2 / 4)


def test_an_empty_period_has_no_rate_and_no_times():
    found = figures(Tally(), [])
    assert (found.on_time_rate, found.p50, found.p90, found.service_p50) == (None, None, None, None)


@pytest.mark.parametrize("seed", range(20))
def test_a_percentile_from_the_histogram_falls_in_the_true_values_bucket(seed):
    chance = random.Random(seed)
    values = [chance.expovariate(1 / chance.choice([600, 3600, 20000])) for _ in range(chance.randint(1, 400))]
    histogram = [0] * metrics.SLOTS
    for value in values:
        histogram[bucket_of(value)] += 1
    for share in (0.5, 0.9):
        assert bucket_of(percentile(histogram, share)) == bucket_of(exact_percentile(values, share))


def test_a_time_slower_than_a_week_is_in_the_last_bucket():
    histogram = [0] * metrics.SLOTS
    histogram[bucket_of(30 * 86400)] += 1
    assert percentile(histogram, 0.5) == BUCKETS[-1]


def test_day_types():
    assert metrics.day_type(date(2026, 5, 13)) == "weekday"
    assert metrics.day_type(date(2026, 5, 16)) == "weekend"
    assert metrics.day_type(date(2026, 5, 14)) == "holiday"  # Ascension Day


# --- The rollups against the posts ---------------------------------------------------------


@pytest.fixture
def history(db):
    """Ten days of posts on two channels, with every outcome, and some today."""
    chance = random.Random(13)
    channels = [ChannelFactory(name="Facebook"), ChannelFactory(name="X", platform="x")]
    teams = [TeamFactory(), TeamFactory(), None]
    groups = [TargetGroupFactory(), None]
    codes = ["product_question", "technical_problem", "dissatisfied_customer", "negative"]
    authors = {group: AuthorFactory(target_group=group) for group in groups}
    posts = []
    for offset in range(10, -1, -1):
        day = TODAY - timedelta(days=offset)
        for n in range(chance.randint(15, 30)):
            published = at(day, chance.randint(0, 23), chance.randint(0, 59))
            if offset == 0 and published > NOW:
                published = NOW - timedelta(minutes=n + 1)
            must = chance.random() < 0.6
            due = published + timedelta(hours=chance.choice([1, 3, 6, 30])) if must else None
            answered, status, reason = None, "open", ""
            fate = chance.random()
            if must and fate < 0.6:
                answered = published + timedelta(seconds=chance.expovariate(1 / chance.choice([900, 7200, 40000])))
                if answered > NOW:
                    answered = None
                else:
                    status = "answered"
            elif must and fate < 0.8:
                status, reason = "closed", chance.choice(["no_reply_needed", "spam", "answered_elsewhere"])
            posts.append(
                Post(
                    channel=chance.choice(channels),
                    external_id=f"p{len(posts)}",
                    kind="comment",
                    author=(author := authors[chance.choice(groups)]),
                    target_group=author.target_group,
                    text="x",
                    published_at=published,
                    received_at=published,
                    must_reply=must,
                    needs_look=must and chance.random() < 0.1,
                    due_at=due,
                    first_response_at=answered,
                    status=status,
                    close_reason=reason,
                    categories=chance.sample(codes, chance.randint(0, 2)),
                    priority=chance.choice(["urgent", "normal", "low"]),
                    team=chance.choice(teams),
                )
            )
    Post.objects.bulk_create(posts)
    return channels


def raw_figures(first, last, now, channel=None):
    """The same period straight from the posts: no rollups at all."""
    by_key = counting.tally_by_key(counting.incoming(first, last, channel))
    total = Tally()
    for part in by_key.values():
        total.merge(part)
    waits = [
        metrics.Waiting.post((), post.due_at, now)
        for post in counting.incoming(first, last, channel).filter(
            must_reply=True, first_response_at__isnull=True, status__in=["new", "open"]
        )
    ]
    return figures(total, waits), by_key


def test_rollups_and_raw_agree(history):
    first, last = TODAY - timedelta(days=10), TODAY
    with time_machine.travel(NOW, tick=False):
        rollups.rebuild(first, TODAY - timedelta(days=1))
        from_rollups = report(first, last, now=NOW)
    raw, by_key = raw_figures(first, last, NOW)

    assert DailyRollup.objects.exists()
    exact = [
        "posts",
        "must_reply",
        "needs_look",
        "answered",
        "answered_on_time",
        "late",
        "waiting",
        "breached",
        "no_reply_needed",
        "spam",
        "answered_elsewhere",
        "on_time_rate",
    ]
    for name in exact:
        assert getattr(from_rollups.total, name) == getattr(raw, name), name
    # Percentiles: the rollups' within one bucket of the raw times themselves.
    answered = [
        (post.first_response_at - post.published_at).total_seconds()
        for post in counting.incoming(first, last).filter(must_reply=True, first_response_at__isnull=False)
    ]
    for share, found in ((0.5, from_rollups.total.p50), (0.9, from_rollups.total.p90)):
        assert bucket_of(found) == bucket_of(exact_percentile(answered, share))
    # Every cut adds up the same way as the raw posts do.
    for channel in history:
        assert from_rollups.by["channel"][channel.pk].posts == raw_figures(first, last, NOW, channel.pk)[0].posts
    assert sum(figures.posts for figures in from_rollups.by["day"].values()) == raw.posts
    assert sum(figures.posts for figures in from_rollups.by["target_group"].values()) == raw.posts
    per_category = sum(part.posts for key, part in by_key.items() if "technical_problem" in key[2].split("+"))
    assert from_rollups.by["category"]["technical_problem"].posts == per_category


def test_a_late_answer_and_a_marked_day_are_computed_again(history):
    first = TODAY - timedelta(days=10)
    with time_machine.travel(NOW, tick=False):
        rollups.rebuild(first, TODAY - timedelta(days=1))
        before = report(first, TODAY, now=NOW).total
        old = Post.objects.filter(published_at__lt=at(first, 23, 59), must_reply=True, status="open").first()
        assert old is not None
        Post.objects.filter(pk=old.pk).update(first_response_at=NOW, status="answered")
        # Ten days back is within RECENT_DAYS: the next run counts the answer.
        rollups.recompute_recent()
        after = report(first, TODAY, now=NOW).total
        assert (after.answered, after.waiting) == (before.answered + 1, before.waiting - 1)

        # A day further back than the sliding window is computed once it is marked.
        far = TODAY - timedelta(days=rollups.RECENT_DAYS + 5)
        Post.objects.create(
            channel=history[0], external_id="far", kind="comment", published_at=at(far, 12), received_at=at(far, 12)
        )
        rollups.recompute_recent()
        assert report(far, far, now=NOW).total.posts == 0
        rollups.mark_days([far])
        rollups.recompute_recent()
        assert report(far, far, now=NOW).total.posts == 1
        assert not RollupDay.objects.exists()


def test_service_time_counts_the_policys_hours(db):
    channel = ChannelFactory()
    friday = date(2026, 5, 15)
    Post.objects.create(
        channel=channel,
        external_id="weekend",
        kind="comment",
        published_at=at(friday, 15),
        received_at=at(friday, 15),
        must_reply=True,
        due_at=at(friday, 19),
        first_response_at=at(friday + timedelta(days=3), 9),  # Monday 09:00
        status="answered",
    )
    with time_machine.travel(NOW, tick=False):
        rollups.rebuild(friday, friday)
        found = report(friday, friday, now=NOW).total
    # 1 h on Friday, 12 h on Saturday and on Sunday, 1 h on Monday, in the bucket of 26 h.
    assert bucket_of(found.service_p50) == bucket_of(26 * 3600)
    assert bucket_of(found.p50) == bucket_of(66 * 3600)


# --- The API -----------------------------------------------------------------------------


def test_the_summary_answers_the_figures_and_by_channel(client, lars, history):
    first = TODAY - timedelta(days=10)
    with time_machine.travel(NOW, tick=False):
        rollups.rebuild(first, TODAY - timedelta(days=1))
        client.force_login(lars)
        answer = client.get(reverse("api:reports-summary"), {"start": first.isoformat(), "end": TODAY.isoformat()})
        raw, _ = raw_figures(first, TODAY, NOW)
        one = client.get(
            reverse("api:reports-summary"),
            {"start": first.isoformat(), "end": TODAY.isoformat(), "channel": history[1].pk},
        )

    assert answer.status_code == 200
    body = answer.json()
    assert body["posts"] == raw.posts and body["must_reply"] == raw.must_reply
    assert body["answered"] == raw.answered and body["answered_on_time"] == raw.answered_on_time
    assert body["breached"] == raw.breached
    assert body["on_time_rate"] == pytest.approx(raw.on_time_rate)
    assert set(body["first_response_seconds"]) == {"p50", "p90"}
    assert set(body["first_response_service_seconds"]) == {"p50", "p90"}
    assert sorted(entry["channel"] for entry in body["by_channel"]) == sorted(channel.pk for channel in history)
    assert sum(entry["posts"] for entry in body["by_channel"]) == body["posts"]
    by_channel = {entry["channel"]: entry for entry in body["by_channel"]}
    assert one.json()["posts"] == by_channel[history[1].pk]["posts"]


@pytest.mark.parametrize(
    ("query", "named"),
    [
        ({"end": "2026-05-20"}, "start"),
        ({"start": "2026-05-20", "end": "2026-05-19"}, "end"),
        ({"start": "2026-13-01", "end": "2026-05-19"}, "start"),
        ({"start": "1999-12-31", "end": "2000-01-02"}, "start"),
        ({"start": "2020-01-01", "end": "2026-01-01"}, "end"),
        ({"start": "2026-05-01", "end": "2026-05-02", "channel": "999999"}, "channel"),
        ({"start": "2026-05-01", "end": "2026-05-02", "channel": "x"}, "channel"),
    ],
)
def test_a_bad_parameter_is_a_400_that_names_it(client, lars, query, named):
    client.force_login(lars)
    answer = client.get(reverse("api:reports-summary"), query)
    assert answer.status_code == 400 and named in answer.json()


def test_managers_and_the_communication_unit_read_all_an_employee_their_own(client, ola, ingrid, nina, db):
    from inbox.models import Forward

    query = {"start": "2026-05-01", "end": "2026-05-02"}
    assert client.get(reverse("api:reports-summary"), query).status_code in (401, 403)
    client.force_login(nina)  # no role
    assert client.get(reverse("api:reports-summary"), query).status_code == 403
    channel = ChannelFactory()
    published = at(date(2026, 5, 1), 10)
    for n in range(3):
        post = Post.objects.create(
            channel=channel, external_id=f"e{n}", kind="comment", published_at=published, received_at=published
        )
        if n == 0:
            Forward.objects.create(post=post, sent_by=ingrid, to_user=ola, note="Svar på denne")
    client.force_login(ola)
    assert client.get(reverse("api:reports-summary"), query).json()["posts"] == 1
    rollups.rebuild(date(2026, 5, 1), date(2026, 5, 2))
    client.force_login(ingrid)
    assert client.get(reverse("api:reports-summary"), query).json()["posts"] == 3
    Forward.objects.all().delete()
    Post.objects.all().delete()
    rollups.rebuild(date(2026, 5, 1), date(2026, 5, 2))
    empty = client.get(reverse("api:reports-summary"), query).json()
    assert (empty["posts"], empty["on_time_rate"], empty["by_channel"]) == (0, None, [])


def test_the_summary_is_in_the_openapi_schema(client, lars):
    client.force_login(lars)
    schema = client.get(reverse("api:schema"), {"format": "json"}).json()
    operation = schema["paths"]["/api/v1/reports/summary/"]["get"]
    assert {parameter["name"] for parameter in operation["parameters"]} == {"start", "end", "channel"}
    assert {"200", "400", "403"} <= set(operation["responses"])


def test_a_changed_policy_marks_every_day_and_the_command_rebuilds(history, django_capture_on_commit_callbacks):
    from django.core.management import call_command

    from strategy.models import ResponsePolicy

    with time_machine.travel(NOW, tick=False):
        with django_capture_on_commit_callbacks(execute=True):
            ResponsePolicy.objects.create(
                promptly_hours=2,
                working_start=time(9),
                working_end=time(15),
                on_duty_start=time(10),
                on_duty_end=time(18),
            )
        marked = set(RollupDay.objects.values_list("day", flat=True))
        assert marked == {TODAY - timedelta(days=offset) for offset in range(1, 11)}

        call_command("rebuild_rollups", verbosity=0)
        assert set(DailyRollup.objects.values_list("day", flat=True)) == marked
        assert not RollupDay.objects.exists()


def test_the_heatmap_counts_posts_by_weekday_and_oslo_hour(history):
    first = TODAY - timedelta(days=10)
    with time_machine.travel(NOW, tick=False):
        rollups.rebuild(first, TODAY - timedelta(days=1))
        cells = report(first, TODAY, now=NOW).heatmap
    expected = [[0] * 24 for _ in range(7)]
    for published in counting.incoming(first, TODAY).values_list("published_at", flat=True):
        local = published.astimezone(OSLO)
        expected[local.weekday()][local.hour] += 1
    assert cells == expected


def test_the_rollups_hold_a_column_for_every_bucket():
    from inbox.models import reports as stored

    assert stored.SLOTS == metrics.SLOTS
    names = {field.name for field in DailyRollup._meta.get_fields()}
    assert {f"wall_{slot}" for slot in range(metrics.SLOTS)} <= names
    assert f"wall_{metrics.SLOTS}" not in names


# --- The page ----------------------------------------------------------------------------

LINK = re.compile(r'<a (?:class="tile-value" )?href="(/inbox/queue/all/\?[^"]+)">(\d+)</a>')


def test_every_number_on_the_page_opens_exactly_its_posts(client, lars, history):
    first = TODAY - timedelta(days=10)
    with time_machine.travel(NOW, tick=False):
        rollups.rebuild(first, TODAY - timedelta(days=1))
        client.force_login(lars)
        page = client.get(
            reverse("reports:dashboard"), {"period": "custom", "start": first.isoformat(), "end": TODAY.isoformat()}
        )
        assert page.status_code == 200
        links = LINK.findall(page.content.decode())
        # Tiles, the by-day table, the heatmap and six tables by dimension: hundreds of numbers.
        assert len(links) > 250
        for href, value in links:
            listed = client.get(html.unescape(href))
            assert listed.context["matching"] == int(value), href


def test_the_period_defaults_to_30_days_and_a_bad_one_says_why(client, lars, db):
    client.force_login(lars)
    with time_machine.travel(NOW, tick=False):
        page = client.get(reverse("reports:dashboard"))
        assert (page.context["first"], page.context["last"]) == (TODAY - timedelta(days=29), TODAY)
        bad = client.get(reverse("reports:dashboard"), {"period": "custom", "start": "2026-05-20", "end": "2026-05-01"})
    assert bad.status_code == 200
    assert "Den siste dagen kommer før den første." in bad.content.decode()
    assert (bad.context["first"], bad.context["last"]) == (TODAY - timedelta(days=29), TODAY)


def test_employees_see_their_own_figures_only(client, ola, ingrid, lars, history):
    from inbox.models import Forward

    client.force_login(ola)
    assert client.get(reverse("reports:dashboard")).status_code == 403
    first = TODAY - timedelta(days=10)
    mine = list(Post.objects.filter(must_reply=True, first_response_at__isnull=False).order_by("pk")[:4])
    for post in mine:
        Forward.objects.create(post=post, sent_by=ingrid, to_user=ola, note="Kan du svare?")
    with time_machine.travel(NOW, tick=False):
        page = client.get(
            reverse("reports:mine"), {"period": "custom", "start": first.isoformat(), "end": TODAY.isoformat()}
        )
    assert page.context["total"].posts == 4 and page.context["total"].answered == 4
    assert [post.pk for post in page.context["posts"]] == [
        p.pk for p in sorted(mine, key=lambda p: (p.published_at, p.pk), reverse=True)
    ]
    client.force_login(lars)
    assert client.get(reverse("reports:mine")).status_code == 403


# --- Exports -----------------------------------------------------------------------------


def test_a_table_exports_as_csv_and_excel_with_the_pages_figures(client, lars, history):
    import csv
    import io
    import zipfile

    first = TODAY - timedelta(days=10)
    period = {"period": "custom", "start": first.isoformat(), "end": TODAY.isoformat()}
    with time_machine.travel(NOW, tick=False):
        rollups.rebuild(first, TODAY - timedelta(days=1))
        client.force_login(lars)
        found = report(first, TODAY, now=NOW)
        answer = client.get(reverse("reports:export", args=["channel", "csv"]), period)
        workbook = client.get(reverse("reports:export", args=["day", "xlsx"]), period)
        missing = client.get(reverse("reports:export", args=["nothing", "csv"]), period)

    assert answer["Content-Disposition"].startswith('attachment; filename="etter-kanal-')
    text = b"".join(answer.streaming_content).decode("utf-8")
    assert text.startswith("\ufeff")
    rows = list(csv.reader(io.StringIO(text.lstrip("\ufeff"))))
    assert rows[0][:3] == ["navn", "innlegg", "må besvares"]
    by_name = {row[0]: row for row in rows[1:]}
    for channel in history:
        assert int(by_name[channel.name][1]) == found.by["channel"][channel.pk].posts
    sheet = zipfile.ZipFile(io.BytesIO(workbook.content)).read("xl/worksheets/sheet1.xml").decode()
    assert sheet.count("<row ") == 1 + 11  # the header and the period's eleven days
    assert missing.status_code == 404


def test_the_posts_behind_a_number_export_one_row_each_with_the_response_time(client, lars, history):
    import csv
    import io

    first = TODAY - timedelta(days=10)
    query = {
        "published_after": first.isoformat(),
        "published_before": (TODAY + timedelta(days=1)).isoformat(),
        "outcome": "late",
    }
    Post.objects.filter(pk=Post.objects.filter(first_response_at__isnull=False).first().pk).update(text="=HYPERLINK(1)")
    with time_machine.travel(NOW, tick=False):
        client.force_login(lars)
        listed = client.get(reverse("inbox:queue", args=["all"]), query).context["matching"]
        answer = client.get(reverse("inbox:queue-export", args=["all", "csv"]), query)
        rows = list(csv.reader(io.StringIO(b"".join(answer.streaming_content).decode().lstrip("\ufeff"))))
        everything = client.get(reverse("inbox:queue-export", args=["all", "csv"]))
        text = b"".join(everything.streaming_content).decode()

    assert listed > 0 and len(rows) - 1 == listed
    header = rows[0]
    for row in rows[1:]:
        assert row[header.index("i tide")] == "False"
        assert int(row[header.index("første svar (s)")]) > 0
    # A text a spreadsheet would run as a formula is written as text.
    assert "'=HYPERLINK(1)" in text


def test_employees_export_nothing(client, ola, db):
    client.force_login(ola)
    assert client.get(reverse("inbox:queue-export", args=["all", "csv"])).status_code == 403
    assert client.get(reverse("reports:export", args=["channel", "csv"])).status_code == 403


def test_who_answered_first_is_kept_and_reported(client, ingrid, lars, settings, db):
    from inbox.work import actions

    settings.SOCIAL_SANDBOX = True
    channel = ChannelFactory()
    published = NOW - timedelta(hours=2)
    post = Post.objects.create(
        channel=channel,
        external_id="asks",
        kind="comment",
        text="Når åpner dere?",
        published_at=published,
        received_at=published,
        must_reply=True,
        due_at=NOW + timedelta(hours=1),
        status="open",
    )
    with time_machine.travel(NOW, tick=False):
        actions.reply_to_post(post=post, user=ingrid, text="Vi åpner klokka ti.")
        post.refresh_from_db()
        assert post.first_responder == ingrid
        found = report(TODAY, TODAY, now=NOW)
        assert found.by["person"][ingrid.pk].answered_on_time == 1
        client.force_login(lars)
        listed = client.get(
            reverse("inbox:queue", args=["all"]),
            {"published_after": TODAY.isoformat(), "person": ingrid.pk, "outcome": "on_time"},
        )
    assert listed.context["matching"] == 1


def test_what_complaints_and_technical_problems_were_about(client, lars, db):
    from strategy.models import Theme

    offers = Theme.objects.create(slug="offers", name="Tilbud")
    channel = ChannelFactory()
    texts = [
        ("Kassen henger når jeg betaler med Vipps", ["technical_problem"], None, 2),
        ("Appen henger ved innlogging", ["technical_problem"], None, 2),
        ("Tilbudet gjaldt ikke i kassen, elendig", ["dissatisfied_customer"], offers, 2),
        ("Kassen henger igjen", ["technical_problem"], None, 9),  # the period before
    ]
    for n, (text, categories, theme, days_back) in enumerate(texts):
        published = at(TODAY - timedelta(days=days_back), 11)
        Post.objects.create(
            channel=channel,
            external_id=f"f{n}",
            kind="comment",
            text=text,
            published_at=published,
            received_at=published,
            categories=categories,
            theme=theme,
        )
    first = TODAY - timedelta(days=6)
    with time_machine.travel(NOW, tick=False):
        rollups.rebuild(TODAY - timedelta(days=13), TODAY - timedelta(days=1))
        client.force_login(lars)
        page = client.get(reverse("reports:dashboard"), {"period": "7d"})
        sections = {part["key"]: part for part in page.context["feedback"]}
        problems, complaints = sections["technical_problem"], sections["dissatisfied_customer"]
        assert (problems["posts"].value, problems["before"]) == (2, 1)
        words = {word["word"]: (word["now"], word["before"]) for word in problems["words"]}
        assert words["henger"] == (2, 1) and words["kassen"] == (1, 1)
        assert "når" not in words and "med" not in words  # stopwords and short words
        assert [(str(row["label"]), row["now"].value) for row in complaints["themes"]] == [("Tilbud", 1)]
        listed = client.get(html.unescape(complaints["themes"][0]["now"].href))
        assert listed.context["matching"] == 1
    assert first == page.context["first"]


def test_the_dialogue_share_counts_our_replies_against_our_publications(client, lars, db):
    from inbox.models import OutboxMessage

    channel = ChannelFactory(name="Facebook")
    day = TODAY - timedelta(days=2)
    for n in range(3):
        OutboxMessage.objects.create(
            channel=channel, action="reply", text="Takk!", status="sent", sent_at=at(day, 10 + n), external_id=f"r{n}"
        )
    OutboxMessage.objects.create(
        channel=channel, action="publish", text="Nyhet!", status="sent", sent_at=at(day, 9), external_id="pub"
    )
    # Our reply sent from here, delivered back by the platform: counted once.
    Post.objects.create(
        channel=channel,
        external_id="r0",
        kind="comment",
        is_ours=True,
        published_at=at(day, 10),
        received_at=at(day, 10),
    )
    # Written on the platform itself: a publication.
    Post.objects.create(
        channel=channel, external_id="own", kind="post", is_ours=True, published_at=at(day, 8), received_at=at(day, 8)
    )
    OutboxMessage.objects.create(channel=channel, action="reply", text="Feilet", status="failed", external_id="")
    with time_machine.travel(NOW, tick=False):
        rollups.rebuild(day, day)
        client.force_login(lars)
        rows = client.get(reverse("reports:dashboard"), {"period": "7d"}).context["dialogue"]
    assert [(row["channel"], row["replies"], row["publications"]) for row in rows] == [("Facebook", 3, 2)]
    assert rows[0]["share"] == pytest.approx(0.6)


def test_our_employees_accounts_count_as_own_employees(client, ingrid, lars, strategy):
    from inbox.connectors.base import AuthorData
    from inbox.ingest.events import upsert_author
    from inbox.models import Author, InboxSettings
    from strategy.models import TargetGroup

    employees = TargetGroup.objects.get(slug=InboxSettings.EMPLOYEES_GROUP)
    known = AuthorFactory(platform="x", name="Ola", handle="@Ola_Jobber", target_group=None)
    PostFactory.create_batch(2, channel=ChannelFactory(platform="x"), author=known)
    customer = AuthorFactory(platform="x", name="Kari", handle="@kari_n", target_group=None)
    client.force_login(ingrid)
    url = reverse("inbox:employee-accounts")

    refused = client.post(url, {"employee_accounts": "@ola_jobber\nto ord"}, follow=True)
    assert "«to ord» er ikke én konto" in refused.content.decode()
    answer = client.post(url, {"employee_accounts": "@ola_jobber\n@ola_jobber\n998877"}, follow=True)

    assert "1 forfatter regnes som en av våre egne ansatte nå." in answer.content.decode()
    assert Author.objects.get(pk=known.pk).target_group == employees
    assert Author.objects.get(pk=customer.pk).target_group is None
    assert InboxSettings.current().employee_accounts == "@ola_jobber\n998877"
    # A new author on a listed account is counted so from the first post.
    from django.utils import timezone as tz

    new = upsert_author("facebook", AuthorData(external_id="998877", name="Ola J."), tz.now())
    assert Author.objects.get(pk=new.pk).target_group == employees
    # Their posts count for the group too, the old ones and the new.
    assert set(Post.objects.filter(author=known).values_list("target_group", flat=True)) == {employees.pk}
    client.force_login(lars)
    assert client.post(url, {"employee_accounts": ""}).status_code == 403


def test_a_year_is_shown_week_by_week_and_each_week_opens_its_posts(client, lars, history):
    with time_machine.travel(NOW, tick=False):
        rollups.rebuild(TODAY - timedelta(days=10), TODAY - timedelta(days=1))
        client.force_login(lars)
        page = client.get(reverse("reports:dashboard"), {"period": "12m"})
        trend = page.context["trend"]
        assert 52 <= len(trend) <= 54
        assert trend[0]["first"] == TODAY - timedelta(days=364) and trend[-1]["last"] == TODAY
        assert all(row["first"].weekday() == 0 for row in trend[1:])
        assert sum(row["posts"].value for row in trend) == page.context["total"].posts
        for row in trend[-3:]:
            listed = client.get(html.unescape(row["posts"].href))
            assert listed.context["matching"] == row["posts"].value
