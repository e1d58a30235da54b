"""
The strategy's sections 8 and 9 as the communication unit keeps them: the "always
reply" rules, the known false claims, the response policies and the responsibility
matrix. Their defaults come from data/reply_rules.yaml; the inbox compiles the rows
into what its triage engine takes.
"""

from dataclasses import dataclass
from datetime import time
from decimal import Decimal
from pathlib import Path

from django.db import transaction

from socialstrategy.yamlfiles import read_yaml

from .models import Guideline, KnownClaim, ReplyRule, ResponsePolicy, ResponsibilityRule, Team
from .signals import strategy_loaded

RULES_FILE = Path(__file__).resolve().parent / "data" / "reply_rules.yaml"

# The strategy's service hours (section 9), in Europe/Oslo: working hours on working
# days, on-duty hours on weekends and public holidays.
SERVICE_HOURS = {
    "working_start": time(8),
    "working_end": time(16),
    "on_duty_start": time(9),
    "on_duty_end": time(21),
}
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


def load_rules(path: Path = RULES_FILE) -> RulebookReport:
    """
    Install the default reply rules and known claims from the data file, and the default
    response policies and responsibility matrix when there are none. Idempotent by slug;
    rows the file does not name are left alone. Then tells the apps (`strategy_loaded`),
    so that the inbox installs the file's default saved replies.
    """
    data = read_yaml(path) or {}
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
        if not ResponsePolicy.objects.exists():
            for policy in DEFAULT_POLICIES:
                ResponsePolicy.objects.create(
                    channel=None,
                    **SERVICE_HOURS,
                    **policy,
                )
                report.created += 1
        if not ResponsibilityRule.objects.exists():
            for category, slug in DEFAULT_MATRIX.items():
                if slug in teams:
                    ResponsibilityRule.objects.create(category=category, team=teams[slug])
                    report.created += 1
    # Each receiver answers how many rows of its own it created.
    for _receiver, created in strategy_loaded.send(sender=ReplyRule, data=data):
        report.created += created or 0
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
