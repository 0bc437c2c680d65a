# A request's stored document now holds the words of its quotes and of its answers' quotes, as
# well as its title and summary (requests_app.triggers.search_document_triggers), so `q` finds a
# word in one index. Quotes no longer need a document of their own: before, each search word
# looked up its quotes, then the answers they cite, then at most 500 of their requests (a very
# common word missed requests that only a quote of theirs held).
import importlib

from django.db import migrations

SEARCH = importlib.import_module("requests_app.migrations.0021_search_across_scripts")
QUOTE_DOCUMENTS = """
DROP TRIGGER citation_search_document ON requests_app_citation;
DROP FUNCTION aidtracker_citation_search_document();
"""
REQUEST_TRIGGERS = """
DROP TRIGGER aidresponse_words_insert ON requests_app_aidresponse;
DROP FUNCTION aidtracker_aidresponse_words_insert();
DROP TRIGGER aidresponse_words_delete ON requests_app_aidresponse;
DROP FUNCTION aidtracker_aidresponse_words_delete();
DROP TRIGGER aidresponse_words_update ON requests_app_aidresponse;
DROP FUNCTION aidtracker_aidresponse_words_update();
DROP TRIGGER citation_words_insert ON requests_app_citation;
DROP FUNCTION aidtracker_citation_words_insert();
DROP TRIGGER citation_words_delete ON requests_app_citation;
DROP FUNCTION aidtracker_citation_words_delete();
DROP TRIGGER citation_words_update ON requests_app_citation;
DROP FUNCTION aidtracker_citation_words_update();
"""


def on_postgresql(sql):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            schema_editor.execute(sql)

    return run


def quotes_in_documents(apps, schema_editor):
    from requests_app import triggers

    connection = schema_editor.connection
    if connection.vendor == "postgresql":
        triggers.install_search_documents(connection)
        schema_editor.execute("UPDATE requests_app_aidrequest SET search_document = NULL")


class Migration(migrations.Migration):
    dependencies = [("requests_app", "0023_every_government_in_statistics")]

    operations = [
        migrations.RunPython(on_postgresql(QUOTE_DOCUMENTS), on_postgresql(SEARCH.QUOTES)),
        migrations.RemoveField(model_name="citation", name="search_document"),
        migrations.RunPython(
            quotes_in_documents, on_postgresql(REQUEST_TRIGGERS + SEARCH.REQUESTS)
        ),
    ]
