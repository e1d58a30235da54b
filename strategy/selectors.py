"""Reads of the strategy for its pages, each in a fixed, small number of queries."""

from datetime import date, timedelta

from django.db.models import Prefetch, QuerySet
from django.utils import timezone, translation

from . import rota
from .models import Channel, DutyDeviation, DutyShift, Goal, Guideline, TargetGroup, Team, TeamMembership, Theme


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


def rota_week(day: date, *, today: date) -> dict:
    """
    The week `day` falls in (Monday to Sunday), as it happens: for each team and date,
    who is on duty when, with the public holidays' pattern and the dated changes applied
    (strategy.rota.team_duty_by_day); the public holidays by name, in the reader's language.
    """
    days = rota.week_of(day)
    language = "en_US" if (translation.get_language() or "").startswith("en") else "no"
    holidays = {on: rota.public_holiday_name(on, language) for on in days}
    shifts = list(DutyShift.objects.values_list("team_id", "user_id", "day", "start", "end"))
    changes = list(
        DutyDeviation.objects.filter(date__range=(days[0], days[-1]))
        .select_related("user")
        .order_by("date", "start", "pk")
    )
    rows = []
    for team in Team.objects.prefetch_related("memberships__user"):
        own_changes = [c for c in changes if c.team_id == team.pk]
        pattern = [rota.Shift(*values) for team_id, *values in shifts if team_id == team.pk]
        deviations = [rota.Deviation(c.user_id, c.date, c.away, c.start, c.end) for c in own_changes]
        people = {m.user_id: m.user for m in team.memberships.all()}
        members = {m.user_id: m.on_duty for m in team.memberships.all() if m.user.is_active}
        duties = rota.team_duty_by_day(members, pattern, deviations, days)
        rows.append(
            {
                "team": team,
                "has_rota": bool(pattern or deviations),
                "days": [
                    {
                        "date": on,
                        "holiday": holidays[on],
                        "is_today": on == today,
                        "duties": [
                            {"person": people[duty.user_id], "start": duty.start, "end": duty.end}
                            for duty in duties[on]
                        ],
                        "changes": [c for c in own_changes if c.date == on],
                    }
                    for on in days
                ],
            }
        )
    monday = days[0]
    return {
        "number": monday.isocalendar().week,
        "first": monday,
        "last": days[-1],
        "previous": monday - timedelta(days=7),
        "next": monday + timedelta(days=7),
        "is_current": today in days,
        "teams": rows,
    }
