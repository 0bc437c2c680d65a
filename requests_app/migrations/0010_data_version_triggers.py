from django.db import migrations


def install(apps, schema_editor):
    from requests_app import triggers

    triggers.install(schema_editor.connection)


class Migration(migrations.Migration):
    """Every write to a curated table raises the data version, whatever path it takes."""

    dependencies = [("requests_app", "0009_next_articles_disputes_actions_terms_scopes_quantities")]

    operations = [migrations.RunPython(install, migrations.RunPython.noop)]
