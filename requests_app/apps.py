from django.apps import AppConfig
from django.db.models.signals import post_migrate


class RequestsAppConfig(AppConfig):
    name = "requests_app"
    verbose_name = "Aid requests"

    def ready(self) -> None:
        # Registers the API's schema extensions with drf-spectacular.
        from aidtracker import sessions  # noqa: F401  (a session's first write, at login)

        from . import tallies, triggers
        from .api import schema  # noqa: F401

        # The data version's and the tallies' triggers, put back after any migration that
        # rebuilt a table.
        post_migrate.connect(triggers.install_after_migrate, sender=self)
        post_migrate.connect(tallies.install_after_migrate, sender=self)
