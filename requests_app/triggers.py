"""The data version, raised by the database itself on every write to a curated table.

Pages are cached under the data version (aidtracker/cache.py). A trigger on every curated
table, and on the tables of their many-to-many links, raises it in the writer's transaction,
so no write path (the services, the admin, the API, loaddata, a shell, raw SQL) can leave a
cached page stale. A migration installs the triggers; they are installed again after every
migrate, because SQLite drops a table's triggers when a migration rebuilds the table.
"""

from django.apps import apps

VERSION_TABLE = "requests_app_dataversion"
# Makes the version's row if a flush emptied the table, then counts the write and its time
# (the Last-Modified of every page).
BUMP = (
    f"INSERT INTO {VERSION_TABLE} (id, number) VALUES (1, 0) ON CONFLICT (id) DO NOTHING; "
    f"UPDATE {VERSION_TABLE} SET number = number + 1, changed_at = CURRENT_TIMESTAMP "
    "WHERE id = 1;"
)


def curated_tables() -> list[str]:
    """The tables of the curated records and of their many-to-many links."""
    from .models import CURATED

    tables = []
    for model in CURATED:
        tables.append(model._meta.db_table)
        tables += [
            field.remote_field.through._meta.db_table for field in model._meta.local_many_to_many
        ]
    return tables


def install(connection) -> None:
    """Create (or re-create) the triggers on every curated table."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "CREATE OR REPLACE FUNCTION aidtracker_data_version_bump() RETURNS trigger "
                f"LANGUAGE plpgsql AS $$ BEGIN {BUMP} RETURN NULL; END $$"
            )
        for table in curated_tables():
            name = f"{table}_data_version"
            if connection.vendor == "postgresql":
                cursor.execute(f'DROP TRIGGER IF EXISTS "{name}" ON "{table}"')
                # Once a statement: a bulk insert of 100,000 rows raises the version once.
                cursor.execute(
                    f'CREATE TRIGGER "{name}" AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE '
                    f'ON "{table}" FOR EACH STATEMENT '
                    "EXECUTE FUNCTION aidtracker_data_version_bump()"
                )
            else:
                for event in ("INSERT", "UPDATE", "DELETE"):
                    trigger = f"{name}_{event.lower()}"
                    cursor.execute(f'DROP TRIGGER IF EXISTS "{trigger}"')
                    cursor.execute(
                        f'CREATE TRIGGER "{trigger}" AFTER {event} ON "{table}" '
                        f"FOR EACH ROW BEGIN {BUMP} END"
                    )


def install_after_migrate(sender, using: str, **kwargs) -> None:
    """post_migrate: put back triggers a table rebuild dropped."""
    from django.db import connections

    if apps.is_installed("requests_app"):
        install(connections[using])
