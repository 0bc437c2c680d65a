from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from requests_app.backup import export_data


class Command(BaseCommand):
    help = (
        "Write every curated record, with its history and the accounts that made it (without "
        "passwords), to FILE as JSON lines. Restore it with import_data."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("file", type=Path)

    def handle(self, *args, file: Path, **options) -> None:
        try:
            written = export_data(file, report=self.stdout.write)
        except OSError as error:
            raise CommandError(f"Cannot write {file}: {error}") from error
        self.stdout.write(self.style.SUCCESS(f"Wrote {written:,} records to {file}."))
