"""
The rulebook compiler: the strategy's rules, claims, themes and response policies, as
the communication unit keeps them (strategy.models), turned into what the pure
`engine` and `deadlines` modules take.
"""

import time
from dataclasses import dataclass, field
from datetime import timedelta

from django.conf import settings
from django.db.models import Count, Max
from django.db.models.signals import post_delete, post_save
from django.utils import timezone

from strategy import rota
from strategy.models import (
    Channel,
    DutyDeviation,
    DutyShift,
    Guideline,
    KnownClaim,
    ReplyRule,
    ResponsePolicy,
    ResponsibilityRule,
    Team,
    TeamMembership,
    Theme,
)

from . import deadlines
from . import engine as triage


def rulebook_version() -> tuple:
    """Changes whenever a rule or claim does: the key of the compiled triage below."""
    rules = ReplyRule.objects.aggregate(changed=Max("updated_at"), count=Count("pk"))
    claims = KnownClaim.objects.aggregate(changed=Max("updated_at"), count=Count("pk"))
    # Themes are few and have no timestamp: their keywords are the version.
    themes = tuple(Theme.objects.order_by("order", "pk").values_list("slug", "keywords"))
    return (rules["changed"], rules["count"], claims["changed"], claims["count"], themes)


_compiled: dict[tuple, triage.Triage] = {}


def compiled_triage() -> triage.Triage:
    """The enabled rules and claims, compiled once per version of the rulebook (per process)."""
    version = rulebook_version()
    cached = _compiled.get(version)
    if cached is None:
        rules = ReplyRule.objects.filter(enabled=True).select_related("team", "guideline").order_by("order", "pk")
        claims = KnownClaim.objects.filter(enabled=True)
        cached = triage.Triage(
            [
                triage.Rule(
                    id=rule.pk,
                    name=rule.name_en or rule.name,
                    category=rule.category,
                    keywords=tuple(rule.keywords()),
                    regex=rule.regex,
                    sentiment_at_most=rule.sentiment_at_most,
                    requires_question=rule.requires_question,
                    priority=rule.priority,
                    team=rule.team.slug if rule.team else "",
                    guideline=rule.guideline.slug if rule.guideline else "",
                )
                for rule in rules
            ],
            [triage.KnownClaim(id=c.pk, pattern=c.pattern, correction=c.correction, url=c.url) for c in claims],
            themes=[
                triage.ThemeKeywords(slug, tuple(line.strip() for line in keywords.splitlines() if line.strip()))
                for slug, keywords in version[4]
            ],
        )
        _compiled.clear()
        _compiled[version] = cached
    return cached


@dataclass(frozen=True)
class Tables:
    """
    The small strategy tables every triage reads, by key: response policies, the
    responsibility matrix, and teams, themes and guidelines by slug.
    """

    policies: dict[tuple[int | None, str], deadlines.Policy] = field(default_factory=dict)
    matrix: dict[tuple[str, int | None, int | None], int] = field(default_factory=dict)
    teams: dict[int, Team] = field(default_factory=dict)
    team_ids: dict[str, int] = field(default_factory=dict)
    themes: dict[str, Theme] = field(default_factory=dict)
    guidelines: dict[str, int] = field(default_factory=dict)
    # Routing: each team's active members (user id, takes posts without a rota), its
    # weekly rota and its changes from yesterday on.
    members: dict[int, tuple[tuple[int, bool], ...]] = field(default_factory=dict)
    shifts: dict[int, tuple[rota.Shift, ...]] = field(default_factory=dict)
    deviations: dict[int, tuple[rota.Deviation, ...]] = field(default_factory=dict)

    def team(self, slug: str) -> Team | None:
        team_id = self.team_ids.get(slug)
        return self.teams.get(team_id) if team_id is not None else None


_tables: list = []  # [read until (monotonic), Tables]


def tables() -> Tables:
    """
    The tables, read at most every TRIAGE_VERSION_CHECK_SECONDS (five queries that
    would otherwise come with every post): an edit in this process takes effect at
    once (the signals below), in the other processes within that time.
    """
    now = time.monotonic()
    if _tables and now < _tables[0]:
        return _tables[1]
    teams = {team.pk: team for team in Team.objects.all()}
    read = Tables(
        policies={
            (p.channel_id, p.priority): deadlines.Policy(
                same_day_cutoff=p.same_day_cutoff,
                promptly_hours=p.promptly_hours,
                target_hours=p.target_hours,
                working_start=p.working_start,
                working_end=p.working_end,
                on_duty_start=p.on_duty_start,
                on_duty_end=p.on_duty_end,
            )
            for p in ResponsePolicy.objects.all()
        },
        matrix={
            (category, channel_id, theme_id): team_id
            for category, channel_id, theme_id, team_id in ResponsibilityRule.objects.values_list(
                "category", "channel_id", "theme_id", "team_id"
            )
        },
        teams=teams,
        team_ids={team.slug: pk for pk, team in teams.items()},
        themes={theme.slug: theme for theme in Theme.objects.all()},
        guidelines=dict(Guideline.objects.values_list("slug", "pk")),
        members=_grouped(
            TeamMembership.objects.filter(user__is_active=True).values_list("team_id", "user_id", "on_duty"),
            lambda user_id, on_duty: (user_id, on_duty),
        ),
        shifts=_grouped(
            DutyShift.objects.values_list("team_id", "user_id", "day", "start", "end"),
            rota.Shift,
        ),
        deviations=_grouped(
            DutyDeviation.objects.filter(date__gte=timezone.localdate() - timedelta(days=1)).values_list(
                "team_id", "user_id", "date", "away", "start", "end"
            ),
            rota.Deviation,
        ),
    )
    _tables[:] = [now + settings.TRIAGE_VERSION_CHECK_SECONDS, read]
    return read


def _grouped(rows, make) -> dict[int, tuple]:
    grouped: dict[int, list] = {}
    for team_id, *values in rows:
        grouped.setdefault(team_id, []).append(make(*values))
    return {team_id: tuple(items) for team_id, items in grouped.items()}


def forget_tables(**_kwargs) -> None:
    _tables.clear()


for _model in (
    ResponsePolicy,
    ResponsibilityRule,
    Team,
    Theme,
    Guideline,
    TeamMembership,
    DutyShift,
    DutyDeviation,
):
    post_save.connect(forget_tables, sender=_model, dispatch_uid=f"rulebook-tables-save-{_model.__name__}")
    post_delete.connect(forget_tables, sender=_model, dispatch_uid=f"rulebook-tables-delete-{_model.__name__}")


def policy_for(channel: Channel | int | None, priority: str) -> deadlines.Policy:
    """The most specific response policy: this channel and priority, then either, then neither."""
    policies = tables().policies
    channel_id = channel.pk if isinstance(channel, Channel) else channel
    for key in ((channel_id, priority), (channel_id, ""), (None, priority), (None, "")):
        policy = policies.get(key)
        if policy is not None:
            return policy
    return deadlines.DEFAULT_POLICY
