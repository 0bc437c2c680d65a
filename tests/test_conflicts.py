"""Conflicting reports: the /conflicts/ page, its links from the facts, and has_conflict."""

import pytest
from django.urls import reverse

from requests_app import services
from requests_app.models import AidRequest, AidResponse, Contribution, PolicyStance

DISPUTED = {
    "request": ["ua-kr-2024-11-cheongung", "ua-kr-2024-11-155mm-shells"],
    "response": ["kr-non-lethal-aid-instead"],
    "stance": ["kr-no-weapons-to-conflict-zones"],
    "contribution": ["kr-ua-demining-equipment"],
}
MODELS = {
    "request": AidRequest,
    "response": AidResponse,
    "stance": PolicyStance,
    "contribution": Contribution,
}


def test_the_page_lists_every_fact_sources_report_differently(client, seeded):
    page = client.get(reverse("tracker:conflicts"))

    assert page.status_code == 200
    shown = {kind["anchor"]: [fact.slug for fact in kind["page"]] for kind in page.context["kinds"]}
    assert shown == {**DISPUTED, "event": [], "action": [], "role": []}
    assert "All kinds: 5" in page.content.decode()


def test_a_kind_is_listed_alone_page_by_page(client, seeded, monkeypatch):
    monkeypatch.setattr("requests_app.views.PAGE_SIZE", 1)
    first, second = (AidRequest.objects.get(slug=slug) for slug in DISPUTED["request"])
    overview = client.get(reverse("tracker:conflicts")).content.decode()
    # The first page of each kind, and a way to the rest.
    assert 'href="?kind=request">All 2 disputed requests, page by page' in overview

    pages = [
        client.get(reverse("tracker:conflicts"), {"kind": "request", "page": number})
        for number in (1, 2)
    ]

    # One fact a page, only requests.
    shown = [
        [fact.pk for kind in page.context["kinds"] if kind["page"] for fact in kind["page"]]
        for page in pages
    ]
    assert sorted(shown) == sorted([[first.pk], [second.pk]])
    html = pages[0].content.decode()
    assert 'aria-current="page">Requests: 2</a>' in html
    assert 'id="responses"' not in html
    assert 'href="?kind=request&amp;page=2" rel="next"' in html


def test_an_unknown_kind_answers_400_naming_it(client, db):
    response = client.get(reverse("tracker:conflicts"), {"kind": "rumour"})

    assert response.status_code == 400
    assert "<code>kind</code>: Select a valid choice." in response.content.decode()


def test_each_side_shows_its_source_and_its_words(client, seeded):
    html = client.get(reverse("tracker:conflicts")).content.decode()

    cheongung = AidRequest.objects.get(slug="ua-kr-2024-11-cheongung")
    card = html.split(f'id="request-{cheongung.pk}"')[1].split("</article>")[0]
    assert card.count('<div class="side">') == 3
    for outlet in ["Euromaidan Press", "Kyiv Post", "archyde.com"]:
        assert outlet in card
    assert "sought to purchase the Cheongung" in card
    assert "Reported after the visit as a purchase." in card


@pytest.mark.parametrize("kind", DISPUTED)
def test_the_facts_link_to_their_conflict(client, seeded, kind):
    fact = MODELS[kind].objects.get(slug=DISPUTED[kind][0])

    html = client.get(fact.get_absolute_url()).content.decode()

    assert f'href="/conflicts/#{kind}-{fact.pk}"' in html
    assert f'id="{kind}-{fact.pk}"' in client.get(reverse("tracker:conflicts")).content.decode()


def test_a_note_without_a_second_source_is_no_conflict(client, seeded):
    # Only one article reports the ambassador's appeal: a note, but no other side to show.
    appeal = AidRequest.objects.get(slug="ua-kr-2024-07-air-defence")
    assert appeal.citations.values("source").distinct().count() == 1
    appeal.conflict_note = "Only this article reports the appeal."
    services.record_save(record=appeal)

    html = client.get(appeal.get_absolute_url()).content.decode()

    assert "/conflicts/#" not in html
    assert "<strong>Note:</strong>" in html


@pytest.mark.parametrize("url_name", ["tracker:request-list", "api:request-list"])
def test_has_conflict_filters_the_request_list(client, seeded, url_name):
    def slugs(value: str) -> set[str]:
        response = client.get(reverse(url_name), {"has_conflict": value})
        assert response.status_code == 200
        if url_name.startswith("api"):
            return {row["slug"] for row in response.json()["results"]}
        return {row.slug for row in response.context["page"].object_list}

    contested, uncontested = slugs("true"), slugs("false")
    # The two disputed requests, and the one whose first answer is disputed.
    assert contested == {*DISPUTED["request"], "ua-kr-weapons-since-2022"}
    assert not contested & uncontested
    assert len(contested | uncontested) == AidRequest.objects.count()


@pytest.mark.parametrize("url_name", ["tracker:request-list", "api:request-list"])
def test_a_bad_has_conflict_answers_400_naming_it(client, seeded, url_name):
    response = client.get(reverse(url_name), {"has_conflict": "maybe"})

    assert response.status_code == 400
    assert "has_conflict" in response.content.decode() or "Sources disagree" in (
        response.content.decode()
    )
