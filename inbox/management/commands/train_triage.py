from django.core.management.base import BaseCommand, CommandError

from inbox.models import TriageModel
from inbox.triage import learned


class Command(BaseCommand):
    help = (
        "Train a new version of the learned triage model on the labelled posts the product ships with and on "
        "people's triage decisions, measure it on the blind set, and activate it when it is not worse there "
        "than the active version."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--if-none", action="store_true", help="Train only when no version is active (for make demo)."
        )
        parser.add_argument("--no-activate", action="store_true", help="Store the version without activating it.")

    def handle(self, *args, if_none: bool, no_activate: bool, **options):
        if if_none and TriageModel.objects.filter(is_active=True).exists():
            self.stdout.write("A triage model is active; nothing trained.")
            return
        try:
            record = learned.train_model(note="train_triage", activate=not no_activate)
        except ValueError as exc:
            raise CommandError(str(exc)) from exc
        counts = ", ".join(f"{count} {source}" for source, count in sorted(record.training_counts.items()))
        self.stdout.write(f"Trained {record.version} on {counts}.")
        blind = record.blind_figures
        if blind:
            must, caught = blind["must_reply"], blind["needs_look"]
            self.stdout.write(
                f"Blind set ({blind['n']} posts): must reply precision {must['precision']:.3f} recall "
                f"{must['recall']:.3f} f1 {must['f1']:.3f}; with needs a look recall {caught['recall']:.3f}, "
                f"share {caught['share']:.3f}."
            )
        self.stdout.write(
            "Active." if record.is_active else "Not activated: worse on the blind set than the active one."
        )
