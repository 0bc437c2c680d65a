"""What the database keeps by itself: the data version, when each fact was first reported, and
the words each request is searched by.

The data version is raised by the database itself on every write to a curated table or a
data release.

Pages are cached under the data version (aidtracker/cache.py). A trigger on every curated
table, and on the tables of their many-to-many links, raises it in the writer's transaction,
so no write path (the services, the admin, the API, loaddata, a shell, raw SQL) can leave a
cached page stale. A migration installs the triggers; they are installed again after every
migrate, because SQLite drops a table's triggers when a migration rebuilds the table.

Each fact's `first_reported_on` (the publication date of the earliest article citing it), which
`as_of` views filter on, is kept the same way: triggers on citations, on articles' dates and on
new facts recompute it, whatever path wrote them. So is each request's `search_document` on
PostgreSQL: the words of its title, summary and quotes, which `q` looks up in one index.
"""

from django.apps import apps

VERSION_TABLE = "requests_app_dataversion"
# The time of the write, never earlier than the last one's (the Last-Modified of every page
# must not go back): PostgreSQL's CURRENT_TIMESTAMP is when the transaction began, which can be
# before a write another transaction committed meanwhile; SQLite's has whole seconds.
WRITTEN_AT = {
    "postgresql": "GREATEST(changed_at, clock_timestamp())",
    "sqlite": "max(coalesce(changed_at, ''), strftime('%Y-%m-%d %H:%M:%f', 'now'))",
}


def bump(vendor: str) -> str:
    """SQL that makes the version's row if a flush emptied the table, then counts the write
    and its time."""
    return (
        f"INSERT INTO {VERSION_TABLE} (id, number) VALUES (1, 0) ON CONFLICT (id) DO NOTHING; "
        f"UPDATE {VERSION_TABLE} SET number = number + 1, changed_at = {WRITTEN_AT[vendor]} "
        "WHERE id = 1;"
    )


def versioned_tables() -> list[str]:
    """The tables whose writes change what pages show: the curated records, their many-to-many
    links, and the data releases (which /data/ lists and every citation names)."""
    from .models import CURATED, DataRelease

    tables = [DataRelease._meta.db_table]
    for model in CURATED:
        tables.append(model._meta.db_table)
        tables += [
            field.remote_field.through._meta.db_table for field in model._meta.local_many_to_many
        ]
    return tables


def install(connection) -> None:
    """Create (or re-create) the triggers on every versioned table."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "CREATE OR REPLACE FUNCTION aidtracker_data_version_bump() RETURNS trigger "
                f"LANGUAGE plpgsql AS $$ BEGIN {bump(connection.vendor)} RETURN NULL; END $$"
            )
        # An early migration runs this before later tables exist: post_migrate comes back.
        existing = set(connection.introspection.table_names(cursor))
        for table in [table for table in versioned_tables() if table in existing]:
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
                        f"FOR EACH ROW BEGIN {bump(connection.vendor)} END"
                    )


def _first_reported(fact, where: str) -> str:
    """SQL recomputing `first_reported_on` of the rows of `fact` that `where` selects."""
    table = f'"{fact._meta.db_table}"'
    return f"UPDATE {table} SET first_reported_on = {_earliest_report(fact, table)} WHERE {where};"


def _earliest_report(fact, row: str) -> str:
    """SQL of the publication date of the earliest article citing `row` of `fact`."""
    from .models import Citation, SourceArticle

    column = fact.citations.rel.field.column
    return (
        f'(SELECT MIN(s.published_on) FROM "{Citation._meta.db_table}" c '
        f'JOIN "{SourceArticle._meta.db_table}" s ON s.id = c.source_id '
        f'WHERE c."{column}" = {row}.id)'
    )


# PostgreSQL's names for a statement's changed rows, as the triggers below read them.
CHANGED_ROWS = {
    "INSERT": "NEW TABLE AS new_rows",
    "DELETE": "OLD TABLE AS old_rows",
    "UPDATE": "OLD TABLE AS old_rows NEW TABLE AS new_rows",
}


def _after_statement(event: str, table: str) -> str:
    """When a PostgreSQL trigger runs that reads a statement's changed rows, once a statement."""
    return f'AFTER {event} ON "{table}" REFERENCING {CHANGED_ROWS[event]} FOR EACH STATEMENT'


def first_reported_triggers(vendor: str) -> list[tuple[str, str, str, str]]:
    """(name, table, when it runs, body) of every trigger that keeps `first_reported_on`.

    A fact gets its value from the database on every insert and on every write of the column
    (one rule, in its own trigger), so no save from a stale or deserialized instance (a
    restore, a fixture) can leave another value. Citations and articles' dates only write the
    column of the facts they touch: on PostgreSQL once a statement, over its changed rows
    (transition tables), so a bulk insert touches each fact once; SQLite runs them per row.
    """
    from .models import FACTS, Citation, SourceArticle

    citation = Citation._meta.db_table
    statement = vendor == "postgresql"

    def after(event: str, table: str) -> str:
        if statement:
            return _after_statement(event, table)
        return f'AFTER {event} ON "{table}" FOR EACH ROW'

    def changed(row: str, column: str) -> str:
        """The `column` of the changed rows: NEW (or OLD) ones."""
        if statement:
            return f'SELECT "{column}" FROM {row.lower()}_rows'
        return f'SELECT {row}."{column}"'

    def touch(fact, where: str) -> str:
        """Write the column of these facts: their own trigger, below, computes its value."""
        return f'UPDATE "{fact._meta.db_table}" SET first_reported_on = NULL WHERE {where};'

    def citing(fact, row: str) -> str:
        column = fact.citations.rel.field.column
        return touch(fact, f"id IN ({changed(row, column)})")

    def cited_in(fact, row: str) -> str:
        column = fact.citations.rel.field.column
        articles = changed(row, "id")
        return touch(
            fact, f'id IN (SELECT "{column}" FROM "{citation}" WHERE source_id IN ({articles}))'
        )

    def each(recompute, rows: list[str]) -> str:
        return " ".join(recompute(fact, row) for fact in FACTS for row in rows)

    source = SourceArticle._meta.db_table
    triggers = [
        ("citation_reports_insert", citation, after("INSERT", citation), each(citing, ["NEW"])),
        ("citation_reports_delete", citation, after("DELETE", citation), each(citing, ["OLD"])),
        (
            "citation_reports_update",
            citation,
            after("UPDATE", citation),
            each(citing, ["NEW", "OLD"]),
        ),
        ("source_dates_reports", source, after("UPDATE", source), each(cited_in, ["NEW"])),
    ]
    for fact in FACTS:
        table = fact._meta.db_table
        if statement:
            when = f'BEFORE INSERT OR UPDATE OF first_reported_on ON "{table}" FOR EACH ROW'
            body = f"NEW.first_reported_on := {_earliest_report(fact, 'NEW')}; RETURN NEW;"
            triggers.append((f"{table}_reports", table, when, body))
        else:
            own = _first_reported(fact, "id = NEW.id")
            for event in ("INSERT", "UPDATE OF first_reported_on"):
                name = f"{table}_reports_{event.split()[0].lower()}"
                triggers.append((name, table, f'AFTER {event} ON "{table}" FOR EACH ROW', own))
    return triggers


def _request_words(row: str) -> str:
    """SQL of the words `row` of requests is searched by: its title and summary, and the quotes
    (with their translations) of its citations and of its answers' citations."""
    from .models import AidResponse, Citation

    citation, response = Citation._meta.db_table, AidResponse._meta.db_table
    quotes = (
        f'SELECT c.id, c.quote, c.quote_translation FROM "{citation}" c '
        f"WHERE c.request_id = {row}.id UNION ALL "
        f'SELECT c.id, c.quote, c.quote_translation FROM "{citation}" c '
        f'JOIN "{response}" a ON a.id = c.response_id WHERE a.request_id = {row}.id'
    )
    return (
        f"aidtracker_search_document(concat_ws(' ', {row}.title, {row}.summary, "
        "(SELECT string_agg(concat_ws(' ', q.quote, q.quote_translation), ' ' ORDER BY q.id) "
        f"FROM ({quotes}) q)))"
    )


def search_document_triggers(vendor: str) -> list[tuple[str, str, str, str]]:
    """(name, table, when it runs, body) of every trigger that keeps a request's
    `search_document` on PostgreSQL: the words of its title, summary and quotes (see
    `_request_words`), so that a search word is one lookup in one index.

    As `first_reported_on` is kept: the request computes it on every insert and every write of
    its title, summary or the column itself; a statement writing citations (their quotes or
    links), or writing answers, writes the column of the requests it touches, once each.
    SQLite, which searches by substring, keeps none."""
    from .models import AidRequest, AidResponse, Citation

    if vendor != "postgresql":
        return []
    request, citation = AidRequest._meta.db_table, Citation._meta.db_table
    response = AidResponse._meta.db_table

    def touch(requests: str) -> str:
        return f'UPDATE "{request}" SET search_document = NULL WHERE id IN ({requests});'

    def quoted(rows: str) -> str:
        """The requests that the citations among `rows` quote, themselves or by an answer."""
        return touch(
            f"SELECT r.request_id FROM {rows} r UNION "
            f'SELECT a.request_id FROM {rows} r JOIN "{response}" a ON a.id = r.response_id'
        )

    quoting = f'EXISTS (SELECT 1 FROM "{citation}" c WHERE c.response_id = r.id)'
    # The links, before and after, of the citations whose quotes or links an update changed.
    relinked = (
        "(SELECT c.request_id, c.response_id FROM old_rows o JOIN new_rows n ON n.id = o.id, "
        "LATERAL (VALUES (o.request_id, o.response_id), (n.request_id, n.response_id)) "
        "AS c(request_id, response_id) "
        "WHERE (o.quote, o.quote_translation, o.request_id, o.response_id) "
        "IS DISTINCT FROM (n.quote, n.quote_translation, n.request_id, n.response_id))"
    )
    return [
        (
            "aidrequest_search_document",
            request,
            f'BEFORE INSERT OR UPDATE OF title, summary, search_document ON "{request}" '
            "FOR EACH ROW",
            f"NEW.search_document := {_request_words('NEW')}; RETURN NEW;",
        ),
        (
            "citation_words_insert",
            citation,
            _after_statement("INSERT", citation),
            quoted("new_rows"),
        ),
        (
            "citation_words_delete",
            citation,
            _after_statement("DELETE", citation),
            quoted("old_rows"),
        ),
        ("citation_words_update", citation, _after_statement("UPDATE", citation), quoted(relinked)),
        # Foreign keys are checked at commit: an answer's quotes may be written before it, or
        # deleted after it (test_an_answer_takes_its_quotes_words_with_it). Only an answer with
        # quotes at that moment changes its request's words; a new one usually has none yet.
        (
            "aidresponse_words_insert",
            response,
            _after_statement("INSERT", response),
            touch(f"SELECT request_id FROM new_rows r WHERE {quoting}"),
        ),
        (
            "aidresponse_words_delete",
            response,
            _after_statement("DELETE", response),
            touch(f"SELECT request_id FROM old_rows r WHERE {quoting}"),
        ),
        (
            "aidresponse_words_update",
            response,
            _after_statement("UPDATE", response),
            touch(
                "SELECT unnest(ARRAY[o.request_id, n.request_id]) FROM old_rows o "
                "JOIN new_rows n ON n.id = o.id WHERE n.request_id <> o.request_id"
            ),
        ),
    ]


def install_first_reported(connection) -> None:
    """Create (or re-create) the triggers that keep `first_reported_on`."""
    _install(connection, first_reported_triggers(connection.vendor))


def install_search_documents(connection) -> None:
    """Create (or re-create) the triggers that keep requests' `search_document`; not in a
    database migrated back before 0024, where quotes keep documents of their own."""
    from .models import Citation

    table = Citation._meta.db_table
    with connection.cursor() as cursor:
        if table not in connection.introspection.table_names(cursor):
            return
        columns = connection.introspection.get_table_description(cursor, table)
    if "search_document" not in {column.name for column in columns}:
        _install(connection, search_document_triggers(connection.vendor))


def _install(connection, triggers: list[tuple[str, str, str, str]]) -> None:
    with connection.cursor() as cursor:
        for name, table, when, body in triggers:
            if connection.vendor == "postgresql":
                function = f"aidtracker_{name}"
                returns = "" if "RETURN" in body else " RETURN NULL;"
                cursor.execute(
                    f"CREATE OR REPLACE FUNCTION {function}() RETURNS trigger LANGUAGE plpgsql "
                    f"AS $$ BEGIN {body}{returns} END $$"
                )
                cursor.execute(f'DROP TRIGGER IF EXISTS "{name}" ON "{table}"')
                cursor.execute(f'CREATE TRIGGER "{name}" {when} EXECUTE FUNCTION {function}()')
            else:
                cursor.execute(f'DROP TRIGGER IF EXISTS "{name}"')
                cursor.execute(f'CREATE TRIGGER "{name}" {when} BEGIN {body} END')


def drop_first_reported_on_sqlite(connection) -> None:
    """Drop them before a migration rebuilds the citations' or articles' table on SQLite, whose
    rename of the rebuilt table fails on a trigger that reads it; post_migrate puts them back.
    PostgreSQL alters tables in place and keeps them."""
    if connection.vendor != "sqlite":
        return
    with connection.cursor() as cursor:
        for name, *_ in first_reported_triggers(connection.vendor):
            cursor.execute(f'DROP TRIGGER IF EXISTS "{name}"')


def refresh_first_reported(connection) -> None:
    """Recompute `first_reported_on` of every fact (once, when the column is made)."""
    from .models import FACTS

    everything = "TRUE" if connection.vendor == "postgresql" else "1"
    with connection.cursor() as cursor:
        for fact in FACTS:
            cursor.execute(_first_reported(fact, everything))


def install_after_migrate(sender, using: str, **kwargs) -> None:
    """post_migrate: put back triggers a table rebuild dropped."""
    from django.db import connections

    if apps.is_installed("requests_app"):
        install(connections[using])
        install_first_reported(connections[using])
        install_search_documents(connections[using])
