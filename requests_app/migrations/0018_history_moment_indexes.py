"""Reads pinned to a moment (requests_app/recorded.py) look up each record's latest history row
at that moment: an index on (record id, history date) of every history table answers it."""

from django.db import migrations

HISTORY_TABLES = [
    "requests_app_historicalactor",
    "requests_app_historicalactoralias",
    "requests_app_historicalitem",
    "requests_app_historicalitemalias",
    "requests_app_historicalsourcearticle",
    "requests_app_historicalevent",
    "requests_app_historicalpolicystance",
    "requests_app_historicalrole",
    "requests_app_historicalaidrequest",
    "requests_app_historicalaidresponse",
    "requests_app_historicalcontribution",
    "requests_app_historicalaction",
    "requests_app_historicalcitation",
]


class Migration(migrations.Migration):
    dependencies = [("requests_app", "0017_tally_partial_dates")]

    operations = [
        migrations.RunSQL(
            f'CREATE INDEX "{table}_id_moment" ON "{table}" (id, history_date, history_id)',
            f'DROP INDEX "{table}_id_moment"',
        )
        for table in HISTORY_TABLES
    ]
