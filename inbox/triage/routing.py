"""
Routing, in one place: the team that answers for a post (the strategy's
responsibility matrix), and within it the person (the member on duty with the fewest
open must-reply posts).
"""

from dataclasses import dataclass
from datetime import datetime

from django.contrib.auth import get_user_model
from django.db.models import Count, Q
from django.utils.translation import gettext_lazy as _

from strategy import rota
from strategy.models import Channel, Team, Theme
from strategy.rules import FALLBACK_TEAM

from ..models import Post
from . import rulebook

# Said in the decision when the post goes outside its team (in the site's language).
NOBODY_IN_TEAM = _("Nobody in %(team)s is on duty then: the communication unit's member on duty takes it.")
NOBODY_ON_DUTY = _(
    "Nobody in %(team)s or the communication unit is on duty then: the communication unit's least busy member takes it."
)

OPEN_STATUSES = (Post.Status.NEW, Post.Status.OPEN)


@dataclass(frozen=True)
class Pick:
    """The person a post goes to, and why when it is not the team's own member on duty."""

    user: object | None
    note: str = ""


def on_duty(team_id: int, at: datetime, tables: rulebook.Tables | None = None) -> frozenset[int]:
    """
    The team's members on duty at `at`: by its rota when it has one (shifts and the
    dated changes to them), else every member marked as taking posts.
    """
    tables = tables or rulebook.tables()
    return rota.team_on_duty(
        dict(tables.members.get(team_id, ())), tables.shifts.get(team_id, ()), tables.deviations.get(team_id, ()), at
    )


def person_for(team: Team, at: datetime) -> Pick:
    """
    The person for a new must-reply post of `team`, when its deadline clock runs (`at`):
    the team's member on duty then with the fewest open must-reply posts; when the team
    has nobody on duty then, the communication unit's member on duty; when nobody is,
    the communication unit's least busy member. A post is never left without a person
    while the communication unit has one.
    """
    tables = rulebook.tables()
    user = _least_busy(on_duty(team.pk, at, tables))
    if user is not None:
        return Pick(user)
    unit = tables.team(FALLBACK_TEAM)
    if unit is None:
        return Pick(None)
    if unit.pk != team.pk:
        user = _least_busy(on_duty(unit.pk, at, tables))
        if user is not None:
            return Pick(user, NOBODY_IN_TEAM % {"team": team.name})
    user = _least_busy(user_id for user_id, _takes in tables.members.get(unit.pk, ()))
    return Pick(user, NOBODY_ON_DUTY % {"team": team.name} if user is not None else "")


def _least_busy(user_ids):
    user_ids = list(user_ids)
    if not user_ids:
        return None
    open_work = Q(
        assigned_posts__must_reply=True,
        assigned_posts__first_response_at__isnull=True,
        assigned_posts__deleted_at__isnull=True,
        assigned_posts__status__in=OPEN_STATUSES,
    )
    return (
        get_user_model()
        .objects.filter(pk__in=user_ids, is_active=True)
        .annotate(open_posts=Count("assigned_posts", filter=open_work))
        .order_by("open_posts", "pk")
        .first()
    )


def responsible_team(
    *, categories: tuple[str, ...], channel: Channel | int, theme: Theme | None = None, rule_team: str = ""
) -> Team | None:
    """
    The team that answers for a post, by the responsibility matrix: for each of the
    post's categories in turn, the most specific line (category with channel and theme,
    then channel, then theme, then the category alone); then lines without a category
    for the channel or theme; then the team of the rule that matched; then the
    communication unit.
    """
    tables = rulebook.tables()
    channel_id = channel.pk if isinstance(channel, Channel) else channel
    theme_id = theme.pk if theme else None
    specific = [(channel_id, theme_id), (channel_id, None), (None, theme_id), (None, None)]
    for category in (*categories, ""):
        for wanted_channel, wanted_theme in specific:
            if category == "" and (wanted_channel, wanted_theme) == (None, None):
                continue  # a line for nothing at all is the fallback below, not a match
            team_id = tables.matrix.get((category, wanted_channel, wanted_theme))
            if team_id is not None:
                return tables.teams.get(team_id)
    return (tables.team(rule_team) if rule_team else None) or tables.team(FALLBACK_TEAM)
