from django.apps import AppConfig


class RequestsAppConfig(AppConfig):
    name = "requests_app"
    verbose_name = "Aid requests"

    def ready(self) -> None:
        # Registers the API's schema extensions with drf-spectacular.
        from .api import schema  # noqa: F401
