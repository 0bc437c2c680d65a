"""The dashboard and the conflicts page cost the same whatever the number of rows: counts
come from tallies the database keeps on every write, disputed facts from partial indexes."""

import datetime
import json
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from requests_app import tallies, timeline
from requests_app.models import AidRequest, Tally

NOV_28 = datetime.date(2024, 11, 28)


@pytest.fixture
def some_requests(make_request, record_response, make_stance, make_item):
    """Requests to two items, one answered, one dated only by its year."""
    stance = make_stance()
    answered = make_request("answered")
    record_response(answered, "declined", NOV_28, stance=stance)
    make_request("year-only", made_on=datetime.date(2023, 1, 1), made_on_precision="year")
    make_request("radar", item=make_item("radar", name="Radar", category="radar"))
    return answered


def kept() -> dict:
    return {(t.subject, t.key): t.n for t in Tally.objects.filter(n__gt=0)}


def counted_again() -> dict:
    tallies.rebuild(connection)
    return kept()


def test_the_tallies_count_what_the_tables_hold(some_requests):
    assert Tally.objects.counts()["request_period_status"] == {
        "2024-11:declined": 1,
        "in 2023:pending": 1,
        "2024-11:pending": 1,
    }
    assert kept() == counted_again()


def test_the_tallies_follow_every_write_path(some_requests):
    # A bulk update and a bulk delete skip the services: the triggers still count them.
    AidRequest.objects.filter(slug="radar").update(status="withdrawn")
    AidRequest.objects.filter(slug="year-only").update(made_on_precision="day")
    AidRequest.objects.filter(slug="year-only").delete()
    assert "in 2023:pending" not in Tally.objects.counts()["request_period_status"]
    assert kept() == counted_again()


@pytest.mark.parametrize("url_name", ["tracker:home", "tracker:conflicts"])
def test_the_same_queries_for_few_or_many_rows(
    queries_for, make_request, record_response, url_name
):
    make_request("first")
    few = queries_for(reverse(url_name))
    for number in range(5):
        record_response(make_request(f"more-{number}"), "declined", NOV_28)

    assert queries_for(reverse(url_name)) == few


# The tables that grow with the news; the few rows the pages read from them come from indexes.
# (The links between contradicting responses are all disputes: the conflicts page reads them.)
LARGE_TABLES = {"requests_app_aidrequest", "requests_app_aidresponse", "requests_app_citation"}


def full_reads(plan: dict) -> list[str]:
    """The plan's reads of a large table that are not bounded by an index condition, a partial
    index or a LIMIT over an ordered index."""
    found = []
    node = plan
    if node.get("Relation Name") in LARGE_TABLES:
        bounded = {"Index Cond", "Recheck Cond"} & set(node) or node.get("Index Name", "").endswith(
            ("_noted", "_disputes", "_newest_id")
        )
        if not bounded:
            found.append(f"{node['Node Type']} on {node['Relation Name']}")
    for child in node.get("Plans", []):
        found += full_reads(child)
    return found


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's plans")
@pytest.mark.parametrize("url_name", ["tracker:home", "tracker:conflicts"])
def test_postgresql_reads_no_large_table_whole(client, some_requests, url_name):
    with CaptureQueriesContext(connection) as captured:
        assert client.get(reverse(url_name)).status_code == 200
    with connection.cursor() as cursor:
        # The same statistics every run (whether autovacuum has read these tables yet decided
        # the plan, and the test with it), then, as tables this small are cheaper to scan whole
        # and join by hashing, the plans that large tables get: rows looked up from indexes.
        cursor.execute(f"ANALYZE {', '.join(sorted(LARGE_TABLES))}")
        for method in ("seqscan", "hashjoin", "mergejoin"):
            cursor.execute(f"SET LOCAL enable_{method} = off")
        problems = {}
        for query in captured:
            sql = query["sql"]
            if not sql.startswith("SELECT"):
                continue
            cursor.execute(f"EXPLAIN (FORMAT JSON) {sql}")
            (plan,) = cursor.fetchone()
            plan = plan if isinstance(plan, list) else json.loads(plan)
            if reads := full_reads(plan[0]["Plan"]):
                problems[sql[:120]] = reads
    assert problems == {}, json.dumps(problems, indent=1)


def test_the_timeline_tallies_are_read_only_to_draw_the_timeline(
    client, django_user_model, some_requests
):
    # A signed-in reader: no page cache, but the timeline is kept per data version.
    client.force_login(django_user_model.objects.create_user("reader"))
    client.get(reverse("tracker:home"))
    with CaptureQueriesContext(connection) as captured:
        response = client.get(reverse("tracker:home"))

    assert "2024-11" in response.content.decode()  # the timeline, from where it was kept
    tally_reads = [q["sql"] for q in captured if "requests_app_tally" in q["sql"]]
    assert tally_reads
    assert all("request_period_status" not in sql for sql in tally_reads)
    assert all("request_item" in sql for sql in tally_reads)


def test_the_timeline_keeps_a_busy_month_inside_its_lane(client, make_request):
    """A dot grows with its count, until its lane's largest would leave the lane: 40 requests
    in a month made a dot 48 pixels wide in a lane 74 high (670 at 100,000 requests, 165)."""
    for number in range(40):
        make_request(f"request-{number}")
    make_request("one-in-october", made_on=datetime.date(2024, 10, 2))

    html = client.get(reverse("tracker:home")).content.decode()

    chart = html[html.index("<svg") : html.index("</svg>")]
    radii = [float(r) for r in re.findall(r'<circle [^>]*r="([\d.]+)"', chart)]
    assert sorted(radii) == [6.7, timeline.MAX_RADIUS]  # 5 + 3 × √count × 11 / (3 × √40)
    assert 'text-anchor="middle">40</text>' in chart
