import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from inbox.triage.evaluation import LabelledFileError, evaluate, format_report, read_labelled
from inbox.triage.rulebook import compiled_triage


class Command(BaseCommand):
    help = (
        "Triage labelled posts (JSON Lines: id, channel, lang, text, expected {must_reply, categories}) with the "
        "enabled rules in the database, and print precision, recall and F1 per category and for must-reply."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path, help="The labelled posts, one JSON object a line.")
        parser.add_argument("--json", action="store_true", help="Print one JSON object with the figures.")

    def handle(self, *args, file: Path, json: bool, **options):
        try:
            posts = read_labelled(file)
        except OSError as exc:
            raise CommandError(f"Cannot read {file}: {exc}") from exc
        except LabelledFileError as exc:
            raise CommandError(f"{file}: {exc}") from exc
        triage = compiled_triage()
        if not triage.rules:
            raise CommandError("No enabled reply rules: run `python manage.py load_strategy` first.")
        report = evaluate(triage, posts)
        if json:
            self.stdout.write(_dumps(report.as_dict()))
        else:
            self.stdout.write(format_report(report))


def _dumps(data: dict) -> str:
    return json.dumps(data, indent=None, sort_keys=True)
