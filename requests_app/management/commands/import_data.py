from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from requests_app.backup import RestoreError, import_data


class Command(BaseCommand):
    help = (
        "Restore a backup written by export_data into an empty, migrated database: all of it "
        "or nothing, once its checksum proves it whole. Accounts come back inactive and without "
        "passwords."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("file", type=Path)
        parser.add_argument(
            "--unchecked",
            action="store_true",
            help="Restore a backup of format 1, which has no checksum to prove it complete.",
        )

    def handle(self, *args, file: Path, unchecked: bool, **options) -> None:
        try:
            loaded = import_data(file, report=self.stdout.write, unchecked=unchecked)
        except RestoreError as error:
            raise CommandError(f"Nothing was restored. {error}") from error
        self.stdout.write(self.style.SUCCESS(f"Restored {loaded:,} records from {file}."))
