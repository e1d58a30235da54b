"""
The demo's history: months of posts on the demo's channels, as if the inbox had been
worked all along, so that the managers' reports have something to say. Texts come
from the simulated material, triage (the rules and the learned model) sorts them and
the deadlines are the policies'; who answered when is drawn from shapes a real team
has: quick on weekday mornings, slower in the evening and at weekends, now and then
late, now and then a post closed as spam. Then the daily rollups are computed.

For the demo only: its posts' platform ids start with "history-", and a second run
adds nothing (`seed`, with `if_empty`).
"""

import math
import random
from collections import Counter
from datetime import datetime, time, timedelta
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from strategy.models import Channel, TargetGroup

from ..models import Author, OutboxMessage, Post, TriageDecision
from ..reports import rollups
from ..reports.metrics import OSLO
from ..triage import deadlines, learned, routing, rulebook
from ..triage.engine import PostInput
from .material import DEFAULT_MATERIAL, Material
from .traffic import Traffic

PREFIX = "history-"
# Posts an hour, relative, through an Oslo day: quiet at night, busy at lunch and in the evening.
HOURLY = [1, 0.5, 0.3, 0.2, 0.2, 0.4, 1, 2.5, 4, 5, 5.5, 6, 6.5, 6, 5.5, 5, 5, 5.5, 6, 6.5, 6, 5, 3.5, 2]
# Who the demo's people are to us: target group key -> share.
GROUPS = {
    "existing-customers": 0.52,
    "potential-customers": 0.24,
    "own-employees": 0.07,
    "partners": 0.05,
    "media": 0.04,
    "future-customers": 0.04,
    "": 0.04,
}
REPLIES = {
    "nb": "Hei, og takk for at du skriver til oss! Vi har sett på saken din og svart deg her.",
    "en": "Hi, and thank you for writing to us! We have looked into it and answered you here.",
}


def _group_of(name: str, groups: dict[str, TargetGroup]) -> TargetGroup | None:
    """The same person always in the same target group (by their name, not by chance)."""
    mark = sum(ord(letter) for letter in name) % 100 / 100
    total = 0.0
    for key, share in GROUPS.items():
        total += share
        if mark < total:
            return groups.get(key)
    return None


def _authors(material: Material, channels: list[Channel]) -> dict[tuple[str, str], Author]:
    groups = {group.slug: group for group in TargetGroup.objects.all()}
    found = {}
    for person in material.people:
        group = _group_of(person.name, groups)
        for channel in channels:
            platform = channel.platform
            external = person.x_id if platform == Channel.Platform.X else person.facebook_id
            handle = f"@{person.handle}" if platform == Channel.Platform.X else ""
            author, _created = Author.objects.get_or_create(
                platform=platform,
                external_id=external,
                defaults={"name": person.name, "handle": handle, "target_group": group},
            )
            if author.target_group_id is None and group is not None:
                Author.objects.filter(pk=author.pk).update(target_group=group)
                Post.objects.filter(author=author).update(target_group=group)
                author.target_group = group
            found[(platform, person.name)] = author
    return found


def _answer_after(rng: random.Random, published: datetime, policy: deadlines.Policy) -> datetime:
    """When someone answers: a few service hours later (log-normal), more at weekends and late in the day."""
    local = published.astimezone(OSLO)
    median = 1.1 if deadlines.is_working_day(local.date()) else 2.6
    if local.hour >= 14:
        median *= 1.6
    hours = math.exp(rng.gauss(math.log(median), 0.9))
    return deadlines.add_service_hours(published, Decimal(str(round(hours, 3))), policy)


def seed(*, days: int = 120, per_day: int = 40, rng_seed: int = 7, now: datetime | None = None) -> Counter:
    """Make `days` of history up to now and compute their rollups; what was made, counted."""
    now = now or timezone.now()
    rng = random.Random(rng_seed)  # noqa: S311 - made-up demo data, repeatable by its seed
    material = Material(DEFAULT_MATERIAL)
    channels = list(Channel.objects.filter(platform__in=[Channel.Platform.FACEBOOK, Channel.Platform.X]))
    if not channels:
        return Counter()
    traffic = Traffic(material, rng, page_id="", x_account_id="", x_handle=material.x_handle)
    authors = _authors(material, channels)
    staff = list(get_user_model().objects.filter(groups__name="communication_unit", is_active=True).order_by("pk"))
    triage = learned.current_triage()
    made: Counter = Counter()
    posts, decisions, answers, publications = [], [], [], []
    today = timezone.localdate(now)
    for offset in range(days, -1, -1):
        day = today - timedelta(days=offset)
        scale = 1.0 if deadlines.is_working_day(day) else 0.45
        # A busier season towards the end of the year, and days that differ.
        count = max(1, round(per_day * scale * rng.uniform(0.7, 1.3) * (1 + 0.3 * (day.month in (11, 12)))))
        for _ in range(count):
            hour = rng.choices(range(24), weights=HOURLY)[0]
            published = datetime.combine(day, time(hour, rng.randrange(60), rng.randrange(60)), tzinfo=OSLO)
            if published >= now:
                continue
            channel = rng.choice(channels)
            person, language, _topic, text = traffic.topic_text(platform=channel.platform, private=False)
            decision = triage.decide(PostInput(text, language=language, kind=Post.Kind.COMMENT))
            must = decision.must_reply or decision.needs_look
            policy = rulebook.policy_for(channel.pk, decision.priority)
            due = deadlines.due_at(published, policy).due_at if must else None
            theme = rulebook.tables().themes.get(decision.theme) if decision.theme else None
            team = (
                routing.responsible_team(
                    categories=decision.categories, channel=channel.pk, theme=theme, rule_team=decision.team
                )
                if decision.categories
                else None
            )
            post = Post(
                channel=channel,
                external_id=f"{PREFIX}{len(posts) + 1}",
                kind=Post.Kind.COMMENT,
                author=authors[(channel.platform, person.name)],
                target_group_id=authors[(channel.platform, person.name)].target_group_id,
                text=text,
                language=language,
                published_at=published,
                received_at=published,
                triaged_at=published,
                must_reply=must,
                needs_look=decision.needs_look,
                categories=list(decision.categories),
                priority=decision.priority,
                due_at=due,
                team=team,
                theme=theme,
                status=Post.Status.OPEN,
            )
            fate = rng.random()
            if must and fate < 0.07:
                post.status, post.close_reason = Post.Status.CLOSED, rng.choice(list(Post.CloseReason.values))
                post.closed_at = published + timedelta(minutes=rng.randrange(5, 240))
            elif must:
                answered = _answer_after(rng, published, policy)
                # Routed to someone on duty, as triage does; the one who answers holds it.
                post.assignee = rng.choice(staff) if staff else None
                if answered < now:
                    post.first_response_at, post.status = answered, Post.Status.ANSWERED
                    post.first_responder = post.assignee
            elif fate < 0.7:
                post.status, post.closed_at = Post.Status.CLOSED, published + timedelta(hours=rng.randrange(1, 30))
            posts.append(post)
            made["posts"] += 1
        if deadlines.is_working_day(day) and staff:
            # Our own publication of the day, on one channel: the dialogue share's other side.
            channel = channels[offset % len(channels)]
            sent = datetime.combine(day, time(9, 30), tzinfo=OSLO)
            if sent < now:
                publications.append(
                    OutboxMessage(
                        channel=channel,
                        action=OutboxMessage.Action.PUBLISH,
                        text=traffic.page_text(),
                        idempotency_key=f"{PREFIX}publication-{day.isoformat()}",
                        status=OutboxMessage.Status.SANDBOX,
                        created_by=staff[0],
                        created_at=sent,
                        sent_at=sent,
                    )
                )
    with transaction.atomic():
        Post.objects.bulk_create(posts, batch_size=1000)
        for post in posts:
            decisions.append(
                TriageDecision(
                    post=post,
                    created_at=post.published_at,
                    categories=post.categories,
                    must_reply=post.must_reply,
                    needs_look=post.needs_look,
                    priority=post.priority,
                    language=post.language,
                    due_at=post.due_at,
                    team=post.team,
                    note="",
                )
            )
            if post.first_response_at is not None:
                answers.append(
                    OutboxMessage(
                        channel=post.channel,
                        action=OutboxMessage.Action.REPLY,
                        in_reply_to=post,
                        text=REPLIES.get(post.language, REPLIES["nb"]),
                        idempotency_key=f"{PREFIX}{post.external_id}",
                        status=OutboxMessage.Status.SANDBOX,
                        created_by=post.assignee,
                        created_at=post.first_response_at,
                        sent_at=post.first_response_at,
                    )
                )
        TriageDecision.objects.bulk_create(decisions, batch_size=1000)
        OutboxMessage.objects.bulk_create(answers + publications, batch_size=1000)
    made["answered"] = len(answers)
    made["rollup rows"] = rollups.rebuild(today - timedelta(days=days), today - timedelta(days=1))
    return made


def seeded() -> bool:
    return Post.objects.filter(external_id__startswith=PREFIX).exists()
