from collections import Counter
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from requests_app.models import SourceArticle
from requests_app.services import FixtureError, fixtures_load


class Command(BaseCommand):
    help = (
        "Load the curated fixtures (default: every fixtures/*.json, in name order) in one "
        "transaction. Idempotent: records are matched by natural key and only changes are saved. "
        "A fixture with a bad quote or a dangling reference loads nothing."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("files", nargs="*", type=Path, help="Fixture files to load instead.")
        parser.add_argument(
            "--if-empty",
            action="store_true",
            help="Load only into a database that holds no articles yet (a first start).",
        )

    def handle(self, *args, files: list[Path], if_empty: bool, **options) -> None:
        if if_empty and SourceArticle.objects.exists():
            self.stdout.write("The database already holds articles: seed data not loaded.")
            return
        paths = files or sorted((settings.BASE_DIR / "fixtures").glob("*.json"))
        if not paths:
            raise CommandError("No fixture files to load.")
        verbose = options["verbosity"] > 0
        try:
            counts = fixtures_load(paths=paths, report=self.report if verbose else None)
        except FixtureError as error:
            raise CommandError(f"Nothing was loaded. {error}") from error
        if verbose:
            self.stdout.write(self.style.SUCCESS(f"Seed data loaded: {self.describe(counts)}."))

    def report(self, name: str, counts: Counter) -> None:
        self.stdout.write(f"  {name}: {self.describe(counts)}")

    @staticmethod
    def describe(counts: Counter) -> str:
        return ", ".join(f"{counts[key]} {key}" for key in ("created", "updated", "unchanged"))
