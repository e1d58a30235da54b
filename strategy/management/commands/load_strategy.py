from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from strategy.rules import load_rules
from strategy.services import DEFAULT_STRATEGY_FILE, StrategyFileError, load_strategy, read_strategy_file


class Command(BaseCommand):
    help = (
        "Load the social media strategy (goals, target groups, channels, themes, teams, guidelines) "
        "from its data file. Idempotent: a second run changes nothing."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "path",
            nargs="?",
            type=Path,
            default=DEFAULT_STRATEGY_FILE,
            help="The strategy file (default: strategy/data/strategy.yaml).",
        )

    def handle(self, *args, path: Path, **options):
        try:
            report = load_strategy(read_strategy_file(path))
        except StrategyFileError as exc:
            raise CommandError(f"The strategy was not loaded: {exc}") from exc
        for line in report.lines():
            self.stdout.write(f"  {line}")
        # The reply rules, claims, policies and matrix: sections 8 and 9 of the same strategy.
        rules = load_rules()
        self.stdout.write(
            f"  Reply rules, claims, policies, matrix, saved replies: {rules.created} created, "
            f"{rules.updated} updated, {rules.unchanged} unchanged"
        )
        if report.changed or rules.created or rules.updated:
            self.stdout.write(self.style.SUCCESS(f"Strategy loaded from {path}."))
        else:
            self.stdout.write(self.style.SUCCESS(f"Strategy already up to date with {path}; nothing changed."))
