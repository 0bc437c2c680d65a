"""The seed fixtures hold what each of the five articles reports, each fact cited verbatim, and
one sentence of a Korean original beside its English report."""

import datetime

import pytest
from django.contrib.auth.models import User
from django.core.management import call_command
from django.db.models import Count, Q
from django.urls import reverse

from requests_app.models import (
    Action,
    Actor,
    AidRequest,
    AidResponse,
    Citation,
    Contribution,
    Event,
    Item,
    PolicyStance,
    Role,
    SourceArticle,
)

FACT_MODELS = [AidRequest, AidResponse, PolicyStance, Contribution, Event, Role]


def actor_called(name: str) -> Actor:
    """The one actor a spelling resolves to, by name or alias."""
    (actor,) = Actor.objects.filter(Q(aliases__name=name) | Q(name=name)).distinct()
    return actor


def quotes_of(fact) -> str:
    return " ".join(fact.citations.values_list("quote", flat=True))


@pytest.mark.parametrize("model", FACT_MODELS, ids=lambda model: model.__name__)
def test_every_fact_cites_at_least_one_article(seeded, model):
    uncited = model.objects.annotate(n=Count("citations")).filter(n=0)
    assert model.objects.exists()
    assert list(uncited) == []


def test_every_article_is_cited_and_has_its_date_evidence(seeded):
    articles = SourceArticle.objects.annotate(n=Count("citations"))
    assert articles.count() == 6
    for article in articles:
        # The five English reports are cited throughout; the Korean original for one sentence.
        assert article.n >= (5 if article.language == "en" else 1), article
        assert len(article.date_evidence) > 80, article


def test_article_bodies_have_no_site_boilerplate(seeded):
    bodies = "\n".join(SourceArticle.objects.values_list("body", flat=True))
    for boilerplate in [
        "Become a patron",
        "Related:",
        "members on board",
        "2 min read",
        "Leave a Replay",
        "Other Matters of Interest",
        "Brotherhood in Arms",
        "Show More",
        "The Kyiv Independent news desk",
    ]:
        assert boilerplate not in bodies
    for article in SourceArticle.objects.all():
        assert not article.body.startswith(article.title), "duplicated headline"


@pytest.mark.parametrize(
    ("spelling", "slug"),
    [
        ("Umierov", "rustem-umerov"),
        ("Rustam Umerov", "rustem-umerov"),
        ("Zelenskiy", "volodymyr-zelensky"),
        ("Yoon Suk-yeol", "yoon-suk-yeol"),
        ("LIG Nexsone", "lig-nex1"),
        ("Kiev", "ukraine"),
        ("Kyiv", "ukraine"),
        ("Seoul", "south-korea"),
        ("Moscow", "russia"),
        ("Korea Institute for Defense Analyzes", "kida"),
        ("Korea National Unification Institute", "kinu"),
        ("윤석열", "yoon-suk-yeol"),
    ],
)
def test_every_spelling_the_articles_use_resolves_to_one_actor(seeded, spelling, slug):
    assert actor_called(spelling).slug == slug


def test_item_aliases_cover_the_cheongung_family(seeded):
    assert Item.objects.get(aliases__name="KM-SAM").slug == "cheongung"
    assert {item.slug for item in Item.objects.matching("km-sam")} == {"cheongung", "m-sam2"}
    m_sam2 = Item.objects.get(aliases__name="Korean Patriot Missile")
    assert m_sam2.variant_of.slug == "cheongung"


def test_article_000_the_ambassadors_appeal_and_the_june_reconsideration(seeded):
    article = SourceArticle.objects.get(slug="ponomarenko-appeal-2024-07")
    assert article.publisher is None
    assert "translation" in article.publisher_evidence
    assert (article.published_on, article.published_on_precision) == (
        datetime.date(2024, 7, 12),
        "day",
    )

    appeal = AidRequest.objects.get(slug="ua-kr-2024-07-air-defence")
    assert appeal.voiced_by == actor_called("Ponomarenko")
    assert appeal.channel == AidRequest.Channel.SOCIAL_MEDIA_POST
    assert appeal.mode == AidRequest.Mode.AID
    assert appeal.status == AidRequest.Status.PENDING
    assert "Nikkei Asia" in appeal.summary

    reconsider = AidResponse.objects.get(slug="kr-will-reconsider-weapons-2024-06")
    assert reconsider.responded_on == datetime.date(2024, 6, 20)
    assert reconsider.voiced_by == actor_called("Chang Ho-jin")
    assert reconsider.stance.trigger.occurred_on == datetime.date(2024, 6, 19)
    assert reconsider.stance.position == PolicyStance.Position.UNDER_REVIEW

    m_sam2 = Item.objects.get(slug="m-sam2")
    assert m_sam2.maker == actor_called("LIG Nex1")
    assert m_sam2.unit_cost_display == "up to 1.5 billion KRW"

    pledge = Contribution.objects.get(slug="kr-ua-financial-aid-2024")
    assert pledge.amount_display == "520 billion KRW"
    assert pledge.amount_usd_display == "approximately 377 million USD"
    assert (pledge.given_on, pledge.given_on_precision) == (datetime.date(2023, 8, 1), "month")
    assert pledge.status == Contribution.Status.PLEDGED

    strike = Event.objects.get(slug="okhmatdyt-strike-2024")
    assert strike.occurred_on == datetime.date(2024, 7, 8)
    assert "36 deaths" in quotes_of(strike)


def test_article_001_zelensky_asks_for_a_shield_in_the_sky(seeded):
    article = SourceArticle.objects.get(slug="ki-zelensky-chosun-2023-05")
    assert article.publisher.name == "The Kyiv Independent"
    assert article.published_on == datetime.date(2023, 5, 30)

    shield = AidRequest.objects.get(slug="ua-kr-2023-05-air-defence")
    assert shield.voiced_by == actor_called("Zelenskiy")
    assert shield.item.lethality == Item.Lethality.DISPUTED
    assert "not weapons" in quotes_of(shield)
    assert (
        AidRequest.objects.get(slug="ua-kr-2023-05-air-raid-alerts").item.category
        == "early_warning"
    )

    aid = Contribution.objects.get(slug="kr-ua-humanitarian-aid-to-2023-05")
    assert aid.amount_display == "more than 230 million USD"
    demining = Contribution.objects.get(slug="kr-ua-demining-equipment")
    assert demining.item.slug == "demining-equipment"
    assert demining.conflict_note


def test_article_002_the_delegation_arrives_and_talks_to_shin_won_sik(seeded):
    article = SourceArticle.objects.get(slug="visit-seeks-weapons-2024-11")
    assert article.published_on == datetime.date(2024, 11, 27)

    advisers = Role.objects.filter(title="National Security Adviser")
    june = advisers.held_on(datetime.date(2024, 6, 20)).get()
    november = advisers.held_on(datetime.date(2024, 11, 27)).get()
    assert (june.person.name, november.person.name) == ("Chang Ho-jin", "Shin Won-sik")

    kbs = AidRequest.objects.filter(slug__startswith="ua-kr-2024-10-")
    assert {r.item.slug for r in kbs} == {
        "artillery-systems",
        "air-defence-systems",
        "weapons-and-ammunition",
    }
    assert {r.made_on_precision for r in kbs} == {"month"}
    cho = AidResponse.objects.get(slug="kr-all-avenues-considered-2024-11")
    assert cho.voiced_by == actor_called("Cho Tae-yul")


def test_article_003_the_wish_list_and_yoons_not_ruling_out(seeded):
    article = SourceArticle.objects.get(slug="kp-weapons-wish-list-2024-11")
    assert article.publisher.name == "Kyiv Post"

    weapons = AidRequest.objects.get(slug="ua-kr-weapons-since-2022")
    assert weapons.status == AidRequest.Status.UNDER_CONSIDERATION
    assert weapons.current_stance.slug == "kr-not-ruling-out-weapons-2024"
    yoon = AidResponse.objects.get(slug="kr-does-not-rule-out-weapons-2024-11")
    assert "we do not rule out the possibility of providing weapons" in quotes_of(yoon)
    assert yoon.stance.trigger.slug == "north-korean-troops-kursk-2024"

    assert Event.objects.get(slug="rudenko-warning-2024").occurred_on == datetime.date(2024, 11, 24)
    # Declining to comment is an answer, kept as one (it leaves the status as it was).
    silence = AidResponse.objects.get(slug="kr-mnd-no-comment-on-visit-2024-11")
    assert silence.decision == AidResponse.Decision.NO_COMMENT
    assert "declined to comment on the visit" in quotes_of(silence)
    visit = Event.objects.get(slug="ukraine-delegation-visits-seoul-2024")
    assert "declined to comment" not in visit.summary
    assert {c.item.slug for c in Contribution.objects.filter(citations__source=article)} >= {
        "gas-masks",
        "field-rations",
    }


def test_article_004_seoul_declines_the_cheongung_sale(seeded):
    article = SourceArticle.objects.get(slug="ep-2024-11-28-seoul-declines")
    assert article.publisher.name == "Euromaidan Press"

    cheongung = AidRequest.objects.get(slug="ua-kr-2024-11-cheongung")
    assert cheongung.voiced_by == actor_called("Umierov")
    assert cheongung.mode == AidRequest.Mode.PURCHASE
    assert cheongung.status == AidRequest.Status.DECLINED
    assert "military aid" in cheongung.conflict_note
    assert cheongung.citations.values("source").distinct().count() == 3

    refusal = cheongung.latest_response
    assert refusal.responded_on == datetime.date(2024, 11, 28)
    # The reason the government is reported to give; the lack of stock is the outlet's own
    # addition, kept in the summary, and concerns Cheongung only.
    assert refusal.reason == (
        "Potential violations of external trade laws restricting exports to war zones."
    )
    assert "2030" in refusal.summary and "2030" in quotes_of(refusal)
    # One relayed refusal is no new policy: it rests on the long-standing ban it cites.
    assert refusal.stance.slug == "kr-no-weapons-to-conflict-zones"

    declined = AidRequest.objects.filter(citations__source=article, status="declined").distinct()
    assert {r.item.slug for r in declined} == {
        "cheongung",
        "ground-based-air-defence-radar",
        "counter-artillery-radar",
        "155mm-propellant",
    }
    for request in declined.exclude(item__slug="cheongung"):
        assert "2030" not in request.latest_response.reason + quotes_of(request.latest_response)
    # The refusal names no shells: the request for them has no answer reported.
    shells = AidRequest.objects.get(slug="ua-kr-2024-11-155mm-shells")
    assert shells.status == AidRequest.Status.PENDING


def test_south_koreas_stance_is_a_dated_sequence(seeded):
    chain = []
    stance = PolicyStance.objects.get(slug="kr-not-ruling-out-weapons-2024")
    while stance:
        chain.append(stance.position)
        stance = stance.supersedes
    assert chain == ["under_review", "under_review", "prohibits"]
    assert not PolicyStance.objects.filter(slug="kr-declines-arms-sales-2024-11").exists()
    seoul = PolicyStance.objects.filter(holder__slug="south-korea")
    july = seoul.in_force_on(datetime.date(2024, 7, 15))
    assert set(july.values_list("slug", flat=True)) == {
        "kr-no-weapons-to-conflict-zones",
        "kr-reconsider-weapons-2024-06",
    }
    korea = Actor.objects.get(slug="south-korea").pk
    in_july = PolicyStance.objects.latest_in_force_on(datetime.date(2024, 7, 15))
    # One stance each time: the seed's stances all speak to every kind of aid.
    assert [stance.slug for stance in in_july[korea]] == ["kr-reconsider-weapons-2024-06"]
    in_december = PolicyStance.objects.latest_in_force_on(datetime.date(2024, 12, 1))
    assert [stance.slug for stance in in_december[korea]] == ["kr-not-ruling-out-weapons-2024"]
    assert "if North Korean forces continue" in in_december[korea][0].condition


def test_citations_quote_their_articles(seeded):
    call_command("check_citations", verbosity=0)
    assert Citation.objects.count() > 100


def test_seed_citations_say_how_their_sources_know(seeded):
    assert set(Citation.objects.values_list("relation", "attribution").distinct()) == {
        ("supports", "on_record"),
        ("supports", "anonymous"),
        ("supports", "relayed"),
    }
    # The hedge is in the quote, and the attribution says it.
    toll = Citation.objects.get(event__slug="okhmatdyt-strike-2024", quote__contains="36 deaths")
    assert toll.quote.startswith("According to reports,")
    assert toll.attribution == Citation.Attribution.ANONYMOUS
    refusals = Citation.objects.filter(quote__startswith="The publication says")
    assert {c.relayed_from.slug for c in refusals} == {"sbs"}
    shin = Citation.objects.get(quote__contains="discussions with Shin Won-sik")
    assert shin.quote.endswith("the source of the information has not been disclosed")
    assert shin.relayed_from.slug == "donga-ilbo"


def test_seed_facts_claim_no_more_than_their_quotes(seeded):
    # A president's idea of cooperating after the war is a proposal, not a request for aid.
    proposal = Action.objects.get(slug="ua-kr-2023-05-post-war-cooperation")
    assert proposal.kind == Action.Kind.PROPOSAL
    assert not AidRequest.objects.filter(slug="ua-kr-2023-05-post-war-cooperation").exists()
    # What an anonymous source said the delegation planned to ask is no request made.
    assert not AidRequest.objects.filter(slug="ua-kr-2024-11-artillery-systems").exists()
    # Moscow's words are Moscow's, and the outlet's commentary is no analyst's.
    warning = Event.objects.get(slug="rudenko-warning-2024")
    assert warning.summary.startswith("Moscow warns")
    analysts = Event.objects.get(slug="analysts-expect-caution-2024")
    assert "return to its policy of non-interference" not in quotes_of(analysts)
    # Yoon's condition stays with his warning.
    warning = AidResponse.objects.get(slug="kr-may-increase-support-2024-10")
    assert "if North Korean forces continue" in warning.summary


def test_every_seed_fact_had_a_second_reader_who_cannot_sign_in(seeded):
    reader = User.objects.get(username="second-reader")
    assert not reader.is_active and not reader.has_usable_password() and not reader.is_staff
    for model in [*FACT_MODELS, Action]:
        assert model.objects.exists()
        assert set(model.objects.values_list("review_state", "reviewed_by")) == {
            ("reviewed", reader.pk)
        }


def test_every_kind_of_fact_page_marks_its_second_reading(client, seeded):
    reviewed = '<span class="review review--reviewed">Checked by a second reader</span>'
    for model in [Event, PolicyStance, Contribution, Action]:
        fact = model.objects.first()
        assert reviewed in client.get(fact.get_absolute_url()).content.decode(), fact
    roles = client.get(reverse("tracker:actor-detail", args=["rustem-umerov"]))
    assert reviewed in roles.content.decode()
    for url_name in ["tracker:event-list", "tracker:action-list", "tracker:contribution-list"]:
        assert reviewed in client.get(reverse(url_name)).content.decode(), url_name


def test_yoons_not_ruling_out_is_cited_in_korean_beside_the_english_report(seeded, client):
    stance = PolicyStance.objects.get(slug="kr-not-ruling-out-weapons-2024")

    korean = stance.citations.get(source__language="ko")
    english = stance.citations.get(
        source__slug="kp-weapons-wish-list-2024-11", quote__contains="rule"
    )
    assert korean.source.publisher.slug == "donga-ilbo"
    assert korean.source.title_translation.startswith("Yoon: ‘Weapons support for Ukraine")
    assert "무기 지원도 배제하지 않는다" in korean.quote
    assert korean.translation_source == Citation.Translator.CURATOR
    assert "we do not rule out weapons support" in korean.quote_translation
    assert "we do not rule out the possibility of providing weapons" in english.quote
    html = client.get(stance.get_absolute_url()).content.decode()
    assert '<blockquote lang="ko" cite="https://donga.com/' in html
    assert "In the original Korean:" in html
    assert "(Translation: the curator)" in html
