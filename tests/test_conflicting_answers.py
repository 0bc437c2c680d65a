"""Answers that contradict each other (conflicts_with), built here rather than from the seed."""

import datetime

import pytest
from django.urls import reverse

from requests_app.models import AidRequest, Citation

NOV_28 = datetime.date(2024, 11, 28)
LIST = reverse("tracker:request-list")


def contradicting_answers(aid_request, record_response, article, cite):
    declined = record_response(
        aid_request,
        "declined",
        NOV_28,
        citations=[Citation(source=article, quote="declined the weapon sales")],
    )
    denied = record_response(
        aid_request,
        "under_consideration",
        NOV_28,
        citations=[Citation(source=article, quote="Seoul declines Ukrainian request.")],
    )
    declined.conflicts_with.add(denied)
    return declined, denied


def test_a_pair_of_contradicting_answers_is_shown_once_side_by_side(
    client, aid_request, record_response, article, cite
):
    declined, denied = contradicting_answers(aid_request, record_response, article, cite)

    page = client.get(reverse("tracker:conflicts"))

    responses = {kind["anchor"]: kind["page"] for kind in page.context["kinds"]}["response"]
    assert list(responses) == [declined, denied]
    html = page.content.decode()
    # Each report has its own card, with its quotes, and links to the one it contradicts.
    for report, other in [(declined, denied), (denied, declined)]:
        card = html.split(f'id="response-{report.pk}"')[1].split("</article>")[0]
        assert card.count('<div class="side">') == 1
        assert f'Contradicted by <a href="#response-{other.pk}">' in card
    # Both answers link there from the request's page, and the request counts as contested.
    detail = client.get(aid_request.get_absolute_url()).content.decode()
    assert f'href="/conflicts/#response-{declined.pk}"' in detail
    assert f'href="/conflicts/#response-{denied.pk}"' in detail
    listed = client.get(reverse("api:request-list"), {"has_conflict": "true"}).json()
    assert [row["id"] for row in listed["results"]] == [aid_request.pk]


@pytest.mark.parametrize("kind", ["", "request", "response"])
def test_the_conflicts_page_runs_the_same_queries_for_few_or_many(
    queries_for, make_request, record_response, article, make_article, cite, monkeypatch, kind
):
    # More disputed facts than a page holds.
    monkeypatch.setattr("requests_app.views.PAGE_SIZE", 3)
    url = reverse("tracker:conflicts") + f"?kind={kind}"
    other = make_article("other-article", url="https://example.org/other")

    def dispute(count: int) -> None:
        for number in range(count):
            aid_request = make_request(f"disputed-{count}-{number}", conflict_note="They differ.")
            cite(article, "declined the weapon sales", request=aid_request)
            cite(other, "declined the weapon sales", request=aid_request)
            contradicting_answers(aid_request, record_response, article, cite)

    dispute(1)
    few = queries_for(url)

    dispute(5)

    assert queries_for(url) == few
    assert queries_for(url + "&page=2") == few
    assert AidRequest.objects.disputed().count() == 6


def test_a_chain_of_contradictions_shows_every_report(
    client, aid_request, record_response, article, cite
):
    first, second = contradicting_answers(aid_request, record_response, article, cite)
    third = record_response(aid_request, "fulfilled", NOV_28)
    cite(article, "Anti-aircraft systems are purely defensive equipment", response=third)
    second.conflicts_with.add(third)

    html = client.get(reverse("tracker:conflicts")).content.decode()

    for report in (first, second, third):
        assert f'id="response-{report.pk}"' in html
    second_card = html.split(f'id="response-{second.pk}"')[1].split("</article>")[0]
    assert f'href="#response-{first.pk}"' in second_card
    assert f'href="#response-{third.pk}"' in second_card


def test_a_request_is_marked_disputed_when_its_answer_is(
    client, make_request, record_response, make_article, cite
):
    asked = make_request()
    make_request("radar-request", title="Radars, to buy")
    answer = record_response(asked, "declined", NOV_28)
    denial = make_article("denial", body="Seoul said it never declined anything.")
    assert b"badge--disputed" not in client.get(LIST).content

    cite(denial, "it never declined anything", response=answer, relation="disputes")

    rows = client.get(LIST).context["page"].object_list
    assert {row.slug: row.contested for row in rows} == {
        "cheongung-request": True,
        "radar-request": False,
    }
