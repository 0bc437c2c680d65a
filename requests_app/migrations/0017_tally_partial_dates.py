from django.db import migrations

from requests_app import tallies


def count_again(apps, schema_editor):
    """The timeline's periods tell a date given only to the month from one given to the day
    ('in 2024-07', '2024-07'): the triggers write the new keys and the tallies are counted
    again."""
    tallies.install(schema_editor.connection)
    tallies.rebuild(schema_editor.connection)


class Migration(migrations.Migration):
    dependencies = [
        ("requests_app", "0016_reported_history"),
    ]

    operations = [
        migrations.RunPython(count_again, migrations.RunPython.noop),
    ]
