from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from requests_app.backup import RestoreError
from requests_app.releases import ReleaseError, load_release


class Command(BaseCommand):
    help = (
        "Load a data release (its zip, or the folder of its datapackage.json) into a migrated "
        "database that holds no curated records yet: all of it or nothing."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("release", type=Path)

    def handle(self, *args, release: Path, **options) -> None:
        try:
            loaded = load_release(release, report=self.stdout.write)
        except (ReleaseError, RestoreError) as error:
            raise CommandError(f"Nothing was loaded. {error}") from error
        self.stdout.write(self.style.SUCCESS(f"Loaded {loaded:,} rows from {release}."))
