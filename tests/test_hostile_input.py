"""Hostile and malformed input: refused with a clear 4xx or form error, changing nothing; or,
where it is legitimate text, stored as given and shown escaped everywhere."""

import datetime
from pathlib import Path

import pytest
from django.apps import apps
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse

from requests_app.filters import AidRequestFilter
from requests_app.models import Actor, AidRequest, Citation, SourceArticle

SCRIPT = '<script>alert("pwned")</script>'
ATTRIBUTE = '"><img src=x onerror=alert(1)>'
PAYLOADS = [SCRIPT, ATTRIBUTE]

HOSTILE_VALUES = {
    "wrong type": "abc",
    "impossible date": "2024-02-30",
    "zero date": "0000-00-00",
    "negative": "-1",
    "huge number": str(10**30),
    "float overflow": "1e309",
    "enormous string": "x" * 20_000,
    "null byte": "uk\x00raine",
    "sql": "' OR 1=1; DROP TABLE requests_app_aidrequest; --",
    "script": SCRIPT,
    "attribute": ATTRIBUTE,
    "cyrillic": "Україна",
    "hangul": "대한민국",
    "arabic": "العربية",
    "devanagari": "हिन्दी",
    "emoji": "🚀🇺🇦",
    "right-to-left override": "\u202eevil",
    "zero width": "a\u200bb",
}
# Every filter of the request list, so that a new one is tried as soon as it exists.
REQUEST_FILTERS = [*AidRequestFilter.base_filters, "page"]


def row_counts() -> dict:
    return {
        m._meta.label: m.objects.count() for m in apps.get_app_config("requests_app").get_models()
    }


@pytest.fixture
def unchanged(db):
    """Fails the test if the database changed."""
    before = row_counts()
    yield
    assert row_counts() == before


def assert_escaped(html: str) -> None:
    for payload in PAYLOADS:
        assert payload not in html


@pytest.mark.parametrize("param", REQUEST_FILTERS)
@pytest.mark.parametrize("value", HOSTILE_VALUES.values(), ids=HOSTILE_VALUES.keys())
def test_every_page_filter_answers_200_or_400_escaped(client, seeded, unchanged, param, value):
    response = client.get(reverse("tracker:request-list"), {param: value})
    assert response.status_code in (200, 400)
    assert_escaped(response.content.decode())


@pytest.mark.parametrize("param", [*REQUEST_FILTERS, "page_size", "format"])
@pytest.mark.parametrize("value", HOSTILE_VALUES.values(), ids=HOSTILE_VALUES.keys())
def test_every_api_filter_answers_a_4xx_or_200(client, seeded, unchanged, param, value):
    response = client.get(reverse("api:request-list"), {param: value})
    assert response.status_code in (200, 400, 404), response.content[:200]


@pytest.mark.parametrize(
    ("url_name", "param"),
    [("tracker:actor-list", "q"), ("tracker:actor-list", "kind"), ("tracker:item-list", "q"),
     ("tracker:item-list", "category"), ("tracker:source-list", "publisher"),
     ("api:response-list", "responded_after"), ("api:response-list", "request"),
     ("api:stance-list", "in_force_on"), ("api:citation-list", "source"),
     ("api:event-list", "actor"), ("api:contribution-list", "donor"),
     ("api:actor-list", "changed_since"), ("api:deletion-list", "changed_since"),
     ("api:deletion-list", "type")],
)  # fmt: skip
@pytest.mark.parametrize("value", HOSTILE_VALUES.values(), ids=HOSTILE_VALUES.keys())
def test_other_lists_answer_200_or_400(client, seeded, unchanged, url_name, param, value):
    response = client.get(reverse(url_name), {param: value})
    assert response.status_code in (200, 400)
    if url_name.startswith("api:"):
        assert response["Content-Type"] == "application/json"  # never rendered as a page
    else:
        assert_escaped(response.content.decode())


def test_a_page_size_of_a_billion_is_capped(client, seeded):
    page = client.get(reverse("api:citation-list"), {"page_size": 10**9}).json()
    assert len(page["results"]) == 100


@pytest.fixture
def as_curator(api, curator, token_for):
    api.credentials(HTTP_AUTHORIZATION=f"Token {token_for(curator)}")
    return api


VALID_REQUEST = {
    "slug": "hostile",
    "title": "Shells",
    "summary": "Asked for shells.",
    "requester": "ukraine",
    "addressee": "south-korea",
    "item": "cheongung",
    "made_on": "2024-11-27",
    "made_on_precision": "day",
    "channel": "meeting",
}
REFUSED_WRITES = {
    "date as a number": {"made_on": 20241127},
    "impossible date": {"made_on": "2024-02-30"},
    "precision mismatch": {"made_on": "2024-11-15", "made_on_precision": "month"},
    "unknown precision": {"made_on_precision": "week"},
    "huge quantity": {"quantity": 10**30},
    "negative quantity": {"quantity": -5},
    "enormous title": {"title": "x" * 20_000},
    "null byte in title": {"title": "She\x00lls"},
    "null byte in slug lookup": {"requester": "ukr\x00aine"},
    "object for a slug": {"requester": {"slug": "ukraine"}},
    "list for a string": {"title": ["a", "b"]},
    "sql for a slug": {"addressee": "' OR 1=1 --"},
    "unknown item": {"item": "death-ray"},
    "addressed to itself": {"addressee": "ukraine"},
    "bad slug": {"slug": "not a slug!"},
    "bad quote": {"citations": [{"source": 1, "quote": "Nothing like this was written."}]},
    "citation of no article": {"citations": [{"source": 10**12, "quote": "x"}]},
}


@pytest.mark.parametrize("change", REFUSED_WRITES.values(), ids=REFUSED_WRITES.keys())
def test_malformed_writes_answer_400_and_change_nothing(as_curator, seeded, unchanged, change):
    response = as_curator.post(
        reverse("api:request-list"), {**VALID_REQUEST, **change}, format="json"
    )
    assert response.status_code == 400, response.content[:300]
    assert response.json()


@pytest.mark.parametrize(
    "body", ["{not json", '{"title": "\\ud800"}', "[]", "null", "1e999"], ids=str
)
def test_broken_json_answers_400(as_curator, seeded, unchanged, body):
    response = as_curator.post(reverse("api:request-list"), body, content_type="application/json")
    assert response.status_code == 400


@pytest.mark.parametrize("opening, closing", [("[", "]"), ('{"a": ', "}")], ids=["list", "object"])
def test_json_nested_ten_thousand_deep_answers_400(as_curator, seeded, unchanged, opening, closing):
    body = opening * 10_000 + "1" + closing * 10_000
    response = as_curator.post(reverse("api:request-list"), body, content_type="application/json")
    assert response.status_code == 400
    assert "nested too deeply" in response.json()["detail"]


@pytest.mark.parametrize("payload", [*PAYLOADS, "Україна 대한민국 العربية 🚀", "' OR 1=1 --"])
def test_legitimate_text_is_stored_as_given_and_shown_escaped(
    as_curator, client, admin_client, seeded, payload
):
    article = SourceArticle.objects.get(slug="ep-2024-11-28-seoul-declines")
    created = as_curator.post(
        reverse("api:request-list"),
        {**VALID_REQUEST, "title": payload, "summary": payload,
         "citations": [{"source": article.pk, "quote": "The delegation even requested",
                        "note": payload}]},
        format="json",
    )  # fmt: skip
    assert created.status_code == 201, created.json()
    aid_request = AidRequest.objects.get(slug="hostile")
    assert aid_request.title == payload
    actor = Actor.objects.get(slug="ukraine")
    actor.aliases.create(name=payload)

    pages = [
        reverse("tracker:request-list"),
        aid_request.get_absolute_url(),
        actor.get_absolute_url(),
        reverse("tracker:actor-list"),
        article.get_absolute_url(),
        reverse("tracker:home"),
    ]
    for url in pages:
        html = client.get(url).content.decode()
        assert_escaped(html)
    for url in [
        reverse("admin:requests_app_aidrequest_change", args=[aid_request.pk]),
        reverse("admin:requests_app_aidrequest_changelist"),
        reverse("admin:requests_app_actor_change", args=[actor.pk]),
        reverse("admin:requests_app_sourcearticle_change", args=[article.pk]),
    ]:
        assert_escaped(admin_client.get(url).content.decode())
    assert (
        client.get(reverse("api:request-detail", args=[aid_request.pk])).json()["title"] == payload
    )


def test_an_article_body_with_scripts_is_shown_as_text(client, db, make_article):
    article = make_article(body=f"Before. {SCRIPT} After. {ATTRIBUTE}")
    html = client.get(article.get_absolute_url()).content.decode()
    assert_escaped(html)
    assert "&lt;script&gt;" in html


@pytest.mark.parametrize(
    ("content", "options", "message"),
    [
        (b"", ["--published-on=2024-11-28"], "The page has no text"),
        (b"\xff\xfe\x00binary", ["--published-on=2024-11-28"], "Cannot read"),
        (b"Title\n\nBody with a NUL \x00 byte.", ["--published-on=2024-11-28"], "NUL bytes"),
        ("T" * 400 + "\n\nBody.", ["--published-on=2024-11-28"], "at most 300 characters"),
        (b"Title\n\nBody.", ["--published-on=2024-13-40"], "is not a date"),
        (b"Title\n\nBody.", ["--published-on=2024-11-28", f"--url={SCRIPT}"], "valid URL"),
    ],
    ids=["empty", "binary", "nul", "long-title", "bad-date", "script-url"],
)  # fmt: skip
def test_import_refuses_hostile_files_and_imports_nothing(
    db, tmp_path: Path, unchanged, content, options, message
):
    file = tmp_path / "article.txt"
    file.write_bytes(content if isinstance(content, bytes) else content.encode())
    with pytest.raises(CommandError, match=message):
        call_command("import_article", str(file), *options)


def test_an_unknown_publisher_with_sql_in_its_name_is_an_outlet_of_that_name(db, tmp_path: Path):
    file = tmp_path / "article.txt"
    file.write_text("Title\n\nBody.")

    call_command(
        "import_article", str(file), "--published-on=2024-11-28", "--publisher=' OR 1=1 --"
    )

    outlet = Actor.objects.get(name="' OR 1=1 --")
    assert outlet.kind == Actor.Kind.MEDIA_OUTLET
    assert SourceArticle.objects.get(title="Title").publisher == outlet


def test_import_keeps_html_in_a_body_as_text(db, tmp_path: Path, client):
    file = tmp_path / "article.txt"
    file.write_text(f"A headline\n\nThe text {SCRIPT} goes on.\n\n{ATTRIBUTE}")
    call_command("import_article", str(file), "--published-on=2024-11-28")
    article = SourceArticle.objects.get(title="A headline")
    assert SCRIPT in article.body
    assert_escaped(client.get(article.get_absolute_url()).content.decode())


def test_fixture_with_a_nul_byte_loads_nothing(db, tmp_path: Path):
    fixture = tmp_path / "bad.json"
    fixture.write_text(
        '[{"model": "requests_app.actor", "fields": {"slug": "x", "name": "A\\u0000B",'
        ' "kind": "country"}}]'
    )
    with pytest.raises(CommandError, match="Text cannot contain NUL characters"):
        call_command("load_seed", str(fixture), verbosity=0)
    assert not Actor.objects.filter(slug="x").exists()


def test_dates_far_in_the_past_or_future_are_refused_or_kept_exactly(as_curator, seeded):
    report = Citation.objects.filter(request__isnull=False).first()
    cited = {"citations": [{"source": report.source_id, "quote": report.quote}]}
    for day in ["0001-01-01", "9999-12-31"]:
        response = as_curator.post(
            reverse("api:request-list"),
            {**VALID_REQUEST, **cited, "slug": f"d{day[:4]}", "made_on": day},
            format="json",
        )
        assert response.status_code == 201
        stored = AidRequest.objects.get(slug=f"d{day[:4]}").made_on
        assert stored == datetime.date.fromisoformat(day)
