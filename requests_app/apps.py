from django.apps import AppConfig
from django.db.models.signals import post_migrate


class RequestsAppConfig(AppConfig):
    name = "requests_app"
    verbose_name = "Aid requests"

    def ready(self) -> None:
        # Registers the API's schema extensions with drf-spectacular.
        from .api import schema  # noqa: F401
        from .triggers import install_after_migrate

        # The data version's triggers, put back after any migration that rebuilt a table.
        post_migrate.connect(install_after_migrate, sender=self)
