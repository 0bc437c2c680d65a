"""The next real articles, recorded without bending them: denials, how a source knows,
actions nobody asked for, office terms, conditional and scoped stances, vague quantities."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from requests_app import services
from requests_app.models import (
    Action,
    Actor,
    AidRequest,
    AidResponse,
    Citation,
    Contribution,
    DatePrecision,
    Event,
    Item,
    PolicyStance,
    Role,
)
from requests_app.models.dates import format_partial_date, parse_partial_date

DENIAL = "Seoul declines Ukrainian request."


@pytest.fixture
def as_curator(api, curator, token_for):
    api.credentials(HTTP_AUTHORIZATION=f"Token {token_for(curator)}")
    return api


def test_a_disputing_citation_makes_its_fact_disputed_everywhere(aid_request, article, api):
    assert not AidRequest.objects.disputed().exists()
    services.record_save(
        record=Citation(
            source=article, quote=DENIAL, request=aid_request, relation=Citation.Relation.DISPUTES
        )
    )

    assert list(AidRequest.objects.disputed()) == [aid_request]
    loaded = AidRequest.objects.with_citations().get()
    assert loaded.is_disputed
    detail = api.get(reverse("api:request-detail", args=[aid_request.pk])).json()
    assert detail["disputed"] is True
    assert {c["relation"] for c in detail["citations"]} == {"supports", "disputes"}


def test_one_rule_for_disputed_in_the_database_and_on_a_loaded_fact(
    aid_request, record_response, article, cite
):
    plain = record_response(aid_request, "declined", datetime.date(2024, 11, 28))
    noted = record_response(aid_request, "declined", datetime.date(2024, 11, 29))
    noted.conflict_note = "One outlet says declined, another says under review."
    services.response_save(response=noted)
    cite(article, "declined the weapon sales", response=noted)
    linked = record_response(aid_request, "under_consideration", datetime.date(2024, 11, 30))
    services.response_save(response=linked, conflicts_with=[plain])

    in_database = set(AidResponse.objects.disputed())
    loaded = AidResponse.objects.with_citations().prefetch_related("conflicts_with")
    assert in_database == {response for response in loaded if response.is_disputed}
    assert in_database == {plain, noted, linked}


def test_a_relayed_report_names_its_outlet_and_only_it_does(aid_request, article, make_actor):
    yonhap = make_actor("yonhap", name="Yonhap", kind=Actor.Kind.MEDIA_OUTLET)
    relayed = Citation(source=article, quote=DENIAL, request=aid_request, attribution="relayed")
    with pytest.raises(ValidationError, match="names the outlet it relays"):
        services.record_save(record=relayed)

    relayed.relayed_from = yonhap
    services.record_save(record=relayed)
    assert relayed.attribution_display == "citing Yonhap"

    anonymous = Citation(
        source=article,
        quote="declined the weapon sales",
        request=aid_request,
        attribution="anonymous",
        relayed_from=yonhap,
    )
    with pytest.raises(ValidationError, match="Only a relayed report"):
        services.record_save(record=anonymous)


def test_the_api_refuses_a_relayed_citation_without_its_outlet(as_curator, aid_request, article):
    body = {
        "source": article.pk,
        "quote": DENIAL,
        "request": aid_request.pk,
        "attribution": "relayed",
    }
    response = as_curator.post(reverse("api:citation-list"), body, format="json")
    assert response.status_code == 400
    assert "relayed_from" in response.json()


def test_an_action_is_recorded_through_the_api_with_a_week_date(
    as_curator, article, ukraine, south_korea
):
    body = {
        "actor": "south-korea",
        "counterpart": "ukraine",
        "kind": "delegation",
        "occurred_on": "2024-11-25",
        "occurred_on_precision": "week",
        "summary": "Seoul will send a delegation to Kyiv to share intelligence.",
        "citations": [{"source": article.pk, "quote": DENIAL}],
    }
    created = as_curator.post(reverse("api:action-list"), body, format="json")

    assert created.status_code == 201, created.json()
    action = Action.objects.get()
    assert (action.actor, action.counterpart, action.kind) == (south_korea, ukraine, "delegation")
    assert action.occurred_on_display == "the week of 25 November 2024"
    listed = as_curator.get(reverse("api:action-list"), {"actor": "south-korea"}).json()
    assert [row["slug"] for row in listed["results"]] == [action.slug]
    assert listed["results"][0]["disputed"] is False


def test_a_week_is_stored_as_its_monday(as_curator, article):
    body = {
        "actor": "south-korea",
        "counterpart": "ukraine",
        "kind": "offer",
        "occurred_on": "2024-11-27",
        "occurred_on_precision": "week",
        "summary": "An offer.",
        "citations": [{"source": article.pk, "quote": DENIAL}],
    }
    Actor.objects.bulk_create(
        [Actor(slug="south-korea", name="South Korea"), Actor(slug="ukraine", name="Ukraine")]
    )
    response = as_curator.post(reverse("api:action-list"), body, format="json")
    assert response.status_code == 400
    assert "Monday" in str(response.json())


def test_week_dates_parse_and_read_as_a_week():
    assert parse_partial_date("2024-W48") == (datetime.date(2024, 11, 25), DatePrecision.WEEK)
    assert format_partial_date(datetime.date(2024, 11, 25), "week") == (
        "the week of 25 November 2024"
    )


def test_an_impeached_president_is_no_longer_current_and_his_successor_is(
    make_actor, south_korea, first_report
):
    yoon = make_actor("yoon", name="Yoon Suk Yeol", kind=Actor.Kind.PERSON)
    lee = make_actor("lee", name="Lee Jae-myung", kind=Actor.Kind.PERSON)

    def president(person, **term) -> Role:
        return services.record_save(
            record=Role(
                person=person,
                title="President",
                organisation=south_korea,
                held_from=datetime.date(2022, 5, 10),
                **term,
            ),
            citations=first_report(None),
        )

    old = president(
        yoon,
        started_on=datetime.date(2022, 5, 10),
        ended_on=datetime.date(2025, 4, 4),
        end_reason=Role.EndReason.IMPEACHED,
    )
    new = president(lee, started_on=datetime.date(2025, 6, 4))

    assert (old.is_current, new.is_current) == (False, True)
    assert list(Role.objects.current()) == [new]
    assert old.term_display == "10 May 2022 – 4 April 2025 (impeached)"


def test_a_term_cannot_end_before_it_starts(api, as_curator, make_actor, south_korea, article):
    make_actor("yoon", name="Yoon Suk Yeol", kind=Actor.Kind.PERSON)
    body = {
        "person": "yoon",
        "title": "President",
        "organisation": "south-korea",
        "held_from": "2022-05-10",
        "started_on": "2025-04-04",
        "ended_on": "2022-05-10",
        "end_reason": "impeached",
        "citations": [{"source": article.pk, "quote": DENIAL}],
    }
    response = as_curator.post(reverse("api:role-list"), body, format="json")
    assert response.status_code == 400
    assert response.json() == {"ended_on": ["A term cannot end before it starts."]}

    body["started_on"], body["ended_on"] = "2022-05-10", "2025-04-04"
    created = as_curator.post(reverse("api:role-list"), body, format="json")
    assert created.status_code == 201, created.json()
    assert created.json()["is_current"] is False
    current = api.get(reverse("api:role-list"), {"is_current": "false"}).json()
    assert [row["slug"] for row in current["results"]] == [created.json()["slug"]]


def test_two_stances_in_force_at_once_for_different_scopes(make_stance, make_item, make_actor):
    president = make_actor("lee", name="Lee Jae-myung", kind=Actor.Kind.PERSON)
    lethal = make_stance(
        "no-lethal-aid",
        title="No lethal aid until a ceasefire",
        condition="until a ceasefire",
        scope={"lethality": ["lethal"]},
        voiced_by=president,
        in_force_from=datetime.date(2025, 6, 10),
    )
    other = make_stance(
        "other-cooperation",
        title="Humanitarian and non-lethal support continues",
        position=PolicyStance.Position.PERMITS,
        scope={"lethality": ["non_lethal"]},
        in_force_from=datetime.date(2025, 6, 10),
    )

    in_force = PolicyStance.objects.latest_in_force_on(datetime.date(2025, 7, 1))
    assert set(in_force[lethal.holder_id]) == {lethal, other}
    shells = make_item("shells", category=Item.Category.AMMUNITION, lethality="lethal")
    helmets = make_item("helmets", category=Item.Category.PROTECTIVE_GEAR, lethality="non_lethal")
    assert lethal.rules_out(shells) and not lethal.rules_out(helmets)
    assert lethal.scope_display == "lethal aid"


def test_a_scope_names_only_known_framings_and_categories(make_stance):
    with pytest.raises(ValidationError, match="'lethality' is a list of"):
        make_stance(scope={"lethality": ["deadly"]})
    with pytest.raises(ValidationError, match="lists 'lethality' and 'categories'"):
        make_stance("other", scope={"kinds": []})


def test_a_stance_in_the_api_carries_condition_scope_and_voice(api, make_stance, make_actor):
    president = make_actor("lee", name="Lee Jae-myung", kind=Actor.Kind.PERSON)
    stance = make_stance(
        condition="until a ceasefire", scope={"lethality": ["lethal"]}, voiced_by=president
    )
    data = api.get(reverse("api:stance-detail", args=[stance.slug])).json()
    assert data["condition"] == "until a ceasefire"
    assert data["scope"] == {"lethality": ["lethal"]}
    assert data["voiced_by"]["slug"] == "lee"


def test_a_vague_quantity_is_kept_in_the_sources_words(as_curator, aid_request, article):
    contribution = Contribution(
        donor=aid_request.addressee,
        recipient=aid_request.requester,
        intermediary=Actor.objects.create(slug="united-states", name="United States"),
        description="155 mm shells, through the United States",
        quantity_text="hundreds of thousands",
        quantity_min=200_000,
        quantity_max=999_999,
        status=Contribution.Status.DELIVERED,
    )
    services.record_save(
        record=contribution,
        citations=[Citation(source=article, quote="declined the weapon sales")],
    )
    assert contribution.quantity_display == "hundreds of thousands"
    data = as_curator.get(reverse("api:contribution-detail", args=[contribution.slug])).json()
    assert (data["quantity"], data["quantity_text"], data["quantity_min"]) == (
        None,
        "hundreds of thousands",
        200_000,
    )

    url = reverse("api:request-detail", args=[aid_request.pk])
    refused = as_curator.patch(url, {"quantity_min": 10, "quantity_max": 5}, format="json")
    assert refused.status_code == 400
    assert "quantity_min" in refused.json()
    exact = as_curator.patch(url, {"quantity": 100}, format="json").json()
    assert (exact["quantity_min"], exact["quantity_max"]) == (100, 100)


def test_a_request_nobody_answered_says_how_long_and_whether_a_stance_rules_it_out(
    aid_request, make_stance
):
    assert aid_request.get_status_display() == "No answer reported"
    aid_request.made_on = datetime.date.today() - datetime.timedelta(days=40)
    assert aid_request.unanswered_for in {"1 month", "5 weeks"}
    ban = make_stance(scope={"lethality": ["disputed"]})
    assert aid_request.ruled_out_by([ban]) == ban
    ban.scope = {"categories": ["humanitarian"]}
    assert aid_request.ruled_out_by([ban]) is None


@pytest.fixture
def add_facts(ukraine, south_korea, first_report):
    """Add `count` more actions, events, contributions and roles, each cited."""
    rounds = iter(range(1000))

    def add(count: int) -> None:
        n = next(rounds)
        for number in range(count):
            day = datetime.date(2024, 11, 25)
            for record in [
                Action(
                    slug=f"action-{n}-{number}",
                    actor=south_korea,
                    counterpart=ukraine,
                    kind=Action.Kind.OFFER,
                    occurred_on=day,
                    summary="An offer.",
                ),
                Event(
                    slug=f"event-{n}-{number}",
                    title="Strike",
                    summary="A strike.",
                    kind="attack",
                    occurred_on=day,
                ),
                Contribution(
                    slug=f"aid-{n}-{number}",
                    donor=south_korea,
                    recipient=ukraine,
                    description="Helmets",
                    amount=1000,
                    currency="KRW",
                    status=Contribution.Status.PLEDGED,
                ),
                Role(
                    slug=f"role-{n}-{number}",
                    person=Actor.objects.create(
                        slug=f"person-{n}-{number}", name=f"P {n} {number}", kind="person"
                    ),
                    title="Minister",
                    organisation=south_korea,
                    held_from=day,
                    started_on=day,
                ),
            ]:
                services.record_save(record=record, citations=first_report(None))

    return add


@pytest.mark.parametrize(
    "url",
    [
        "/aid/",
        "/events/",
        "/actions/",
        "/aid/export.csv",
        "/actors/south-korea/",
        "/api/v1/actions/",
        "/api/v1/roles/",
    ],
)
def test_new_pages_and_lists_run_the_same_queries_for_few_or_many_rows(client, add_facts, url):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            response = client.get(url)
            assert response.status_code == 200
            b"".join(response.streaming_content) if response.streaming else response.content
        return len(queries)

    add_facts(1)
    few = count()
    add_facts(6)
    assert count() == few


def test_the_new_lists_filter_and_export_as_csv(client, add_facts):
    add_facts(2)
    page = client.get("/actions/", {"kind": "offer", "actor": "south-korea"})
    assert page.status_code == 200
    assert page.context["page"].paginator.count == 2
    assert client.get("/actions/", {"kind": "bribe"}).status_code == 400

    csv = b"".join(client.get("/aid/export.csv", {"donor": "south-korea"}).streaming_content)
    lines = csv.decode().splitlines()
    assert lines[0].startswith("url,slug,donor,recipient,intermediary")
    assert len(lines) == 3
    totals = client.get("/aid/").context["totals"]
    assert [(t["donor__name"], t["currency"], t["total"]) for t in totals] == [
        ("South Korea", "KRW", 2000)
    ]
    bad = client.get("/events/export.csv", {"kind": "nope"})
    assert bad.status_code == 400
    assert b"kind" in bad.content


def test_an_action_appears_in_the_feeds_and_the_timeline(client, add_facts):
    add_facts(1)
    feed = client.get(reverse("tracker:actor-feed", args=["ukraine"])).content.decode()
    assert "Action: South Korea → Ukraine: Offer" in feed
    home = client.get(reverse("tracker:home"))
    assert "Actions" in [lane.title for lane in home.context["timeline"]["lanes"]]


def test_changed_since_and_deletions_know_actions_and_roles(api, add_facts):
    from django.utils import timezone

    add_facts(1)
    since = timezone.now()
    action = Action.objects.get()
    action.summary = "An offer, made again."
    services.record_save(record=action)
    changed = api.get(reverse("api:action-list"), {"changed_since": since.isoformat()}).json()
    assert [row["slug"] for row in changed["results"]] == [action.slug]
    services.record_delete(record=Role.objects.get())
    gone = api.get(reverse("api:deletion-list"), {"type": "role"}).json()
    assert gone["count"] == 1


def test_list_and_detail_agree_on_disputed_under_as_of(client, aid_request, make_article):
    later = make_article(
        "denial",
        body="The minister said no such request was made.",
        published_on=datetime.date(2024, 12, 5),
    )
    services.record_save(
        record=Citation(
            source=later,
            quote="no such request was made",
            request=aid_request,
            relation=Citation.Relation.DISPUTES,
        )
    )

    def shown(day: str) -> tuple[bool, bool]:
        rows = client.get(reverse("tracker:request-list"), {"as_of": day}).context["page"]
        page = client.get(aid_request.get_absolute_url(), {"as_of": day})
        return rows.object_list[0].contested, page.context["aid_request"].is_disputed

    assert shown("2024-12-01") == (False, False)
    assert shown("2024-12-06") == (True, True)


def test_the_conflicts_page_runs_the_same_queries_for_few_or_many_disputed_facts(
    queries_for, add_facts, article
):
    def dispute_all() -> None:
        for fact in [*Action.objects.all(), *Role.objects.all(), *Event.objects.all()]:
            field = Citation.target_field_for(type(fact))
            if not Citation.objects.filter(**{field: fact}, relation="disputes").exists():
                services.record_save(
                    record=Citation(
                        source=article, quote=DENIAL, relation="disputes", **{field: fact}
                    )
                )

    add_facts(1)
    dispute_all()
    few = queries_for(reverse("tracker:conflicts"))
    add_facts(5)
    dispute_all()
    assert queries_for(reverse("tracker:conflicts")) == few
