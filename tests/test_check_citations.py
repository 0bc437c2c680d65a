import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from requests_app.models import Citation


def test_seed_citations_are_all_found(seeded, capsys):
    call_command("check_citations")

    out = capsys.readouterr().out
    assert f"All {Citation.objects.count()} citations found" in out


def test_corrupted_quote_is_reported_and_fails(seeded, capsys):
    citation = Citation.objects.order_by("pk").first()
    Citation.objects.filter(pk=citation.pk).update(quote="Seoul agreed to sell Cheongung.")

    with pytest.raises(CommandError, match="1 of"):
        call_command("check_citations")

    assert f"Citation {citation.pk}" in capsys.readouterr().out
