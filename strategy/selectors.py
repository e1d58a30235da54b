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
