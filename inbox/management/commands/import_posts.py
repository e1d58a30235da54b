from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from inbox.ingest import csv_import as imports
from inbox.models import CsvImport
from strategy.models import Channel

BAR_WIDTH = 30
DELIMITER_NAMES = {"tab": "\t", "\\t": "\t", "comma": ",", "semicolon": ";"}


class Command(BaseCommand):
    help = (
        "Import posts from a CSV file into a channel, as the import page does: the file is stored as a CSV "
        "import, then its rows are imported here, with a progress bar. Rows already in the inbox are counted "
        "as duplicates; bad rows are skipped and listed with their line numbers."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path, help="The CSV file.")
        parser.add_argument("--channel", type=int, required=True, help="The id of the channel the posts are on.")
        parser.add_argument(
            "--mapping",
            nargs="+",
            action="extend",
            default=[],
            metavar="FIELD=COLUMN",
            help=(
                "Which column fills a field, where the column names are not recognised; "
                f"fields: {', '.join(imports.FIELD_NAMES)}. Give an empty column to leave a field out."
            ),
        )
        parser.add_argument("--delimiter", help="The column separator: , ; or tab (default: recognised from the file).")

    def handle(self, *args, file: Path, channel: int, mapping: list[str], delimiter: str | None, **options):
        overrides = self._parse_mapping(mapping)
        delimiter = self._parse_delimiter(delimiter)
        try:
            content = file.read_bytes()
        except OSError as exc:
            raise CommandError(f"Cannot read {file}: {exc.strerror or exc}") from exc
        target = Channel.objects.filter(pk=channel, is_active=True).first()
        if target is None:
            raise CommandError(f"There is no active channel with the id {channel}.")

        csv_import = imports.store_upload(channel=target, file_name=file.name, content=content, delimiter=delimiter)
        if csv_import.status == CsvImport.Status.FAILED:
            raise CommandError(f"{file} cannot be read: {imports.failure(csv_import)} (import #{csv_import.pk})")
        mapping = {**csv_import.mapping, **overrides}
        csv_import.mapping = {name: mapping[name] for name in imports.FIELD_NAMES if mapping.get(name)}
        csv_import.save(update_fields=["mapping"])
        self.stdout.write(
            f"Import #{csv_import.pk}: {file.name} into {target.name}, {csv_import.total_rows} rows; columns: "
            + ", ".join(f"{name}={column}" for name, column in csv_import.mapping.items())
        )

        finished = imports.run_import(import_id=csv_import.pk, progress=self._show_progress, delimiter=delimiter)
        self.stdout.write("")
        if finished is None:
            raise CommandError(f"Import #{csv_import.pk} was started elsewhere.")
        csv_import = finished
        if csv_import.status == CsvImport.Status.FAILED:
            raise CommandError(f"The import failed: {imports.failure(csv_import)}")
        self._report(csv_import)

    def _parse_mapping(self, pairs: list[str]) -> dict[str, str]:
        overrides = {}
        for pair in pairs:
            name, equals, column = pair.partition("=")
            name = name.strip()
            if not equals or name not in imports.FIELD_NAMES:
                raise CommandError(
                    f"--mapping {pair!r}: expected FIELD=COLUMN with FIELD one of {', '.join(imports.FIELD_NAMES)}."
                )
            overrides[name] = column.strip()
        return overrides

    def _parse_delimiter(self, delimiter: str | None) -> str | None:
        if delimiter is None:
            return None
        delimiter = DELIMITER_NAMES.get(delimiter, delimiter)
        if delimiter not in imports.DELIMITERS:
            raise CommandError("--delimiter: expected , ; or tab.")
        return delimiter

    def _show_progress(self, processed: int, total: int) -> None:
        filled = BAR_WIDTH * processed // total if total else BAR_WIDTH
        self.stdout.write(f"\r[{'#' * filled}{'.' * (BAR_WIDTH - filled)}] {processed}/{total}", ending="")
        self.stdout.flush()

    def _report(self, csv_import: CsvImport) -> None:
        rejected = imports.rejected_count(csv_import)
        self.stdout.write(
            self.style.SUCCESS(
                f"Imported {csv_import.imported}, duplicates {csv_import.duplicates}, rejected {rejected} "
                f"(of {csv_import.processed_rows} rows)."
            )
        )
        if csv_import.errors:
            self.stdout.write("Rejected rows:")
            for rejection in csv_import.errors:
                self.stdout.write(f"  line {rejection['line']}: {imports.describe_rejection(rejection)}")
        unlisted = rejected - len(csv_import.errors)
        if unlisted > 0:
            self.stdout.write(f"  ... and {unlisted} more, not listed.")
