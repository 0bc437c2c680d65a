from django.db import migrations

import requests_app.models.base

# Korean puts no space between a noun and its particle (천궁을) or inside a compound
# (지대공미사일): a whole-word search misses most of its words. Each stored document also holds
# the overlapping pairs of characters of its Hangul, kana and Han runs (천궁을: 천궁 궁을), and a
# word of those scripts is looked up as its pairs, then checked as a substring of the rows
# found (requests_app.models.base.words_matching; docs/performance.md has the measurements).
BIGRAMS = r"""
CREATE OR REPLACE FUNCTION aidtracker_bigrams(words text) RETURNS text
    LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT coalesce(string_agg(substr(run, i, 2), ' ' ORDER BY n, i), '')
    FROM regexp_split_to_table(
            coalesce(words, ''),
            '[^\u1100-\u11ff\u3040-\u30ff\u3130-\u318f\u3400-\u9fff\uac00-\ud7af\uf900-\ufaff]+'
        ) WITH ORDINALITY AS runs(run, n),
        generate_series(1, greatest(length(run) - 1, 1)) AS i
    WHERE run <> ''
$$;
CREATE OR REPLACE FUNCTION aidtracker_search_document(words text) RETURNS tsvector
    LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT to_tsvector('pg_catalog.simple', words || ' ' || aidtracker_bigrams(words))
$$;
"""
# The request's document, as 0014 kept it, now with its pairs.
REQUESTS = """
CREATE OR REPLACE FUNCTION aidtracker_aidrequest_search_document() RETURNS trigger
    LANGUAGE plpgsql AS $$ BEGIN
    NEW.search_document := aidtracker_search_document(
        coalesce(NEW.title, '') || ' ' || coalesce(NEW.summary, ''));
    RETURN NEW;
END $$;
DROP TRIGGER aidrequest_search_document ON requests_app_aidrequest;
CREATE TRIGGER aidrequest_search_document BEFORE INSERT OR UPDATE OF title, summary
    ON requests_app_aidrequest FOR EACH ROW
    EXECUTE FUNCTION aidtracker_aidrequest_search_document();
UPDATE requests_app_aidrequest SET title = title;
"""
# A quote's document: the quote, in the article's language, and its English translation.
QUOTES = """
CREATE OR REPLACE FUNCTION aidtracker_citation_search_document() RETURNS trigger
    LANGUAGE plpgsql AS $$ BEGIN
    NEW.search_document := aidtracker_search_document(
        coalesce(NEW.quote, '') || ' ' || coalesce(NEW.quote_translation, ''));
    RETURN NEW;
END $$;
CREATE TRIGGER citation_search_document BEFORE INSERT OR UPDATE OF quote, quote_translation
    ON requests_app_citation FOR EACH ROW
    EXECUTE FUNCTION aidtracker_citation_search_document();
UPDATE requests_app_citation SET quote = quote;
CREATE INDEX citation_search_document ON requests_app_citation USING gin (search_document);
"""


def on_postgresql(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(BIGRAMS + REQUESTS + QUOTES)


class Migration(migrations.Migration):
    dependencies = [("requests_app", "0020_translations")]

    operations = [
        migrations.AddField(
            model_name="citation",
            name="search_document",
            field=requests_app.models.base.SearchDocumentField(
                editable=False, help_text="Kept by the database.", null=True, serialize=False
            ),
        ),
        migrations.RunPython(on_postgresql, migrations.RunPython.noop),
    ]
