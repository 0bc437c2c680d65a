"""The database itself refuses facts that cannot be true; deleting cited facts is refused."""

import datetime
from decimal import Decimal
from unittest import mock

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, models, transaction
from django.db.models import ProtectedError

from requests_app.models import (
    AidRequest,
    Citation,
    Contribution,
    Event,
    PolicyStance,
    Role,
    SourceArticle,
)
from requests_app.models.amounts import format_amount


def refused_by_database(create):
    """The database refuses the write even when nothing validates it first (the services and
    the builders run the model's validation, which would refuse it before)."""
    with (
        mock.patch.object(models.Model, "full_clean"),
        pytest.raises(IntegrityError),
        transaction.atomic(),
    ):
        create()


def test_request_cannot_be_addressed_to_its_requester(make_request, ukraine):
    refused_by_database(lambda: make_request(addressee=ukraine))


def test_request_refused_by_clean_with_a_readable_message(make_request, ukraine):
    aid_request = make_request()
    aid_request.addressee = ukraine
    with pytest.raises(ValidationError, match="addressed to its own requester"):
        aid_request.full_clean()


@pytest.mark.parametrize(
    ("made_on", "precision", "allowed"),
    [
        (datetime.date(2024, 10, 1), "month", True),
        (datetime.date(2024, 10, 15), "month", False),
        (datetime.date(2024, 1, 1), "year", True),
        (datetime.date(2024, 6, 1), "year", False),
        (datetime.date(2024, 10, 15), "day", True),
    ],
)
def test_partial_dates_are_stored_as_the_start_of_their_period(
    make_request, made_on, precision, allowed
):
    def create():
        return make_request(made_on=made_on, made_on_precision=precision)

    if allowed:
        assert create().made_on == made_on
    else:
        refused_by_database(create)


def test_stance_cannot_end_before_it_starts(make_stance):
    refused_by_database(
        lambda: make_stance(
            in_force_from=datetime.date(2024, 6, 20), in_force_until=datetime.date(2024, 6, 19)
        )
    )


def test_stance_cannot_supersede_itself(make_stance):
    stance = make_stance()
    stance.supersedes = stance
    refused_by_database(stance.save)


def test_role_cannot_end_before_it_starts(make_actor):
    person = make_actor("chang-ho-jin", kind="person")
    refused_by_database(
        lambda: Role.objects.create(
            slug="nsa",
            person=person,
            title="National Security Adviser",
            held_from=datetime.date(2024, 6, 20),
            held_until=datetime.date(2024, 6, 1),
        )
    )


def contribution(ukraine, south_korea, **fields) -> Contribution:
    fields = {
        "slug": "financial-aid",
        "donor": south_korea,
        "recipient": ukraine,
        "description": "Financial aid",
        "status": Contribution.Status.PLEDGED,
        **fields,
    }
    return Contribution.objects.create(**fields)


@pytest.mark.parametrize(
    "fields",
    [
        {"amount": Decimal("-1"), "currency": "KRW"},
        {"amount": Decimal("520000000000"), "currency": "KRW", "amount_usd": Decimal("-5")},
        {"amount": Decimal("520000000000"), "currency": ""},
        {"amount": None, "currency": "KRW"},
    ],
    ids=["negative", "negative-usd", "amount-without-currency", "currency-without-amount"],
)
def test_contribution_amounts_are_not_negative_and_keep_their_currency(
    ukraine, south_korea, fields
):
    refused_by_database(lambda: contribution(ukraine, south_korea, **fields))


def test_contribution_keeps_its_original_currency(ukraine, south_korea):
    aid = contribution(
        ukraine,
        south_korea,
        amount=Decimal("520000000000"),
        currency="KRW",
        amount_usd=Decimal("377000000"),
        amount_qualifier="exact",
    )
    aid.refresh_from_db()
    assert aid.amount_display == "520 billion KRW"


def test_donor_cannot_give_to_itself(ukraine):
    refused_by_database(lambda: contribution(ukraine, ukraine))


def test_item_unit_cost_is_not_negative(make_item):
    refused_by_database(
        lambda: make_item("m-sam2", unit_cost=Decimal("-1"), unit_cost_currency="KRW")
    )


def test_item_unit_cost_reads_as_the_source_states_it(make_item):
    item = make_item(
        "m-sam2",
        unit_cost=Decimal("1500000000"),
        unit_cost_currency="KRW",
        unit_cost_qualifier="up_to",
    )
    assert item.unit_cost_display == "up to 1.5 billion KRW"


@pytest.mark.parametrize("targets", [0, 2], ids=["no-fact", "two-facts"])
def test_citation_supports_exactly_one_fact(article, aid_request, make_stance, targets):
    fact_fields = {"request": aid_request, "stance": make_stance()}
    chosen = dict(list(fact_fields.items())[:targets])
    refused_by_database(
        lambda: Citation.objects.create(source=article, quote="declined the weapon sales", **chosen)
    )


def test_same_quote_cannot_cite_the_same_fact_twice(article, aid_request, cite):
    cite(article, "declined the weapon sales", request=aid_request)
    refused_by_database(
        lambda: Citation.objects.create(
            source=article, quote="declined the weapon sales", request=aid_request
        )
    )


def test_source_urls_are_unique_but_may_be_blank(make_article):
    make_article("first", url="")
    make_article("second", url="")
    make_article("third", url="https://example.org/a")
    refused_by_database(lambda: make_article("fourth", url="https://example.org/a"))


def test_cited_article_cannot_be_deleted(article, aid_request, cite):
    cite(article, "declined the weapon sales", request=aid_request)
    with pytest.raises(ProtectedError):
        article.delete()
    assert SourceArticle.objects.filter(pk=article.pk).exists()


def test_actor_that_made_requests_cannot_be_deleted(aid_request, ukraine):
    with pytest.raises(ProtectedError):
        ukraine.delete()


def test_item_that_was_requested_cannot_be_deleted(aid_request):
    with pytest.raises(ProtectedError):
        aid_request.item.delete()


def test_stance_behind_a_response_cannot_be_deleted(aid_request, record_response, make_stance):
    stance = make_stance()
    record_response(aid_request, "declined", datetime.date(2024, 11, 28), stance=stance)
    with pytest.raises(ProtectedError):
        stance.delete()


def test_event_that_triggered_a_stance_cannot_be_deleted(make_stance):
    treaty = Event.objects.create(
        slug="treaty",
        title="Russia–North Korea treaty",
        summary="Signed.",
        kind=Event.Kind.AGREEMENT,
        occurred_on=datetime.date(2024, 6, 19),
    )
    make_stance(trigger=treaty, position=PolicyStance.Position.UNDER_REVIEW)
    with pytest.raises(ProtectedError):
        treaty.delete()


def test_deleting_a_request_with_responses_is_refused(aid_request, record_response):
    record_response(aid_request, "declined", datetime.date(2024, 11, 28))
    with pytest.raises(ProtectedError):
        aid_request.delete()
    assert AidRequest.objects.filter(pk=aid_request.pk).exists()


@pytest.mark.parametrize(
    ("amount", "shown"),
    [
        (Decimal("520000000000"), "520 billion KRW"),
        (Decimal("1050000000"), "1.05 billion KRW"),
        (Decimal("2500000"), "2.5 million KRW"),
        (Decimal("1234567"), "1,234,567 KRW"),  # not exact in millions: in full
        (Decimal("999999"), "999,999 KRW"),
        (Decimal("12.50"), "12.50 KRW"),
    ],
)
def test_amounts_read_as_a_newsroom_writes_them(amount, shown):
    assert format_amount(amount, "KRW") == shown
