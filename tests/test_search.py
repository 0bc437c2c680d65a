"""`q` finds requests by their words and by any spelling of their actors and item."""

import datetime

import pytest
from django.db import connection, transaction
from django.utils import timezone

from requests_app import services
from requests_app.models import Actor, AidRequest, AidResponse, Citation, Contribution
from requests_app.models.base import one_of


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


def test_a_quote_of_another_kind_of_fact_finds_no_request(
    cheongung_request, make_article, ukraine, south_korea
):
    article = make_article("aid-report", body="Seoul pledged humanitarian aid for Kyiv.")
    aid = Contribution.objects.create(
        slug="humanitarian-aid",
        donor=south_korea,
        recipient=ukraine,
        description="Humanitarian aid",
        status=Contribution.Status.PLEDGED,
    )
    Citation.objects.create(source=article, contribution=aid, quote="pledged humanitarian aid")

    assert not AidRequest.objects.search("humanitarian").exists()
    assert list(AidRequest.objects.search("Cheongung")) == [cheongung_request]


def test_a_word_finds_every_request_that_quotes_it_however_many_there_are(
    make_request, make_article, cite, record_response, monkeypatch
):
    """No sample of a common word's quotes: each request's quotes, and its answers', are among
    its own words (on PostgreSQL, in its stored document). The quoted requests a word found
    used to be capped, as its actors and items still are: a cap of 1 finds them all."""
    monkeypatch.setattr(AidRequest.objects.get_queryset().__class__, "MAX_MATCHES", 1)
    article = make_article("patriot-report", body="Kyiv asked for Patriot batteries again.")
    asked, answered, _unquoted = (
        make_request(f"request-{n}", title=f"Request {n}") for n in range(3)
    )
    cite(article, "asked for Patriot batteries", request=asked)
    answer = record_response(answered, "declined", datetime.date(2024, 12, 2))
    cite(article, "Patriot batteries again", response=answer)

    assert set(AidRequest.objects.search("Patriot")) == {asked, answered}


def test_a_request_is_found_by_its_quotes_as_they_are_written_by_any_path(
    make_request, make_article, cite, record_response
):
    """Quotes added, edited, deleted or moved, and answers moved to another request, by the
    services or by bulk updates, are searchable at once, and their old words are gone."""
    article = make_article("radar-report", body="Seoul weighs a radar. Kyiv wants shells.")
    first, second = make_request("first", title="First"), make_request("second", title="Second")
    answer = record_response(first, "declined", datetime.date(2024, 12, 2))
    quote = cite(article, "Seoul weighs a radar", response=answer)

    def found(word):
        return set(AidRequest.objects.search(word))

    assert found("radar") == {first}
    AidResponse.objects.filter(pk=answer.pk).update(request=second)
    assert found("radar") == {second}
    Citation.objects.filter(pk=quote.pk).update(quote="Kyiv wants shells")
    assert (found("radar"), found("shells")) == (set(), {second})
    Citation.objects.filter(pk=quote.pk).update(response=None, request=first)
    assert found("shells") == {first}
    Citation.objects.filter(pk=quote.pk).update(
        quote_translation="Kyiv wants howitzers", translation_source=Citation.Translator.CURATOR
    )
    AidRequest.objects.filter(pk=first.pk).update(title="Renamed")
    assert (found("howitzers"), found("shells"), found("renamed")) == ({first},) * 3
    services.record_delete(record=Citation.objects.get(pk=quote.pk))
    assert (found("shells"), found("howitzers")) == (set(), set())


def test_an_answer_takes_its_quotes_words_with_it(
    make_request, make_article, cite, record_response
):
    article = make_article("radar-report", body="Seoul weighs a radar.")
    request = make_request()
    answer = record_response(request, "declined", datetime.date(2024, 12, 2))
    cite(article, "Seoul weighs a radar", response=answer)

    services.record_delete(record=answer)

    assert not AidRequest.objects.search("radar").exists()


def test_quotes_written_before_their_answer_are_found(make_request, make_article, south_korea):
    """Foreign keys are checked at commit: a restore or a fixture may write an answer's quotes
    before the answer itself."""
    article = make_article("radar-report", body="Seoul weighs a radar.")
    request = make_request()
    late = 10**6
    with transaction.atomic():
        Citation.objects.bulk_create(
            [Citation(source=article, response_id=late, quote="Seoul weighs a radar")]
        )
        AidResponse.objects.bulk_create(
            [
                AidResponse(
                    pk=late,
                    slug="late-answer",
                    request=request,
                    responder=south_korea,
                    responded_on=datetime.date(2024, 12, 2),
                    decision=AidResponse.Decision.DECLINED,
                )
            ]
        )

    assert list(AidRequest.objects.search("radar")) == [request]


def test_a_read_as_recorded_at_a_moment_searches_the_quotes_as_they_stood(
    make_request, make_article, cite, client
):
    article = make_article("radar-report", body="Seoul weighs a radar. Kyiv wants shells.")
    request = make_request()
    dropped = cite(article, "Kyiv wants shells", request=request)
    moment = timezone.now()
    cite(article, "Seoul weighs a radar", request=request)
    services.record_delete(record=dropped)

    def found(**params):
        rows = client.get("/api/v1/requests/", params).json()["results"]
        return [row["id"] for row in rows]

    then = {"recorded_at": moment.isoformat()}
    assert (found(q="radar"), found(q="shells")) == ([request.pk], [])
    assert (found(q="radar", **then), found(q="shells", **then)) == ([], [request.pk])


def test_a_read_as_recorded_at_a_moment_searches_its_answers_quotes_as_they_stood(
    make_request, make_article, cite, record_response, client
):
    """The answer's quote counts for the request the answer belonged to at the moment, not
    for the one it was moved to since."""
    article = make_article("radar-report", body="Seoul weighs a radar.")
    first, second = make_request("first", title="First"), make_request("second", title="Second")
    answer = record_response(first, "declined", datetime.date(2024, 12, 2))
    cite(article, "Seoul weighs a radar", response=answer)
    moment = timezone.now()
    answer.refresh_from_db()
    answer.request = second
    services.response_save(response=answer)

    def found(**params):
        rows = client.get("/api/v1/requests/", {"q": "radar", **params}).json()["results"]
        return [row["id"] for row in rows]

    assert found() == [second.pk]
    assert found(recorded_at=moment.isoformat()) == [first.pk]


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


KOREAN_BODY = (
    "국방부는 우크라이나가 요청한 지대공미사일 천궁의 수출을 검토하지 않는다고 밝혔다. "
    "군 관계자는 「재고가 없다」고 말했다."
)
UKRAINIAN_BODY = "Умєров попросив Сеул продати системи протиповітряної оборони «Чонгун»."


@pytest.fixture
def cited_in_korean_and_ukrainian(make_request, make_article, record_response, make_item):
    """A request cited in Ukrainian, answered in Korean with a translation beside the quote."""
    korean = make_article("yonhap-ko", body=KOREAN_BODY, language="ko", title="천궁 수출 불가")
    ukrainian = make_article("ukrinform-uk", body=UKRAINIAN_BODY, language="uk", title="Умєров")
    request = make_request(
        item=make_item("air-defence", name="Air defence"),
        summary="Asked to buy air defence.",
        citations=[Citation(source=ukrainian, quote=UKRAINIAN_BODY)],
    )
    record_response(
        request,
        "declined",
        datetime.date(2024, 11, 28),
        citations=[
            Citation(
                source=korean,
                quote="지대공미사일 천궁의 수출을 검토하지 않는다",
                quote_translation="It is not considering exporting the Cheongung missile.",
                translation_source=Citation.Translator.CURATOR,
            )
        ],
    )
    # Another request, that no Korean or Ukrainian quote cites.
    make_request(slug="other", title="Propellant", summary="Powder.")
    return request


@pytest.fixture
def other_request(cited_in_korean_and_ukrainian):
    return AidRequest.objects.get(slug="other")


@pytest.mark.parametrize(
    "text",
    [
        "천궁",  # a whole word followed by its particle in the quote: 천궁의
        "미사일",  # the end of a compound: 지대공미사일
        "천궁 수출",
        "протиповітряної",
        "Сеул",
        "exporting Cheongung",  # the English translation
        "Сеул air",  # scripts mixed across words
    ],
)
def test_a_word_in_any_script_finds_the_facts_that_quote_it(cited_in_korean_and_ukrainian, text):
    assert list(AidRequest.objects.search(text)) == [cited_in_korean_and_ukrainian]


@pytest.mark.parametrize("text", ["재고없음", "Київ", "천궁 propellant"])
def test_a_word_no_quote_has_finds_nothing(cited_in_korean_and_ukrainian, text):
    assert not AidRequest.objects.search(text).exists()


def test_a_korean_word_inside_a_requests_own_title_is_found(make_request):
    """Korean puts no space between a noun and its particle: a whole-word search would miss it."""
    request = make_request(title="지대공미사일 천궁을 구매 요청", summary="Asked to buy.")

    assert list(AidRequest.objects.search("천궁")) == [request]
    assert list(AidRequest.objects.search("미사일")) == [request]


def test_the_api_and_the_list_search_in_hangul_and_cyrillic(
    cited_in_korean_and_ukrainian, other_request, client
):
    api = client.get("/api/v1/requests/", {"q": "천궁"}).json()
    page = client.get("/requests/", {"q": "протиповітряної"}).content.decode()

    assert [row["id"] for row in api["results"]] == [cited_in_korean_and_ukrainian.pk]
    assert cited_in_korean_and_ukrainian.get_absolute_url() in page
    assert f'href="{other_request.get_absolute_url()}"' not in page


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's full-text index")
@pytest.mark.parametrize("text", ["천궁", "протиповітряної", "exporting"])
def test_postgresql_finds_words_of_requests_and_quotes_from_their_index(
    cited_in_korean_and_ukrainian, text
):
    """A word is looked up in the requests' documents alone; quotes are read only to check a
    Korean word as a substring, in the rows its pairs found."""
    search = AidRequest.objects.search(text).only("pk")
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("SET LOCAL enable_indexscan = off")
        plan = search.explain()
    assert "aidrequest_search_document" in plan
    assert ("requests_app_citation" in str(search.query)) == (text == "천궁")
    assert list(search) == [cited_in_korean_and_ukrainian]


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's stored documents")
def test_a_korean_word_is_stored_with_its_pairs_of_syllables(cited_in_korean_and_ukrainian):
    with connection.cursor() as cursor:
        cursor.execute("SELECT aidtracker_bigrams('국방부는 지대공미사일 KM-SAM 천궁')")
        assert cursor.fetchone()[0] == "국방 방부 부는 지대 대공 공미 미사 사일 천궁"


def test_a_list_of_ids_is_one_array_in_the_sql_on_postgresql(cheongung_request):
    """A word can match hundreds of actors, items and quoted requests; each list goes to
    PostgreSQL as one array written into the SQL, not as one parameter per id to bind and plan,
    nor as one array parameter, which a prepared plan searches item by item."""
    ids = [cheongung_request.pk, *range(10**6, 10**6 + 999)]
    rows = AidRequest.objects.filter(one_of("pk", ids))

    sql, params = rows.query.sql_with_params()

    assert list(rows) == [cheongung_request]
    if connection.vendor == "postgresql":
        assert params == ()
        assert f"'{{{cheongung_request.pk},1000000,1000001," in sql
        with pytest.raises(ValueError):
            one_of("pk", ["1}'::bigint[]) OR TRUE --"])
    else:
        assert len(params) == len(ids)


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's statistics")
def test_postgresql_keeps_every_government_in_its_statistics(db):
    """A search word can match a hundred people. Unless the statistics hold every requester and
    addressee, PostgreSQL guesses that those people asked for most requests (60 % at 100,000
    requests, for 90 of them) and counts the search by reading the whole table."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT attname, attstattarget FROM pg_attribute"
            " WHERE attrelid = 'requests_app_aidrequest'::regclass"
            " AND attname IN ('requester_id', 'addressee_id')"
        )
        targets = dict(cursor.fetchall())
    assert targets == {"requester_id": 1000, "addressee_id": 1000}


def test_an_empty_list_of_ids_leaves_its_condition_out(cheongung_request):
    """A word that matches no item adds no condition on items: PostgreSQL would test an empty
    array on every row the other conditions found."""
    rows = AidRequest.objects.filter(one_of("pk", [cheongung_request.pk]) | one_of("item", []))

    assert list(rows) == [cheongung_request]
    conditions = str(rows.query).split(" WHERE ")[1]
    assert "item_id" not in conditions
    assert not AidRequest.objects.filter(one_of("pk", [])).exists()
