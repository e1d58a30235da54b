from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from inbox.models import Post
from tests.factories import ChannelFactory, TeamFactory


@pytest.fixture
def channel(db):
    return ChannelFactory(name="Facebook")


def make(channel, text, **fields):
    now = timezone.now()
    defaults = {"kind": "comment", "published_at": now - timedelta(hours=1), "status": "open"}
    return Post.objects.create(channel=channel, external_id=text, text=text, **{**defaults, **fields})


@time_machine.travel(datetime(2026, 5, 13, 10, 0, tzinfo=ZoneInfo("Europe/Oslo")))
def test_must_reply_today_lists_the_open_must_reply_posts_soonest_first(client, ingrid, channel):
    now = timezone.now()
    make(channel, "tomorrow", must_reply=True, due_at=now + timedelta(days=1))
    make(channel, "later", must_reply=True, due_at=now + timedelta(minutes=90))
    make(channel, "sooner", must_reply=True, due_at=now + timedelta(minutes=20))
    make(channel, "answered", must_reply=True, due_at=now, first_response_at=now)
    make(channel, "chatter", must_reply=False)
    client.force_login(ingrid)

    response = client.get(reverse("inbox:queue", args=["today"]))

    assert [post.text for post in response.context["page"].posts] == ["sooner", "later"]
    html = response.content.decode()
    assert "countdown-due-soon" in html and "countdown-on-time" in html


def test_a_breached_post_shows_in_red_in_its_queue(client, ingrid, channel):
    now = timezone.now()
    make(channel, "late", must_reply=True, due_at=now - timedelta(hours=2), breached_at=now - timedelta(hours=2))
    client.force_login(ingrid)

    response = client.get(reverse("inbox:queue", args=["breached"]))

    assert [post.text for post in response.context["page"].posts] == ["late"]
    assert "countdown-breached" in response.content.decode()
    assert response.context["counts"]["breached"] == 1


def test_mine_and_my_team(client, ingrid, lars, channel):
    team = TeamFactory()
    team.members.add(ingrid)
    make(channel, "for ingrid", assignee=ingrid)
    make(channel, "for the team", team=team)
    make(channel, "for lars", assignee=lars)
    client.force_login(ingrid)

    mine = client.get(reverse("inbox:queue", args=["mine"])).context["page"].posts
    team_posts = client.get(reverse("inbox:queue", args=["team"])).context["page"].posts

    assert [p.text for p in mine] == ["for ingrid"]
    assert [p.text for p in team_posts] == ["for the team"]


def test_filters_narrow_the_queue(client, ingrid, channel):
    make(channel, "Appen krasjer", categories=["technical_problem"], priority="high")
    make(channel, "Når åpner dere?", categories=["product_question"])
    client.force_login(ingrid)

    by_category = client.get(reverse("inbox:queue", args=["all"]), {"category": "technical_problem"})
    by_text = client.get(reverse("inbox:queue", args=["all"]), {"q": "åpner"})
    wrong = client.get(reverse("inbox:queue", args=["all"]), {"priority": "sky-high"})

    assert [p.text for p in by_category.context["page"].posts] == ["Appen krasjer"]
    assert [p.text for p in by_text.context["page"].posts] == ["Når åpner dere?"]
    assert wrong.context["form"].errors["priority"]


def test_pages_continue_after_the_cursor(client, ingrid, channel):
    now = timezone.now()
    for n in range(55):
        make(channel, f"p{n:02d}", must_reply=True, due_at=now + timedelta(minutes=n + 1))
    client.force_login(ingrid)

    first = client.get(reverse("inbox:queue", args=["due-soon"]))
    cursor = first.context["page"].next_cursor
    second = client.get(reverse("inbox:queue", args=["due-soon"]), {"after": cursor})

    assert len(first.context["page"].posts) == 50
    assert [p.text for p in second.context["page"].posts] == ["p50", "p51", "p52", "p53", "p54"]


def test_the_htmx_refresh_renders_only_the_rows(client, ingrid, channel):
    client.force_login(ingrid)

    response = client.get(
        reverse("inbox:queue", args=["today"]), headers={"hx-request": "true", "hx-target": "queue-rows"}
    )

    assert "<html" not in response.content.decode()


def test_managers_read_the_inbox_and_employees_do_not(client, lars, ola, channel):
    client.force_login(lars)
    assert client.get(reverse("inbox:queue-default")).status_code == 200
    client.force_login(ola)
    assert client.get(reverse("inbox:queue-default")).status_code == 403


def test_an_unknown_queue_is_404(client, ingrid):
    client.force_login(ingrid)
    assert client.get(reverse("inbox:queue", args=["nowhere"])).status_code == 404


@time_machine.travel(datetime(2026, 5, 13, 10, 0, tzinfo=ZoneInfo("Europe/Oslo")))
def test_the_main_navigation_counts_what_must_be_answered_today(client, ingrid, channel):
    now = timezone.now()
    make(channel, "sooner", must_reply=True, due_at=now + timedelta(minutes=20))
    make(channel, "later", must_reply=True, due_at=now + timedelta(hours=3))
    make(channel, "tomorrow", must_reply=True, due_at=now + timedelta(days=1))
    client.force_login(ingrid)

    html = client.get(reverse("strategy:guidelines")).content.decode()

    assert '<span class="nav-count">2<span class="visually-hidden"> venter</span></span>' in html


@time_machine.travel(datetime(2026, 5, 13, 15, 0, tzinfo=ZoneInfo("Europe/Oslo")))
def test_answered_posts_say_who_answered_when_and_whether_on_time_with_no_countdown(
    client, ingrid, django_user_model, channel
):
    from inbox.models import OutboxMessage

    now = timezone.now()
    kari = django_user_model.objects.create_user("kari", first_name="Kari", last_name="Nordmann")
    on_time = make(
        channel, "on time", must_reply=True, status="answered", due_at=now, first_response_at=now - timedelta(hours=2)
    )
    late = make(
        channel,
        "late",
        must_reply=True,
        status="answered",
        due_at=now - timedelta(hours=3),
        first_response_at=now - timedelta(minutes=40),
        breached_at=now - timedelta(hours=3),
        assignee=kari,
    )
    for post in (on_time, late):
        OutboxMessage.objects.create(
            channel=channel,
            action="reply",
            in_reply_to=post,
            text="Takk!",
            status="sandbox",
            created_by=kari,
            sent_at=post.first_response_at,
        )
    client.force_login(ingrid)
    client.cookies["django_language"] = "en"

    html = client.get(reverse("inbox:queue", args=["all"])).content.decode()
    page = client.get(reverse("inbox:post-detail", args=[late.pk])).content.decode()

    assert "Answered on time" in html and "Answered 2\xa0hours, 20\xa0minutes late" in html
    assert html.count("by Kari Nordmann") == 2
    assert "overdue" not in html and "countdown-breached" not in html
    # The post page: when, by whom, how late; Kari's claim no longer says she is answering.
    assert "Answered 2\xa0hours, 20\xa0minutes late" in page and "by Kari Nordmann" in page
    assert "is answering this post" not in page and ">breached<" not in page


def test_the_filters_say_any_and_offer_only_people_who_work_posts(client, ingrid, lars, channel):
    client.force_login(ingrid)

    form = client.get(reverse("inbox:queue", args=["all"])).context["form"]
    html = client.get(reverse("inbox:queue", args=["all"])).content.decode()

    assert "---------" not in html
    assert list(form.fields["assignee"].queryset) == [ingrid]  # not the manager
