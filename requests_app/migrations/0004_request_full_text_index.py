from django.db import migrations

# Matches the expression REQUEST_DOCUMENT compiles to, so PostgreSQL uses the index for `q`.
DOCUMENT = (
    "to_tsvector('simple'::regconfig, "
    "COALESCE(\"title\", '') || ' ' || COALESCE(\"summary\", ''))"
)


class PostgreSQLOnly(migrations.RunSQL):
    """SQL for PostgreSQL; SQLite, which has no GIN indexes, skips it."""

    def database_forwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor == "postgresql":
            super().database_forwards(app_label, schema_editor, from_state, to_state)

    def database_backwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor == "postgresql":
            super().database_backwards(app_label, schema_editor, from_state, to_state)


class Migration(migrations.Migration):
    dependencies = [("requests_app", "0003_stance_ordering_long_standing_first")]

    operations = [
        PostgreSQLOnly(
            sql=f"CREATE INDEX aidrequest_document_gin ON requests_app_aidrequest USING gin ({DOCUMENT})",
            reverse_sql="DROP INDEX aidrequest_document_gin",
        )
    ]
