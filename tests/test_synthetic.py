"""Synthetic data for benchmarks: realistic, consistent and the same for the same seed."""

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import transaction

from bench.management.commands import generate_synthetic
from requests_app.models import AidRequest, AidResponse, Citation, PolicyStance, SourceArticle
from requests_app.text.quotes import quote_in_text


def generate(requests: int = 60, seed: int = 3) -> None:
    # bench/ is an app of the benchmark's settings only: its command is called as an object.
    call_command(generate_synthetic.Command(), requests=requests, seed=seed, stdout=None)


def snapshot() -> list:
    return list(
        AidRequest.objects.order_by("slug").values_list(
            "slug", "title", "made_on", "status", "requester__slug", "item__slug"
        )
    )


def test_shapes_follow_the_number_of_requests(db, capsys):
    generate(60)

    assert AidRequest.objects.count() == 60
    assert 120 <= AidResponse.objects.count() <= 300
    assert Citation.objects.count() == 60 + AidResponse.objects.count()
    assert SourceArticle.objects.count() == 12
    assert PolicyStance.objects.filter(supersedes__isnull=False).exists()
    assert "Generated 60 requests" in capsys.readouterr().out


def test_every_quote_occurs_in_its_article(db):
    generate(30)
    for citation in Citation.objects.select_related("source"):
        assert quote_in_text(citation.quote, citation.source.body)


def test_each_status_is_that_of_the_latest_decisive_answer(db):
    generate(40)

    for aid_request in AidRequest.objects.prefetch_related("responses"):
        answers = sorted(
            (answer.responded_on, answer.pk, answer.decision)
            for answer in aid_request.responses.all()
            if answer.decision != AidResponse.Decision.NO_COMMENT
        )
        _, latest, decision = answers[-1] if answers else (None, None, "pending")
        assert (aid_request.status, aid_request.latest_response_id) == (decision, latest)
        assert aid_request.spans.exists()


def test_the_same_seed_gives_the_same_data(db):
    with transaction.atomic():
        generate(40, seed=7)
        first = snapshot()
        transaction.set_rollback(True)
    generate(40, seed=7)
    assert snapshot() == first


def test_refuses_a_database_that_already_holds_synthetic_data(db):
    generate(5)
    with pytest.raises(CommandError, match="already holds synthetic data"):
        generate(5)
