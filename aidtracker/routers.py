"""Reads from the replica (DATABASE_REPLICA_URL), writes to the primary.

Every read outside a transaction goes to the replica. A write's transaction (the services, the
admin's forms: transaction.atomic) reads on the primary, so that what it checks is what it
changes. The page cache reads its data version like any other read, before the rows of the page:
both come from the replica, and rows are never older than the version they are cached under.
"""

from django.db import connections

PRIMARY = "default"
REPLICA = "replica"


class ReplicaRouter:
    def db_for_read(self, model, **hints) -> str:
        return PRIMARY if connections[PRIMARY].in_atomic_block else REPLICA

    def db_for_write(self, model, **hints) -> str:
        return PRIMARY

    def allow_relation(self, obj1, obj2, **hints) -> bool:
        # The replica is a copy of the primary: a row read from one may point at one of the other.
        return True

    def allow_migrate(self, db, app_label, model_name=None, **hints) -> bool:
        return db == PRIMARY
