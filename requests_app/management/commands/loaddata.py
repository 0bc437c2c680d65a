"""Django's loaddata, with what the services do on a write.

loaddata saves each row as the fixture gives it (a raw save), past the services. Here a row
without timestamps is dated as a save would date it (a row it replaces keeps its creation
time), and every request the loaded rows touch, before and after, gets its status, latest
answer and reported history derived again, in loaddata's transaction. (`load_seed` loads
the curated fixtures through the services instead, checking every quote.)"""

from django.core.management.base import CommandError
from django.core.management.commands import loaddata
from django.db import DEFAULT_DB_ALIAS
from django.db.models.signals import post_save, pre_save
from django.utils import timezone

from requests_app.models import AidRequest, AidResponse
from requests_app.models.base import TimeStampedModel, version_lock
from requests_app.services import requests_derive
from requests_app.services.history import requests_reported_by


def requests_touched(record) -> list[int]:
    """The requests whose derived fields a row written as it is given can change."""
    if isinstance(record, AidRequest):
        return [record.pk]
    if isinstance(record, AidResponse):
        return [record.request_id]
    return requests_reported_by(record)


class Command(loaddata.Command):
    def loaddata(self, fixture_labels) -> None:
        if self.using != DEFAULT_DB_ALIAS:
            raise CommandError("Fixtures load into the default database: the others follow it.")
        version_lock(self.using)  # inside loaddata's transaction, before any row is written
        now = timezone.now()
        touched: set[int] = set()

        def before(sender, instance, raw: bool, **kwargs) -> None:
            if not raw or not isinstance(instance, TimeStampedModel):
                return
            stored = sender._base_manager.filter(pk=instance.pk).first() if instance.pk else None
            if stored is not None:  # an answer or a citation may move to another request
                touched.update(requests_touched(stored))
            instance.created_at = instance.created_at or getattr(stored, "created_at", now)
            instance.updated_at = instance.updated_at or now

        def after(sender, instance, raw: bool, **kwargs) -> None:
            if raw:
                touched.update(requests_touched(instance))

        pre_save.connect(before, weak=False)
        post_save.connect(after, weak=False)
        try:
            super().loaddata(fixture_labels)
        finally:
            pre_save.disconnect(before)
            post_save.disconnect(after)
        requests_derive(request_ids=touched, report=self.derived if self.verbosity else None)

    def derived(self, done: int, total: int) -> None:
        self.stdout.write(f"Derived the status and history of {done:,} of {total:,} requests")
