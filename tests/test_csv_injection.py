"""CSV that a spreadsheet cannot run: text starting like a formula is neutralised in every
CSV the app writes, the pages' downloads and the API's ?format=csv alike."""

import csv
import io

import pytest
from django.db import connection
from django.urls import reverse

from requests_app import exports
from requests_app.api.views import CSVRenderer
from requests_app.exports import streamed_csv
from requests_app.models import AidRequest, AidResponse

FORMULAS = ['=HYPERLINK("http://evil")', "+1+1", "-2+3", "@SUM(A1)", "\tx", "\rx"]


def rows_of(response) -> list[list[str]]:
    return list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode())))


@pytest.mark.parametrize("formula", FORMULAS)
def test_request_download_prefixes_a_formula_title_with_a_quote(client, make_request, formula):
    make_request(title=formula)

    for response in (
        client.get(reverse("tracker:request-export")),
        client.get(reverse("api:request-list"), {"format": "csv"}),
    ):
        header, row = rows_of(response)
        assert row[header.index("title")] == "'" + formula


def test_numbers_stay_numbers_and_plain_text_stays_as_is():
    response = streamed_csv(["a", "b", "c", "d"], [[-5, -1.5, "Cheongung", "a-b"]], "x.csv")
    assert rows_of(response)[1] == ["-5", "-1.5", "Cheongung", "a-b"]


def test_api_csv_error_rows_are_neutralised():
    rendered = CSVRenderer().render({"=field": ["-message", "@other"]})
    assert list(csv.reader(io.StringIO(rendered)))[1:] == [
        ["'=field", "'-message"],
        ["'=field", "'@other"],
    ]


@pytest.mark.skipif(connection.vendor != "postgresql", reason="COPY is PostgreSQL's")
def test_the_csv_postgresql_writes_is_the_csv_python_writes(
    rf, make_request, make_stance, record_response
):
    """Cell for cell, with formulas, quotes, commas, line breaks, empty values and answers."""
    titles = [*FORMULAS, 'Shells, "155 mm"\nand propellant', "Ünïcode ✓"]
    made = [
        make_request(slug=f"tricky-{number}", title=title, quantity=number or None)
        for number, title in enumerate(titles)
    ]
    stance = make_stance(title="=Trade law")
    record_response(made[0], AidResponse.Decision.DECLINED, made[0].made_on, stance=stance)
    request = rf.get("/requests/export.csv")
    queryset = AidRequest.objects.for_listing()

    copied = rows_of(exports.copied_csv(request, queryset, "x.csv"))
    written = rows_of(exports.written_csv(request, queryset))

    assert len(copied) == len(titles) + 1
    assert copied == written


@pytest.mark.skipif(connection.vendor != "postgresql", reason="COPY is PostgreSQL's")
def test_downloads_on_postgresql_are_written_by_copy(client, make_request, monkeypatch):
    make_request()

    def python_path(*args):
        raise AssertionError("the Python path was taken")

    monkeypatch.setattr(exports, "written_csv", python_path)
    for response in (
        client.get(reverse("tracker:request-export")),
        client.get(reverse("api:request-list"), {"format": "csv"}),
    ):
        assert len(rows_of(response)) == 2
