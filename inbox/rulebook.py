"""
The rules triage works by, as the communication unit keeps them: reply rules, known
false claims, response policies and the responsibility matrix. Loading the defaults
from strategy/data/reply_rules.yaml, and turning the rows into what the pure
`triage` and `deadlines` modules take.
"""

from dataclasses import dataclass
from datetime import time
from decimal import Decimal
from pathlib import Path

import yaml
from django.db import transaction
from django.db.models import Count, Max

from strategy.models import Channel, Guideline, Team, Theme

from . import deadlines, triage
from .models import KnownClaim, ReplyRule, ResponsePolicy, ResponsibilityRule, SavedReply

RULES_FILE = Path(__file__).resolve().parents[1] / "strategy" / "data" / "reply_rules.yaml"

# The strategy's defaults; urgent posts (a dissatisfied customer with a technical
# problem) get a shorter target of two service hours.
DEFAULT_POLICIES = [
    {"priority": "", "same_day_cutoff": time(14), "promptly_hours": Decimal(4), "target_hours": None},
    {"priority": "urgent", "same_day_cutoff": time(14), "promptly_hours": Decimal(4), "target_hours": Decimal(2)},
]
# category -> team slug; the communication unit takes whatever has no line.
DEFAULT_MATRIX = {
    "product_question": "customer-service",
    "dissatisfied_customer": "customer-service",
    "technical_problem": "technical-support",
    "factual_error": "communication-unit",
    "negative": "communication-unit",
}
FALLBACK_TEAM = "communication-unit"


@dataclass
class RulebookReport:
    created: int = 0
    updated: int = 0
    unchanged: int = 0


def load_rulebook(path: Path = RULES_FILE) -> RulebookReport:
    """
    Install the default reply rules and known claims from the data file, and the default
    response policies and responsibility matrix when there are none. Idempotent by slug;
    rows the file does not name are left alone.
    """
    data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    report = RulebookReport()
    teams = {team.slug: team for team in Team.objects.all()}
    guidelines = {g.slug: g for g in Guideline.objects.all()}
    with transaction.atomic():
        for order, entry in enumerate(data.get("rules") or []):
            keywords = entry.get("keywords") or {}
            values = {
                "name_nb": entry["name"]["nb"],
                "name_en": entry["name"]["en"],
                "category": entry["category"],
                "keywords_nb": "\n".join(keywords.get("nb") or []),
                "keywords_en": "\n".join(keywords.get("en") or []),
                "regex": entry.get("regex") or "",
                "requires_question": bool(entry.get("requires_question", False)),
                "sentiment_at_most": entry.get("sentiment_at_most"),
                "priority": entry.get("priority", "normal"),
                "team": teams.get(entry.get("team", "")),
                "guideline": guidelines.get(entry.get("guideline", "")),
                "order": entry.get("order", order),
            }
            _upsert(ReplyRule, entry["slug"], values, report)
        for entry in data.get("claims") or []:
            values = {
                "pattern": entry["pattern"],
                "correction_nb": entry["correction"]["nb"],
                "correction_en": entry["correction"]["en"],
                "url": entry.get("url", ""),
            }
            _upsert(KnownClaim, entry["slug"], values, report)
        for entry in data.get("saved_replies") or []:
            # Only when missing: the communication unit's edits in the product stay.
            _, created = SavedReply.objects.get_or_create(
                slug=entry["slug"],
                defaults={
                    "title": entry["title"],
                    "category": entry.get("category", ""),
                    "language": entry["language"],
                    "text": entry["text"].strip(),
                },
            )
            report.created += int(created)
        if not ResponsePolicy.objects.exists():
            for policy in DEFAULT_POLICIES:
                ResponsePolicy.objects.create(
                    channel=None,
                    working_start=deadlines.DEFAULT_POLICY.working_start,
                    working_end=deadlines.DEFAULT_POLICY.working_end,
                    on_duty_start=deadlines.DEFAULT_POLICY.on_duty_start,
                    on_duty_end=deadlines.DEFAULT_POLICY.on_duty_end,
                    **policy,
                )
                report.created += 1
        if not ResponsibilityRule.objects.exists():
            for category, slug in DEFAULT_MATRIX.items():
                if slug in teams:
                    ResponsibilityRule.objects.create(category=category, team=teams[slug])
                    report.created += 1
    return report


def _upsert(model, slug: str, values: dict, report: RulebookReport) -> None:
    instance = model.objects.filter(slug=slug).first()
    if instance is None:
        model.objects.create(slug=slug, **values)
        report.created += 1
        return
    changed = [name for name, value in values.items() if getattr(instance, name) != value]
    if changed:
        for name in changed:
            setattr(instance, name, values[name])
        instance.save()
        report.updated += 1
    else:
        report.unchanged += 1


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


def responsible_team(
    *, categories: tuple[str, ...], channel: Channel, theme: Theme | None = None, rule_team: str = ""
) -> Team | None:
    """
    The team that answers for a post, by the responsibility matrix: for each of the
    post's categories in turn, the most specific line (category with channel and theme,
    then channel, then theme, then the category alone); then lines without a category
    for the channel or theme; then the team of the rule that matched; then the
    communication unit.
    """
    lines = {
        (line.category, line.channel_id, line.theme_id): line.team
        for line in ResponsibilityRule.objects.select_related("team")
    }
    theme_id = theme.pk if theme else None
    specific = [(channel.pk, theme_id), (channel.pk, None), (None, theme_id), (None, None)]
    for category in (*categories, ""):
        for wanted_channel, wanted_theme in specific:
            if category == "" and (wanted_channel, wanted_theme) == (None, None):
                continue  # a line for nothing at all is the fallback below, not a match
            team = lines.get((category, wanted_channel, wanted_theme))
            if team is not None:
                return team
    if rule_team:
        team = Team.objects.filter(slug=rule_team).first()
        if team is not None:
            return team
    return Team.objects.filter(slug=FALLBACK_TEAM).first()
