"""Within the responsible team, who answers: the member on duty with the fewest open must-reply posts."""

from django.db.models import Count, Q

from strategy.models import Team, TeamMembership

from .models import Post

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
