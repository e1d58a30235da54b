"""
The rulebook compiler: the strategy's rules, claims, themes and response policies, as
the communication unit keeps them (strategy.models), turned into what the pure
`engine` and `deadlines` modules take.
"""

from django.db.models import Count, Max

from strategy.models import Channel, KnownClaim, ReplyRule, ResponsePolicy, Theme

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


def policy_for(channel: Channel | None, priority: str) -> deadlines.Policy:
    """The most specific response policy: this channel and priority, then either, then neither."""
    candidates = {
        (p.channel_id, p.priority): p
        for p in ResponsePolicy.objects.filter(channel__in=[channel] if channel else []).union(
            ResponsePolicy.objects.filter(channel__isnull=True)
        )
    }
    channel_id = channel.pk if channel else None
    for key in ((channel_id, priority), (channel_id, ""), (None, priority), (None, "")):
        policy = candidates.get(key)
        if policy is not None:
            return deadlines.Policy(
                same_day_cutoff=policy.same_day_cutoff,
                promptly_hours=policy.promptly_hours,
                target_hours=policy.target_hours,
                working_start=policy.working_start,
                working_end=policy.working_end,
                on_duty_start=policy.on_duty_start,
                on_duty_end=policy.on_duty_end,
            )
    return deadlines.DEFAULT_POLICY
