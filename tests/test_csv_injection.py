"""CSV that a spreadsheet cannot run: text starting like a formula is neutralised in every
CSV the app writes, the pages' downloads and the API's ?format=csv alike."""

import csv
import io

import pytest
from django.urls import reverse

from requests_app.api.views import CSVRenderer
from requests_app.exports import streamed_csv

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
