from django.db import models
from django.urls import reverse
from django.utils import timezone


class DataRelease(models.Model):
    """A published copy of every curated record as a Frictionless Data Package (written by
    `manage.py release_data`, requests_app/releases.py): its files are in the default storage
    under releases/<number>/, and never change once written."""

    number = models.CharField(
        max_length=20,
        unique=True,
        help_text="The day of the release, with .2, .3… for a second or third release that day.",
    )
    released_on = models.DateField(help_text="The day (UTC) of the release.")
    created_at = models.DateTimeField(
        default=timezone.now, help_text="When it was made: its package's `created` time."
    )
    sha256 = models.CharField(max_length=64, help_text="The SHA-256 of the release's zip file.")
    size = models.PositiveBigIntegerField(help_text="The size of the zip file, in bytes.")
    counts = models.JSONField(help_text="How many rows each table of the package holds.")
    changes = models.JSONField(
        help_text="How many records were added, changed and deleted since the previous release."
    )

    class Meta:
        ordering = ["-created_at", "-pk"]
        get_latest_by = ["created_at", "pk"]

    def __str__(self) -> str:
        return f"Data release {self.number}"

    def get_absolute_url(self) -> str:
        return reverse("tracker:release-detail", args=[self.number])

    @property
    def folder(self) -> str:
        """Where its files are in the default storage."""
        return f"releases/{self.number}"

    @property
    def zip_name(self) -> str:
        return f"aidtracker-data-{self.number}.zip"

    @property
    def files(self) -> list[str]:
        """Every file of the release, its package's and the zip of them all."""
        return [
            "datapackage.json",
            "CHANGELOG.md",
            "changelog.json",
            *(f"{name}.csv" for name in self.counts),
            self.zip_name,
        ]
