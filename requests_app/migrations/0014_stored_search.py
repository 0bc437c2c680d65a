from django.db import migrations

import requests_app.models.aid

# The stored document, kept by PostgreSQL's own trigger function on every insert and on every
# update of the words it holds, and indexed; the expression index it replaces (0004) made
# PostgreSQL compute each row's document when it filtered rows on the list's order.
DOCUMENT = """
CREATE TRIGGER aidrequest_search_document BEFORE INSERT OR UPDATE OF title, summary
    ON requests_app_aidrequest FOR EACH ROW
    EXECUTE FUNCTION tsvector_update_trigger(search_document, 'pg_catalog.simple', title, summary);
UPDATE requests_app_aidrequest SET search_document =
    to_tsvector('pg_catalog.simple', coalesce(title, '') || ' ' || coalesce(summary, ''));
CREATE INDEX aidrequest_search_document ON requests_app_aidrequest USING gin (search_document);
DROP INDEX IF EXISTS aidrequest_document_gin;
"""
# Names and aliases matched anywhere inside (`icontains`, which compiles to UPPER(name) LIKE)
# through trigram indexes instead of a scan. pg_trgm is a trusted extension: the database's
# owner may create it without being a superuser.
NAMES = "CREATE EXTENSION IF NOT EXISTS pg_trgm;" + "".join(
    f"CREATE INDEX {table}_name_trigrams ON requests_app_{table} "
    "USING gin ((UPPER(name::text)) gin_trgm_ops);"
    for table in ("actor", "actoralias", "item", "itemalias")
)


def on_postgresql(sql: str):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            schema_editor.execute(sql)

    return run


class Migration(migrations.Migration):
    dependencies = [("requests_app", "0013_keyset_order")]

    operations = [
        migrations.AddField(
            model_name="aidrequest",
            name="search_document",
            field=requests_app.models.aid.SearchDocumentField(
                editable=False, help_text="Kept by the database.", null=True, serialize=False
            ),
        ),
        migrations.RunPython(on_postgresql(DOCUMENT), migrations.RunPython.noop),
        migrations.RunPython(on_postgresql(NAMES), migrations.RunPython.noop),
    ]
