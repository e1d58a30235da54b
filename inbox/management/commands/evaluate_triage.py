import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from inbox.triage import learned
from inbox.triage.evaluation import LabelledFileError, evaluate, format_report, read_labelled
from inbox.triage.rulebook import compiled_triage


class Command(BaseCommand):
    help = (
        "Triage labelled posts (JSON Lines: id, channel, lang, text, expected {must_reply, categories}) with the "
        "enabled rules in the database and the active learned model, and print precision, recall and F1 per "
        "category and for must-reply, and for needs a look: recall (must reply or needs a look, of the posts "
        "that must be answered), share (of all posts) and precision."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path, help="The labelled posts, one JSON object a line.")
        parser.add_argument("--json", action="store_true", help="Print one JSON object with the figures.")
        parser.add_argument(
            "--rules-only", action="store_true", help="The rules alone, without the active learned model."
        )

    def handle(self, *args, file: Path, json: bool, rules_only: bool, **options):
        try:
            posts = read_labelled(file)
        except OSError as exc:
            raise CommandError(f"Cannot read {file}: {exc}") from exc
        except LabelledFileError as exc:
            raise CommandError(f"{file}: {exc}") from exc
        rules = compiled_triage()
        if not rules.rules:
            raise CommandError("No enabled reply rules: run `python manage.py load_strategy` first.")
        report = evaluate(rules if rules_only else learned.current_triage(), posts)
        if json:
            self.stdout.write(_dumps(report.as_dict()))
        else:
            self.stdout.write(format_report(report))


def _dumps(data: dict) -> str:
    return json.dumps(data, indent=None, sort_keys=True)
