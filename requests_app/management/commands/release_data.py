from django.core.management.base import BaseCommand, CommandError

from requests_app.releases import ReleaseError, release_data


class Command(BaseCommand):
    help = (
        "Publish every curated record as a new data release: a Frictionless Data Package (one "
        "CSV per table, datapackage.json, a changelog against the previous release) and its "
        "zip, in the default storage, listed at /data/."
    )

    def handle(self, *args, **options) -> None:
        try:
            release = release_data(report=self.stdout.write)
        except (OSError, ReleaseError) as error:
            raise CommandError(f"No release was published. {error}") from error
        self.stdout.write(
            self.style.SUCCESS(
                f"Published release {release.number}: {sum(release.counts.values()):,} rows, "
                f"sha256 {release.sha256}."
            )
        )
