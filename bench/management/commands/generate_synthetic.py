import time

from django.core.management.base import BaseCommand, CommandError

from bench.synthetic import Generator
from requests_app.models import AidRequest


class Command(BaseCommand):
    help = (
        "Fill the database with synthetic data for benchmarks: N requests with about 3N "
        "responses, 4N citations whose quotes occur in their articles, N/5 articles, actors, "
        "items and stances. Deterministic for a seed. Use a database of its own."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("--requests", type=int, default=1000, help="How many requests.")
        parser.add_argument("--seed", type=int, default=1, help="Same seed, same data.")

    def handle(self, *args, requests: int, seed: int, **options) -> None:
        if requests < 1:
            raise CommandError("--requests must be at least 1.")
        if AidRequest.objects.filter(slug__startswith="syn-").exists():
            raise CommandError("This database already holds synthetic data: use an empty one.")
        started = time.monotonic()
        Generator(requests, seed, report=self.stdout.write).run()
        elapsed = time.monotonic() - started
        self.stdout.write(
            self.style.SUCCESS(f"Generated {requests:,} requests in {elapsed:.0f} s.")
        )
