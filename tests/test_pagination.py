"""Deep pages without the cost: a stable order with a tie-breaker, keyset pages by `cursor`, and
a count that says when it is an estimate."""

import datetime
import re

import pytest
from django.db import connection
from django.db.models import F, OuterRef
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from requests_app import pagination
from requests_app.models import AidRequest, AidResponse, Citation, StatusSpan

DAYS = [datetime.date(2024, 11, day) for day in (25, 26, 26, 26, 27)]


@pytest.fixture
def requests_(make_request):
    """23 requests, many on the same day and several with the same title: ties everywhere."""
    return [
        make_request(
            slug=f"request-{number}",
            title=f"Shells {number % 3}",
            made_on=DAYS[number % len(DAYS)],
        )
        for number in range(23)
    ]


def walk(client, url: str, params: dict) -> list[dict]:
    """Every page by following `next` from the first cursor page."""
    body = client.get(url, {**params, "cursor": ""}).json()
    pages = [body]
    while body["next"]:
        body = client.get(body["next"]).json()
        pages.append(body)
    return pages


@pytest.mark.parametrize("ordering", [None, "date", "-date", "status", "-status"])
def test_a_cursor_walk_shows_every_row_once_in_the_order_of_the_pages(client, requests_, ordering):
    url = reverse("api:request-list")
    params = {"page_size": 5, **({"ordering": ordering} if ordering else {})}

    by_cursor = [row["id"] for page in walk(client, url, params) for row in page["results"]]
    by_page = [row["id"] for row in client.get(url, {**params, "page_size": 100}).json()["results"]]

    assert by_cursor == by_page
    assert sorted(by_cursor) == sorted(r.pk for r in requests_)


def test_previous_links_walk_back_through_the_same_pages(client, requests_):
    pages = walk(client, reverse("api:request-list"), {"page_size": 5})
    body = pages[-1]
    back = [body]
    while body["previous"]:
        body = client.get(body["previous"]).json()
        back.append(body)

    assert [page["results"] for page in reversed(back)] == [page["results"] for page in pages]
    assert pages[0]["previous"] is None


def test_a_cursor_keeps_the_filters_and_the_reported_day(client, requests_, record_response):
    declined = requests_[:7]
    for aid_request in declined:
        record_response(aid_request, AidResponse.Decision.DECLINED, datetime.date(2024, 11, 28))
    params = {"page_size": 2, "status": "declined", "as_of": "2024-12-31", "ordering": "-status"}

    pages = walk(client, reverse("api:request-list"), params)

    assert sorted(r["id"] for p in pages for r in p["results"]) == sorted(r.pk for r in declined)
    assert all("status=declined" in page["next"] for page in pages[:-1])


def test_a_deep_cursor_page_runs_the_queries_of_the_first(client, requests_):
    url = reverse("api:request-list")
    first = client.get(url, {"page_size": 2, "cursor": ""})
    deep = walk(client, url, {"page_size": 2})[-2]["next"]

    with CaptureQueriesContext(connection) as at_start:
        client.get(url, {"page_size": 2, "cursor": ""}, HTTP_ACCEPT="*/*")
    with CaptureQueriesContext(connection) as deep_down:
        client.get(deep, HTTP_ACCEPT="*/*")

    assert first.status_code == 200
    assert len(deep_down) == len(at_start)


def offsets(queries) -> list[int]:
    return [int(n) for q in queries for n in re.findall(r"OFFSET (\d+)", q["sql"])]


@pytest.mark.parametrize("ordering", [None, "-date", "status", "-status"])
def test_numbered_pages_read_from_anchors_are_the_rows_in_order(
    client, admin_user, requests_, monkeypatch, ordering
):
    """Every page of a list, read from its anchors (every 4th row here), holds the rows that
    page shows when the whole list is read at once, with the ties on date and title too; no
    page skips more rows than lie between two anchors."""
    monkeypatch.setattr(pagination, "ANCHOR_EVERY", 4)
    client.force_login(admin_user)  # fresh answers, not the page cache's
    url = reverse("api:request-list")
    params = {"page_size": 3, **({"ordering": ordering} if ordering else {})}
    whole = [r["id"] for r in client.get(url, {**params, "page_size": 100}).json()["results"]]

    by_page = []
    with CaptureQueriesContext(connection) as queries:
        for number in range(1, 9):
            by_page += [
                r["id"] for r in client.get(url, {**params, "page": number}).json()["results"]
            ]

    assert by_page == whole
    assert max(offsets(queries)) < 4


def test_a_list_s_anchors_are_read_once_a_data_version(client, admin_user, requests_, monkeypatch):
    monkeypatch.setattr(pagination, "ANCHOR_EVERY", 4)
    client.force_login(admin_user)
    url = reverse("api:request-list")

    def page(number: int) -> tuple[list[int], int]:
        with CaptureQueriesContext(connection) as queries:
            body = client.get(url, {"page_size": 3, "page": number}).json()
        return [r["id"] for r in body["results"]], sum("ROW_NUMBER()" in q["sql"] for q in queries)

    assert page(5)[1] == 1
    assert page(6)[1] == 0  # the same data version: its anchors are kept

    # The last request in the list's order becomes its first: every row moves down one place.
    last = AidRequest.objects.order_by("made_on", "-title", "-pk").first()
    AidRequest.objects.filter(pk=last.pk).update(made_on=datetime.date(2025, 1, 1))
    rows, numbering = page(5)
    whole = [r["id"] for r in client.get(url, {"page_size": 100}).json()["results"]]

    assert numbering == 1  # the update raised the data version: the anchors are read again
    assert whole[0] == last.pk
    assert rows == whole[12:15]


def test_without_a_data_version_numbered_pages_skip_rows_with_offset(requests_):
    paginator = pagination.IdPaginator(AidRequest.objects.all(), 5)

    with CaptureQueriesContext(connection) as queries:
        rows = list(paginator.page(4))

    assert [row.pk for row in rows] == list(AidRequest.objects.values_list("pk", flat=True))[15:20]
    assert offsets(queries) == [15]


@pytest.mark.parametrize("cursor", ["nonsense", "W1tdXQ", "WyJ4Il0"])
def test_a_cursor_the_list_did_not_give_answers_400_naming_it(client, requests_, cursor):
    api = client.get(reverse("api:request-list"), {"cursor": cursor})
    page = client.get(reverse("tracker:request-list"), {"cursor": cursor})

    assert api.status_code == 400
    assert "cursor" in api.json()
    assert page.status_code == 400
    assert "Cursor:" in page.content.decode()


def test_the_html_list_reads_by_cursor_with_next_links_that_use_it(client, requests_):
    url = reverse("tracker:request-list")
    seen = []
    response = client.get(url, {"cursor": ""})
    while True:
        seen += [row.pk for row in response.context["page"].object_list]
        page = response.context["page"]
        if not page.has_next():
            break
        assert f"cursor={page.next_cursor}" in response.content.decode()
        response = client.get(url, {"cursor": page.next_cursor})

    assert seen == list(AidRequest.objects.values_list("pk", flat=True))


def test_rows_that_tie_on_date_and_title_are_ordered_by_id(requests_):
    same = [r.pk for r in AidRequest.objects.filter(made_on=DAYS[1], title="Shells 1")]
    assert len(same) > 1
    assert same == sorted(same)


def test_a_small_count_is_exact(client, requests_):
    body = client.get(reverse("api:request-list")).json()
    assert (body["count"], body["count_is_estimate"]) == (23, False)


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's estimate")
def test_a_large_count_is_estimated_and_says_so(client, requests_, monkeypatch):
    monkeypatch.setattr(pagination, "EXACT_COUNT_UP_TO", 10)
    connection.cursor().execute("ANALYZE requests_app_aidrequest")

    body = client.get(reverse("api:request-list")).json()
    page = client.get(reverse("tracker:request-list"))

    assert body["count_is_estimate"] is True
    assert body["count"] > 10
    assert "About <strong>" in page.content.decode()


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's indexes")
def test_a_status_with_a_category_is_counted_from_an_index_alone(requests_):
    """The count reads no column of the requests that the index on (status, item, id) lacks,
    so PostgreSQL can count from the index alone (at 100,000 requests: 0.7 ms, where reading
    the table took 17). Asked of the query, not of the planner: in a table of 23 rows the
    planner's choice of index turns on statistics that autovacuum rewrites as the suite runs."""
    from requests_app.filters import AidRequestFilter

    params = {"status": "pending", "category": "air_defence"}
    queryset = AidRequestFilter(params, queryset=AidRequest.objects.all()).qs
    counted = queryset.order_by().values("pk")[: pagination.EXACT_COUNT_UP_TO + 1]
    sql, _ = counted.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT indexdef FROM pg_indexes WHERE indexname = 'aidrequest_status_item_id'"
        )
        (definition,) = cursor.fetchone()

    read = set(re.findall(r'"requests_app_aidrequest"\."(\w+)"', sql))
    assert read == {"id", "status", "item_id"}
    assert definition.endswith("(status, item_id, id)")
    assert len(counted) == 23


@pytest.mark.parametrize(
    "more, expected",
    [({}, 7), ({"category": "air_defence"}, 7), ({"category": "ammunition"}, 0), ({"q": "1"}, 2)],
)
def test_requests_with_a_status_on_a_day_are_counted_right(
    client, requests_, record_response, more, expected
):
    for aid_request in requests_[:7]:
        record_response(aid_request, AidResponse.Decision.DECLINED, datetime.date(2024, 11, 28))
    params = {"status": "declined", "as_of": "2024-12-31", "page_size": 2, **more}

    body = client.get(reverse("api:request-list"), params).json()
    every = client.get(reverse("api:request-list"), {**params, "page_size": 100}).json()

    assert body["count"] == len(every["results"]) == every["count"]
    assert body["count"] == expected


def test_requests_with_a_status_on_a_day_are_counted_from_their_history_alone(
    client, requests_, record_response
):
    """The history names each request once a day, and its key names a request: counting the
    names is counting the requests, without looking each up among them."""
    for aid_request in requests_[:7]:
        record_response(aid_request, AidResponse.Decision.DECLINED, datetime.date(2024, 11, 28))
    with CaptureQueriesContext(connection) as queries:
        body = client.get(
            reverse("api:request-list"), {"status": "declined", "as_of": "2024-12-31"}
        ).json()

    (count,) = [q["sql"] for q in queries if q["sql"].startswith("SELECT COUNT(*)")]
    assert "requests_app_statusspan" in count
    assert "requests_app_aidrequest" not in count
    assert body["count"] == 7


def test_only_rows_a_foreign_key_names_are_counted_from_its_keys(requests_, record_response):
    for aid_request in requests_[:3]:
        for day in (27, 28):
            record_response(
                aid_request, AidResponse.Decision.DECLINED, datetime.date(2024, 11, day)
            )
    answered = AidResponse.objects.values("request")
    cited = Citation.objects.filter(request__isnull=False).values("request")
    spans = StatusSpan.objects.order_by().values("request")
    requests = AidRequest.objects.all()
    counted_where = [
        # Each answered request once, however many answers name it.
        (requests.filter(pk__in=answered), AidResponse),
        # Anything else counts the rows themselves: a key that may be empty, one reached
        # through an outer join, a sliced, correlated or combined subquery, a second
        # condition, a negation, a join on the list itself.
        (requests.filter(pk__in=cited), AidRequest),
        (requests.filter(pk__in=Citation.objects.values("response__request")), AidRequest),
        (requests.filter(pk__in=answered[:2]), AidRequest),
        (
            requests.filter(
                pk__in=AidResponse.objects.filter(responder=OuterRef("addressee")).values("request")
            ),
            AidRequest,
        ),
        (requests.filter(pk__in=answered.order_by().union(spans)), AidRequest),
        (requests.filter(pk__in=answered, title__startswith="Shells"), AidRequest),
        (requests.exclude(pk__in=answered), AidRequest),
        (requests.filter(item__requests__pk__in=answered), AidRequest),
        (requests.filter(pk__in=answered).alias(answer=F("responses__pk")), AidRequest),
        (requests.filter(pk__in=answered).extra(tables=["requests_app_actor"]), AidRequest),
    ]
    if connection.vendor == "postgresql":
        first_of_each = AidResponse.objects.order_by("decision", "pk").distinct("decision")
        counted_where.append((requests.filter(pk__in=first_of_each.values("request")), AidRequest))

    for queryset, model in counted_where:
        counted = pagination.countable(queryset)
        assert (counted.model, counted.count()) == (model, queryset.count())
    assert pagination.countable(AidRequest.objects.filter(pk__in=answered)).count() == 3


def test_the_stance_list_shows_a_page_of_governments_at_a_time(client, make_actor, make_stance):
    from requests_app.views import STANCE_HOLDERS_PER_PAGE

    count = STANCE_HOLDERS_PER_PAGE + 2
    for n in range(count):
        holder = make_actor(f"holder-{n:02}", name=f"Holder {n:02}")
        make_stance(f"stance-{n:02}", holder=holder, title=f"Stance of holder {n:02}")
    url = reverse("tracker:stance-list")

    first = client.get(url).content.decode()
    second = client.get(url, {"page": 2}).content.decode()

    assert first.count("<section ") == STANCE_HOLDERS_PER_PAGE
    assert "Stance of holder 00" in first and "Stance of holder 11" not in first
    assert "Page 1 of 2" in first and 'href="?page=2" rel="next"' in first
    assert second.count("<section ") == 2
    assert "Stance of holder 11" in second and "Stance of holder 00" not in second


def test_a_list_s_count_is_made_once_a_data_version(client, admin_user, requests_, make_request):
    client.force_login(admin_user)
    url = reverse("api:request-list")

    def count(**params) -> tuple[int, int]:
        with CaptureQueriesContext(connection) as queries:
            body = client.get(url, {"status": "pending", "page_size": 5, **params}).json()
        return body["count"], sum("COUNT(" in q["sql"] for q in queries)

    assert count() == (23, 1)
    assert count(page=2) == (23, 0)  # the same list in the same data version: counted once
    assert count(status="declined") == (0, 1)  # another list is counted for itself

    make_request(slug="one-more")

    assert count() == (24, 1)  # the write raised the data version: counted again
