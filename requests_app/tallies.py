"""The dashboard's counts, kept by the database on every write.

The dashboard shows requests by status, by addressee and by category, and requests and
responses per month (or per the month or year a source gives without a day). Counted from
the tables, that is a scan of every row on every view; instead each write adjusts a few Tally
rows (models/base.py) in the writer's transaction, by a trigger on the table, whatever the
write path (services, admin, API, loaddata, raw SQL). A migration installs the triggers and
counts what is already there (`rebuild`); like the data version's, they are installed again
after every migrate (SQLite drops a table's triggers when a migration rebuilds it).
"""

from django.apps import apps

TALLY_TABLE = "requests_app_tally"


def _period(connection, date_field: str) -> str:
    """The month of a date given to the day, '2024-07'; for a date the source gives only to
    the month or the year, that month or year, 'in 2024-07' or 'in 2024' (the timeline draws
    it across its month or year, not on its first day)."""
    row_date = "{row}." + date_field
    if connection.vendor == "postgresql":
        year, month = f"to_char({row_date}, 'YYYY')", f"to_char({row_date}, 'YYYY-MM')"
    else:
        year, month = f"strftime('%Y', {row_date})", f"strftime('%Y-%m', {row_date})"
    return (
        f"(CASE {row_date}_precision WHEN 'year' THEN 'in ' || {year} "
        f"WHEN 'month' THEN 'in ' || {month} ELSE {month} END)"
    )


def tallies(connection) -> dict[str, dict[str, str]]:
    """{table: {subject: the key, an SQL expression over the row `{row}`}}."""
    return {
        "requests_app_aidrequest": {
            "request_addressee_status": "CAST({row}.addressee_id AS TEXT) || ':' || {row}.status",
            "request_item": "CAST({row}.item_id AS TEXT)",
            "request_period_status": _period(connection, "made_on") + " || ':' || {row}.status",
        },
        "requests_app_aidresponse": {
            "response_period_decision": _period(connection, "responded_on")
            + " || ':' || {row}.decision",
        },
    }


def install(connection) -> None:
    """Create (or re-create) the triggers that keep the tallies."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "CREATE OR REPLACE FUNCTION aidtracker_tally_add(subj text, k text, delta int) "
                f"RETURNS void LANGUAGE sql AS $$ INSERT INTO {TALLY_TABLE} (subject, key, n) "
                "VALUES (subj, k, delta) ON CONFLICT (subject, key) "
                f"DO UPDATE SET n = {TALLY_TABLE}.n + delta $$"
            )
        for table, keys in tallies(connection).items():
            if connection.vendor == "postgresql":
                _install_postgresql(cursor, table, keys)
            else:
                _install_sqlite(cursor, table, keys)


def _install_postgresql(cursor, table: str, keys: dict[str, str]) -> None:
    # OLD is NULL on an insert and NEW on a delete, so their keys are NULL: one body for all.
    pairs = ", ".join(
        f"('{subject}', {key.format(row='OLD')}, {key.format(row='NEW')})"
        for subject, key in keys.items()
    )
    cursor.execute(
        f"CREATE OR REPLACE FUNCTION {table}_tally() RETURNS trigger LANGUAGE plpgsql AS $$ "
        "DECLARE subj text; old_key text; new_key text; BEGIN "
        f"FOR subj, old_key, new_key IN VALUES {pairs} LOOP "
        "IF old_key IS DISTINCT FROM new_key THEN "
        "IF old_key IS NOT NULL THEN PERFORM aidtracker_tally_add(subj, old_key, -1); END IF; "
        "IF new_key IS NOT NULL THEN PERFORM aidtracker_tally_add(subj, new_key, 1); END IF; "
        "END IF; END LOOP; RETURN NULL; END $$"
    )
    cursor.execute(f'DROP TRIGGER IF EXISTS "{table}_tally" ON "{table}"')
    cursor.execute(
        f'CREATE TRIGGER "{table}_tally" AFTER INSERT OR UPDATE OR DELETE ON "{table}" '
        f"FOR EACH ROW EXECUTE FUNCTION {table}_tally()"
    )


def _install_sqlite(cursor, table: str, keys: dict[str, str]) -> None:
    for event, old, new in (
        ("insert", None, "NEW"),
        ("update", "OLD", "NEW"),
        ("delete", "OLD", None),
    ):
        statements = []
        for subject, key in keys.items():
            old_key = key.format(row=old) if old else "NULL"
            new_key = key.format(row=new) if new else "NULL"
            changed = f"{old_key} IS NOT {new_key}"
            statements.append(
                f"UPDATE {TALLY_TABLE} SET n = n - 1 "
                f"WHERE subject = '{subject}' AND key = {old_key} AND {changed};"
            )
            statements.append(
                f"INSERT INTO {TALLY_TABLE} (subject, key, n) SELECT '{subject}', {new_key}, 1 "
                f"WHERE {new_key} IS NOT NULL AND {changed} "
                "ON CONFLICT (subject, key) DO UPDATE SET n = n + 1;"
            )
        name = f"{table}_tally_{event}"
        cursor.execute(f'DROP TRIGGER IF EXISTS "{name}"')
        cursor.execute(
            f'CREATE TRIGGER "{name}" AFTER {event.upper()} ON "{table}" FOR EACH ROW '
            f"BEGIN {' '.join(statements)} END"
        )


def rebuild(connection) -> None:
    """Count everything again from the tables (after the triggers were missing)."""
    with connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {TALLY_TABLE}")
        for table, keys in tallies(connection).items():
            for subject, key in keys.items():
                row_key = key.format(row="r")
                cursor.execute(
                    f"INSERT INTO {TALLY_TABLE} (subject, key, n) "
                    f"SELECT '{subject}', {row_key}, COUNT(*) FROM {table} r "
                    f"WHERE {row_key} IS NOT NULL GROUP BY {row_key}"
                )


def install_after_migrate(sender, using: str, **kwargs) -> None:
    """post_migrate: put back triggers a table rebuild dropped."""
    from django.db import connections

    if apps.is_installed("requests_app"):
        install(connections[using])
