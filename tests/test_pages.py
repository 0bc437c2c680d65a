"""The home page, the request list and detail show the facts with their status and stance."""

import datetime

from django.urls import reverse

from requests_app.models import AidRequest

NOV_28 = datetime.date(2024, 11, 28)


def test_home_counts_requests_by_status_and_category(client, seeded):
    total = AidRequest.objects.count()
    declined = AidRequest.objects.filter(status="declined").count()

    html = client.get(reverse("tracker:home")).content.decode()

    assert f"{total} requests by status" in html
    assert (
        f'<span class="count__number">{declined}</span> <span class="badge badge--declined">'
        in html
    )
    assert "Air defence" in html
    assert "Weapon sales to Ukraine declined under trade law" in html


def test_request_list_shows_status_beside_the_stance(client, seeded):
    html = client.get(reverse("tracker:request-list")).content.decode()

    assert "Cheongung air defence missile systems" in html
    assert '<span class="badge badge--declined">Declined</span>' in html
    assert "Weapon sales to Ukraine declined under trade law" in html
    assert "since 28 November 2024" in html


def test_request_detail_shows_the_response_with_reason_and_quotes(client, seeded):
    cheongung = AidRequest.objects.get(slug="ua-kr-2024-11-cheongung")

    html = client.get(cheongung.get_absolute_url()).content.decode()

    assert "not available for new sales until 2030" in html
    assert "ultimately declined the weapon sales" in html
    assert "Euromaidan Press" in html
    assert f'href="/sources/{cheongung.citations.first().source_id}/#citation-' in html


def test_unknown_request_is_404(client, db):
    assert client.get(reverse("tracker:request-detail", args=[999])).status_code == 404


def test_source_page_shows_the_cleaned_article(client, seeded):
    cheongung = AidRequest.objects.get(slug="ua-kr-2024-11-cheongung")
    article = cheongung.citations.first().source

    html = client.get(article.get_absolute_url()).content.decode()

    assert "Seoul declines Ukrainian request for defense system sales" in html
    assert "Become a patron" not in html
