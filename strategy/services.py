"""Writes to the strategy: loading it from its data file."""

from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import yaml
from django.conf import settings
from django.db import models, transaction

from socialstrategy.yamlfiles import read_yaml

from .models import Channel, Goal, Guideline, Purpose, TargetGroup, Team, Theme

DEFAULT_STRATEGY_FILE = Path(__file__).resolve().parent / "data" / "strategy.yaml"
LANGUAGES = [code for code, _name in settings.LANGUAGES]

# Per installation, not per strategy: set when a channel is created from the file,
# then owned by whoever connects the real page or account.
CHANNEL_INSTALLATION_FIELDS = ("handle", "external_id", "is_active")


class StrategyFileError(ValueError):
    """The strategy file is not what load_strategy expects; the message says where."""


@dataclass
class LoadReport:
    created: Counter = field(default_factory=Counter)
    updated: Counter = field(default_factory=Counter)
    unchanged: Counter = field(default_factory=Counter)

    @property
    def changed(self) -> bool:
        return bool(self.created or self.updated)

    def lines(self) -> list[str]:
        names = list(dict.fromkeys([*self.created, *self.updated, *self.unchanged]))
        return [
            f"{name}: {self.created[name]} created, {self.updated[name]} updated, {self.unchanged[name]} unchanged"
            for name in names
        ]


def read_strategy_file(path: Path) -> dict:
    try:
        data = read_yaml(path)
    except (OSError, yaml.YAMLError) as exc:
        raise StrategyFileError(f"{path}: {exc}") from exc
    if not isinstance(data, dict):
        raise StrategyFileError(f"{path}: expected a mapping of sections at the top level")
    return data


def load_strategy(data: dict) -> LoadReport:
    """
    Make the strategy in the database match `data` (read from the strategy file).

    Upserts by slug, and writes only what differs, so that running it twice changes
    nothing. Rows the file does not mention are left alone.
    """
    report = LoadReport()
    loader = _Loader(report)
    with transaction.atomic():
        goals = {
            e["slug"]: loader.upsert(Goal, e, ["order"], ["title", "description"]) for e in _entries(data, "goals")
        }
        groups = {
            e["slug"]: loader.upsert(TargetGroup, e, ["priority", "order"], ["name", "description"])
            for e in _entries(data, "target_groups")
        }
        purposes = {e["slug"]: loader.upsert(Purpose, e, [], ["name"]) for e in _entries(data, "purposes")}
        for entry in _entries(data, "channels"):
            channel = loader.upsert(
                Channel,
                entry,
                ["platform", "name"],
                ["usage"],
                create_only=CHANNEL_INSTALLATION_FIELDS,
            )
            loader.set_related(channel, "purposes", _refs(entry, "purposes", purposes, "channels"))
            loader.set_related(channel, "audiences", _refs(entry, "audiences", groups, "channels"))
            loader.set_related(channel, "goals", _refs(entry, "goals", goals, "channels"))
        for entry in _entries(data, "themes"):
            entry = {**entry, "keywords": "\n".join(entry.get("keywords") or [])}
            theme = loader.upsert(Theme, entry, ["order", "keywords"], ["name", "description"])
            loader.set_related(theme, "goals", _refs(entry, "goals", goals, "themes"))
            loader.set_related(theme, "target_groups", _refs(entry, "target_groups", groups, "themes"))
        for entry in _entries(data, "teams"):
            loader.upsert(Team, entry, ["email"], ["name", "description"])
        for entry in _entries(data, "guidelines"):
            loader.upsert(Guideline, entry, ["section", "order"], ["title", "body"])
    return report


def _entries(data: dict, section: str) -> list[dict]:
    entries = data.get(section) or []
    if not isinstance(entries, list):
        raise StrategyFileError(f"{section}: expected a list")
    for index, entry in enumerate(entries, start=1):
        if not isinstance(entry, dict) or not entry.get("slug"):
            raise StrategyFileError(f"{section}, entry {index}: every entry needs a slug")
    return entries


def _refs(entry: dict, key: str, known: dict, section: str) -> list[models.Model]:
    slugs = entry.get(key) or []
    missing = [slug for slug in slugs if slug not in known]
    if missing:
        raise StrategyFileError(f"{section}, {entry['slug']}: unknown {key}: {', '.join(missing)}")
    return [known[slug] for slug in slugs]


class _Loader:
    def __init__(self, report: LoadReport):
        self.report = report

    def upsert(
        self,
        model: type[models.Model],
        entry: dict,
        plain: list[str],
        translated: list[str],
        create_only: tuple[str, ...] = (),
    ) -> models.Model:
        label = model.__name__
        values = {}
        for name in plain:
            values[name] = _required(entry, name, model)
        for name in translated:
            texts = entry.get(name) or {}
            if not isinstance(texts, dict) or not texts.get(LANGUAGES[0]):
                raise StrategyFileError(
                    f"{model._meta.model_name} {entry['slug']}: {name} needs a text for each of {', '.join(LANGUAGES)}"
                )
            for language in LANGUAGES:
                values[f"{name}_{language}"] = (texts.get(language) or "").strip()
        initial = {name: entry[name] for name in create_only if name in entry}

        instance = model.objects.filter(slug=entry["slug"]).first()
        if instance is None:
            instance = model.objects.create(slug=entry["slug"], **values, **initial)
            self.report.created[label] += 1
            return instance
        changed = [name for name, value in values.items() if getattr(instance, name) != value]
        if changed:
            for name in changed:
                setattr(instance, name, values[name])
            # auto_now fields are written only when named in update_fields.
            auto_now = [f.name for f in model._meta.concrete_fields if getattr(f, "auto_now", False)]
            instance.save(update_fields=changed + auto_now)
            self.report.updated[label] += 1
        else:
            self.report.unchanged[label] += 1
        return instance

    def set_related(self, instance: models.Model, name: str, targets: list[models.Model]) -> None:
        manager = getattr(instance, name)
        if {obj.pk for obj in manager.all()} != {obj.pk for obj in targets}:
            manager.set(targets)
            self.report.updated[f"{type(instance).__name__}.{name}"] += 1


def _required(entry: dict, name: str, model: type[models.Model]):
    if name not in entry:
        raise StrategyFileError(f"{model._meta.model_name} {entry['slug']}: missing {name}")
    value = entry[name]
    return value.strip() if isinstance(value, str) else value
