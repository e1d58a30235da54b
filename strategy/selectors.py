"""Reads of the strategy for its pages, each in a fixed, small number of queries."""

from django.db.models import Prefetch, QuerySet

from .models import Channel, Goal, Guideline, TargetGroup, Team, TeamMembership, Theme


def strategy_overview() -> dict:
    """Everything the overview page shows: goals, target groups, channels, themes, teams."""
    channels = Channel.objects.prefetch_related("purposes", "audiences", "goals").order_by("-is_active", "pk")
    return {
        "goals": list(Goal.objects.prefetch_related("channels", "themes")),
        "target_groups": list(TargetGroup.objects.prefetch_related("channels")),
        "channels": list(channels),
        "themes": list(Theme.objects.prefetch_related("goals", "target_groups")),
        "teams": list(
            Team.objects.prefetch_related(
                Prefetch(
                    "memberships",
                    queryset=TeamMembership.objects.select_related("user").order_by("-is_lead", "user__first_name"),
                )
            )
        ),
    }


def guidelines() -> QuerySet[Guideline]:
    return Guideline.objects.all()


COMMUNICATION_UNIT_TEAM = "communication-unit"


def communication_unit_members() -> list:
    """Who the communication unit is: its team's active members, else the active members of its role."""
    from django.contrib.auth import get_user_model

    team = Team.objects.filter(slug=COMMUNICATION_UNIT_TEAM).first()
    members = list(team.members.filter(is_active=True)) if team else []
    if members:
        return members
    return list(get_user_model().objects.filter(groups__name="communication_unit", is_active=True))


def rota_of_teams(at) -> list[dict]:
    """Each team with its weekly rota by day, its changes from today on, and who is on duty now and next."""
    from django.utils import timezone

    from . import rota
    from .models import DutyDeviation, DutyShift

    today = timezone.localdate(at)
    shifts = list(DutyShift.objects.select_related("user").order_by("day", "start", "user__first_name"))
    changes = list(
        DutyDeviation.objects.filter(date__gte=today - timezone.timedelta(days=1))
        .select_related("user")
        .order_by("date", "start", "pk")
    )
    teams = list(Team.objects.prefetch_related("memberships__user"))
    people = {m.user_id: m.user for team in teams for m in team.memberships.all()}
    rows = []
    for team in teams:
        own = [s for s in shifts if s.team_id == team.pk]
        own_changes = [c for c in changes if c.team_id == team.pk]
        pattern = [rota.Shift(s.user_id, s.day, s.start, s.end) for s in own]
        deviations = [rota.Deviation(c.user_id, c.date, c.away, c.start, c.end) for c in own_changes]
        members = {m.user_id: m.on_duty for m in team.memberships.all() if m.user.is_active}
        now = [people[pk] for pk in rota.team_on_duty(members, pattern, deviations, at)]
        upcoming = rota.next_change(pattern, deviations, at) if pattern or deviations else None
        rows.append(
            {
                "team": team,
                "members": [m.user for m in team.memberships.all()],
                "days": [(label, [s for s in own if s.day == value]) for value, label in DutyShift.Day.choices],
                "changes": [c for c in own_changes if c.date >= today],
                "has_rota": bool(pattern),
                "now": now,
                "next": (upcoming[0], [people[pk] for pk in upcoming[1] if pk in people]) if upcoming else None,
            }
        )
    return rows
