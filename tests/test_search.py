"""`q` finds requests by their words and by any spelling of their actors and item."""

import pytest
from django.db import connection

from requests_app.models import Actor, AidRequest


@pytest.fixture
def cheongung_request(make_request, make_actor, make_item):
    umerov = make_actor("rustem-umerov", name="Rustem Umerov", kind="person")
    umerov.aliases.create(name="Umierov")
    item = make_item("cheongung", name="Cheongung")
    item.aliases.create(name="KM-SAM")
    return make_request(voiced_by=umerov, item=item, summary="Asked to buy air defence.")


@pytest.mark.parametrize(
    "text",
    ["Umierov", "umierov", "KM-SAM", "Cheongung", "air defence", "Umierov KM-SAM", "Ukraine buy"],
)
def test_matches_every_word_in_text_names_or_aliases(cheongung_request, text):
    assert list(AidRequest.objects.search(text)) == [cheongung_request]


@pytest.mark.parametrize("text", ["Umierov radar", "Hanwha", "Zelensky"])
def test_every_word_must_match_something(cheongung_request, text):
    assert not AidRequest.objects.search(text).exists()


def test_quotes_and_operators_in_the_text_are_just_words(cheongung_request):
    assert not AidRequest.objects.search("'); DROP TABLE x; -- & | ! :*").exists()
    assert AidRequest.objects.count() == 1


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's full-text index")
def test_postgresql_answers_q_from_the_full_text_index(cheongung_request):
    with connection.cursor() as cursor:
        # A table this small is cheaper to scan: ask for the plan that large tables get.
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("SET LOCAL enable_indexscan = off")
        plan = AidRequest.objects.search("Cheongung").only("pk").explain()
        names = Actor.objects.matching("Korea").only("pk").explain()
        cursor.execute("SELECT indexname FROM pg_indexes WHERE indexname LIKE '%%_trigrams'")
        trigram_indexes = {name for (name,) in cursor.fetchall()}
    assert "aidrequest_search_document" in plan
    assert "actor_name_trigrams" in names
    assert trigram_indexes == {
        f"{table}_name_trigrams" for table in ("actor", "actoralias", "item", "itemalias")
    }


def test_the_stored_document_follows_every_write(cheongung_request):
    """Kept by the database: a write by any path (here a bulk update) is searchable at once."""
    AidRequest.objects.update(title="Propellant", summary="Powder for shells.")

    assert AidRequest.objects.search("powder").exists()
    assert not AidRequest.objects.search("Cheongung air").exists()
