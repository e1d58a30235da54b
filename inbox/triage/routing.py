"""
Routing, in one place: the team that answers for a post (the strategy's
responsibility matrix), and within it the person (the member on duty with the fewest
open must-reply posts).
"""

from django.db.models import Count, Q

from strategy.models import Channel, Team, TeamMembership, Theme
from strategy.rules import FALLBACK_TEAM

from ..models import Post
from . import rulebook

OPEN_STATUSES = (Post.Status.NEW, Post.Status.OPEN)


def pick_member(team: Team):
    """The user to route a new must-reply post to, or None when nobody in the team is on duty."""
    open_work = Q(
        user__assigned_posts__must_reply=True,
        user__assigned_posts__first_response_at__isnull=True,
        user__assigned_posts__deleted_at__isnull=True,
        user__assigned_posts__status__in=OPEN_STATUSES,
    )
    membership = (
        TeamMembership.objects.filter(team=team, on_duty=True, user__is_active=True)
        .annotate(open_posts=Count("user__assigned_posts", filter=open_work))
        .select_related("user")
        .order_by("open_posts", "user_id")
        .first()
    )
    return membership.user if membership else None


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
