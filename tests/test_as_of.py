"""What was known when: the request pages and API as the sources had reported them by a date."""

import csv
import io

import pytest
from django.urls import reverse

from requests_app.models import AidRequest

JULY_AIR_DEFENCE = "ua-kr-2024-07-air-defence"
CHEONGUNG = "ua-kr-2024-11-cheongung"
WEAPONS = "ua-kr-weapons-since-2022"


def pk_of(slug: str) -> int:
    return AidRequest.objects.get(slug=slug).pk


def api_requests(api, **params) -> dict:
    response = api.get(reverse("api:request-list"), {"page_size": 100, **params})
    assert response.status_code == 200, response.content[:300]
    return {row["slug"]: row for row in response.json()["results"]}


def test_in_mid_july_2024_the_ambassadors_request_is_pending_under_the_june_stance(client, seeded):
    page = client.get(
        reverse("tracker:request-detail", args=[pk_of(JULY_AIR_DEFENCE)]), {"as_of": "2024-07-15"}
    )

    assert page.status_code == 200
    assert page.context["aid_request"].status == "pending"
    assert [s.slug for s in page.context["addressee_stances"]] == ["kr-reconsider-weapons-2024-06"]
    html = page.content.decode()
    assert "As reported on 15 July 2024" in html
    assert "South Korea’s stance on 15 July 2024" in html
    assert "No answer reported by then" in html


def test_the_weapons_request_steps_through_its_answers(client, seeded):
    url = reverse("tracker:request-detail", args=[pk_of(WEAPONS)])
    seen = {}
    for day in ["2024-07-15", "2024-11-26", "2024-11-30"]:
        page = client.get(url, {"as_of": day})
        responses = [r.slug for group in page.context["timeline"] for r in group]
        seen[day] = (page.context["aid_request"].status, len(responses))

    # Two answers known in July (the old alternative, then June's "reconsider"); three more
    # reported in late November.
    assert seen == {
        "2024-07-15": ("under_consideration", 2),
        "2024-11-26": ("under_consideration", 4),
        "2024-11-30": ("under_consideration", 5),
    }


def test_before_any_source_reports_cheongung_its_page_says_when_they_first_do(client, seeded):
    page = client.get(
        reverse("tracker:request-detail", args=[pk_of(CHEONGUNG)]), {"as_of": "2024-11-01"}
    )

    assert page.status_code == 404
    html = page.content.decode()
    assert "No article published by 1 November 2024 reports this request" in html
    assert "first report it on 26 November 2024" in html


def test_cheongung_is_declined_by_the_end_of_november(client, seeded):
    page = client.get(
        reverse("tracker:request-detail", args=[pk_of(CHEONGUNG)]), {"as_of": "2024-11-30"}
    )

    assert page.context["aid_request"].status == "declined"
    # A refusal rests on a stance; it states none of its own.
    assert [s.slug for s in page.context["addressee_stances"]] == ["kr-not-ruling-out-weapons-2024"]


def test_citations_published_later_are_left_out(client, seeded):
    page = client.get(
        reverse("tracker:request-detail", args=[pk_of(CHEONGUNG)]), {"as_of": "2024-11-26"}
    )

    published = {
        c.source.published_on.isoformat() for c in page.context["aid_request"].citations.all()
    }
    assert published == {"2024-11-26"}
    assert page.context["aid_request"].status == "pending"


@pytest.mark.parametrize(
    ("day", "count", "statuses"),
    [
        ("2023-05-29", 0, set()),
        ("2023-05-30", 3, {"pending"}),
        ("2024-07-15", 5, {"pending", "under_consideration"}),
        ("2024-11-01", 5, {"pending", "under_consideration"}),
        ("2024-11-30", 13, {"pending", "under_consideration", "declined"}),
    ],
)
def test_the_request_list_as_of_a_day(client, seeded, day, count, statuses):
    page = client.get(reverse("tracker:request-list"), {"as_of": day})

    assert page.status_code == 200
    rows = page.context["page"].object_list
    assert page.context["page"].paginator.count == count
    assert {row.status for row in rows} == statuses
    assert CHEONGUNG not in {row.slug for row in rows} or day == "2024-11-30"


def test_the_status_filter_and_sort_use_the_status_then(client, seeded):
    # Declined today, but nothing had been declined by mid-November.
    page = client.get(
        reverse("tracker:request-list"), {"as_of": "2024-11-15", "status": "declined"}
    )
    assert page.context["page"].paginator.count == 0

    page = client.get(
        reverse("tracker:request-list"), {"as_of": "2024-07-15", "ordering": "-status"}
    )
    statuses = [row.status for row in page.context["page"].object_list]
    assert statuses == sorted(statuses, reverse=True)
    assert statuses[0] == "under_consideration"


def test_the_list_of_the_past_shows_the_stance_then_and_steps_between_reports(client, seeded):
    page = client.get(reverse("tracker:request-list"), {"as_of": "2024-07-15"})

    assert [s.slug for s in page.context["stances_then"]] == ["kr-reconsider-weapons-2024-06"]
    html = page.content.decode()
    assert "?as_of=2024-07-12" in html.replace("&amp;", "&")  # the report before
    assert "?as_of=2024-11-07" in html.replace("&amp;", "&")  # and the one after (in Korean)
    assert f'href="/requests/{pk_of(JULY_AIR_DEFENCE)}/?as_of=2024-07-15"' in html


def test_todays_pages_are_unchanged_and_offer_the_date_control(client, seeded):
    page = client.get(reverse("tracker:request-detail", args=[pk_of(CHEONGUNG)]))

    assert page.context["past"] is None
    assert page.context["aid_request"].status == "declined"
    html = page.content.decode()
    assert 'name="as_of"' in html
    assert "As reported on" not in html.split("<main", 1)[1].split("</form>", 1)[1]


@pytest.mark.parametrize("url_name", ["tracker:request-list", "tracker:request-export"])
def test_a_bad_date_answers_400_naming_as_of(client, seeded, url_name):
    response = client.get(reverse(url_name), {"as_of": "2024-13-01"})

    assert response.status_code == 400
    assert "as_of" in response.content.decode() or "As reported on" in response.content.decode()


def test_a_bad_date_on_a_request_page_answers_400(client, seeded):
    response = client.get(
        reverse("tracker:request-detail", args=[pk_of(CHEONGUNG)]), {"as_of": "yesterday"}
    )

    assert response.status_code == 400
    assert "as_of" in response.content.decode()


def test_the_api_lists_requests_as_of_a_day(api, seeded):
    july = api_requests(api, as_of="2024-07-15")
    assert len(july) == 5
    assert july[JULY_AIR_DEFENCE]["status"] == "pending"
    assert july[JULY_AIR_DEFENCE]["current_stance"] is None
    weapons = july[WEAPONS]
    assert weapons["status"] == "under_consideration"
    assert weapons["current_stance"]["slug"] == "kr-reconsider-weapons-2024-06"
    assert len(weapons["responses"]) == 2
    assert {c["source"]["published_on"] for c in weapons["citations"]} == {"2024-07-12"}

    assert CHEONGUNG not in api_requests(api, as_of="2024-11-01")
    assert api_requests(api, as_of="2024-11-30")[CHEONGUNG]["status"] == "declined"
    assert set(api_requests(api, as_of="2024-11-15", status="declined")) == set()


def test_the_api_detail_as_of_a_day(api, seeded):
    url = reverse("api:request-detail", args=[pk_of(CHEONGUNG)])

    assert api.get(url, {"as_of": "2024-11-26"}).json()["status"] == "pending"
    assert api.get(url, {"as_of": "2024-11-30"}).json()["status"] == "declined"
    missing = api.get(url, {"as_of": "2024-11-01"})
    assert missing.status_code == 404
    assert "2024-11-01" in missing.json()["detail"]
    bad = api.get(url, {"as_of": "soon"})
    assert bad.status_code == 400
    assert "as_of" in bad.json()


def test_the_csv_export_as_of_a_day(client, seeded):
    response = client.get(reverse("tracker:request-export"), {"as_of": "2024-07-15"})

    assert 'filename="aid-requests-as-of-2024-07-15.csv"' in response["Content-Disposition"]
    rows = list(csv.DictReader(io.StringIO(b"".join(response.streaming_content).decode())))
    by_slug = {row["id"]: row for row in rows}
    assert len(rows) == 5
    assert all(row["url"].endswith(f"/requests/{row['id']}/?as_of=2024-07-15") for row in rows)
    assert by_slug[str(pk_of(JULY_AIR_DEFENCE))]["status"] == "pending"
    weapons = by_slug[str(pk_of(WEAPONS))]
    assert (weapons["status"], weapons["current_stance_position"]) == (
        "under_consideration",
        "under_review",
    )


def test_a_view_of_the_past_never_writes(client, api, seeded):
    cheongung = AidRequest.objects.get(slug=CHEONGUNG)
    client.get(cheongung.get_absolute_url(), {"as_of": "2024-11-26"})
    api_requests(api, as_of="2024-11-26")

    cheongung.refresh_from_db()
    assert cheongung.status == "declined"


def test_writes_ignore_as_of_and_other_filters(api, seeded, curator, token_for):
    api.credentials(HTTP_AUTHORIZATION=f"Token {token_for(curator)}")
    cheongung = AidRequest.objects.get(slug=CHEONGUNG)
    url = reverse("api:request-detail", args=[cheongung.pk])

    response = api.patch(f"{url}?as_of=2024-11-01&status=pending", {"quantity": 3}, format="json")

    assert response.status_code == 200, response.content[:300]
    assert response.json()["status"] == "declined"
    cheongung.refresh_from_db()
    assert (cheongung.quantity, cheongung.status) == (3, "declined")


def test_the_json_ld_endpoint_also_answers_plain_json(api, seeded):
    url = reverse("api:request-jsonld", args=[AidRequest.objects.get(slug=CHEONGUNG).pk])

    response = api.get(url, HTTP_ACCEPT="application/json")

    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert response.json()["@context"] == "https://schema.org"


def test_sorting_by_status_breaks_ties_newest_first(seeded):
    from requests_app.filters import AidRequestFilter

    ordered = AidRequestFilter({"ordering": "status"}, queryset=AidRequest.objects.all()).qs

    assert ordered.query.order_by == ("status_then", "-made_on", "title", "pk")
