"""The outputs pass their standards' own tools, offline: the JSON-LD expands with PyLD against
the vendored schema.org context, the CSL-JSON validates against the CSL data schema and
renders with citeproc-py."""

import json
import re
from pathlib import Path

import jsonschema
import pytest
from citeproc import (
    Citation,
    CitationItem,
    CitationStylesBibliography,
    CitationStylesStyle,
    formatter,
)
from citeproc.source.json import CiteProcJSON
from django.urls import reverse
from pyld import jsonld

from requests_app.models import AidRequest, SourceArticle

DATA = Path(__file__).parent / "data"
SCHEMA_ORG = "https://schema.org"
ISO_DAY_OR_INTERVAL = re.compile(r"^\d{4}-\d{2}-\d{2}(/\d{4}-\d{2}-\d{2})?$")


def offline_loader(url: str, options=None) -> dict:
    """schema.org's context from the vendored copy; any other address is refused."""
    if url.rstrip("/") not in (SCHEMA_ORG, "http://schema.org"):
        raise AssertionError(f"The JSON-LD asked to load {url}")
    document = json.loads((DATA / "schemaorg" / "context.jsonld").read_text())
    return {
        "contentType": "application/ld+json",
        "contextUrl": None,
        "documentUrl": url,
        "document": document,
    }


def expanded_values(node, key: str) -> list:
    """Every value of the expanded property `key`, anywhere in the expanded document."""
    found = []
    if isinstance(node, dict):
        for name, value in node.items():
            if name == key:
                found += value
            found += expanded_values(value, key)
    elif isinstance(node, list):
        for value in node:
            found += expanded_values(value, key)
    return found


@pytest.mark.slow
def test_every_requests_json_ld_expands_with_the_schema_org_context(api, seeded):
    for aid_request in AidRequest.objects.all():
        data = api.get(reverse("api:request-jsonld", args=[aid_request.pk])).json()

        expanded = jsonld.expand(data, {"documentLoader": offline_loader})

        # Every term is schema.org's: none dropped, none left as a bare word.
        keys = _keys(expanded)
        assert all(key.startswith(("http://schema.org/", "@")) for key in keys), keys
        for value in expanded_values(expanded, "http://schema.org/datePublished"):
            assert value["@type"] == "http://schema.org/Date"
            assert ISO_DAY_OR_INTERVAL.match(value["@value"])
        for value in expanded_values(expanded, "http://schema.org/temporalCoverage"):
            assert ISO_DAY_OR_INTERVAL.match(value["@value"])
        # An article is never identified by the tracker's own page.
        for article in expanded_values(expanded, "http://schema.org/isPartOf"):
            assert not article.get("@id", "").startswith("http://testserver/")


def _keys(node) -> set:
    if isinstance(node, dict):
        return set(node) | {key for value in node.values() for key in _keys(value)}
    if isinstance(node, list):
        return {key for value in node for key in _keys(value)}
    return set()


@pytest.mark.slow
def test_every_articles_csl_json_is_valid_and_renders(client, seeded):
    schema = json.loads((DATA / "csl" / "csl-data.json").read_text())
    style = CitationStylesStyle("harvard1", validate=False)
    for article in SourceArticle.objects.all():
        items = client.get(reverse("tracker:source-cite", args=[article.pk])).json()

        jsonschema.validate(items, schema)
        bibliography = CitationStylesBibliography(style, CiteProcJSON(items), formatter.plain)
        bibliography.register(Citation([CitationItem(article.slug)]))
        (entry,) = bibliography.bibliography()
        assert article.title in str(entry)


def test_ordering_by_several_keys_as_a_list_or_repeated(api, seeded):
    """A generated client sends a list as repeated keys: every key counts, as in a comma list."""
    url = reverse("api:request-list")
    as_list = api.get(url, {"ordering": "-status,-date"}).json()["results"]
    repeated = api.get(f"{url}?ordering=-status&ordering=-date").json()["results"]
    last_only = api.get(url, {"ordering": "-date"}).json()["results"]

    assert [r["id"] for r in repeated] == [r["id"] for r in as_list]
    assert [r["id"] for r in repeated] != [r["id"] for r in last_only]
    statuses = [r["status"] for r in repeated]
    assert statuses == sorted(statuses, reverse=True)


@pytest.fixture(scope="module")
def openapi():
    """The API's own schema, as a strict OpenAPI 3.0 validator reads it."""
    from drf_spectacular.generators import SchemaGenerator
    from openapi_core import OpenAPI

    schema = SchemaGenerator().get_schema(request=None, public=True)
    return OpenAPI.from_dict(json.loads(json.dumps(schema, default=str)))


def readable_urls(client, paths: dict) -> list[str]:
    """Every public list (its security allows no credentials: {}), and the detail of each
    list's first record."""
    urls = []
    for path, operations in paths.items():
        if "get" not in operations or "{" in path or {} not in operations["get"]["security"]:
            continue
        urls.append(path)
        results = client.get(path).json().get("results", [])
        for detail in paths:
            parameter = re.fullmatch(re.escape(path) + r"\{(id|slug)\}/", detail)
            if parameter and results and parameter[1] in results[0]:
                urls.append(detail.replace(f"{{{parameter[1]}}}", str(results[0][parameter[1]])))
    return urls


@pytest.mark.slow
def test_every_list_and_detail_answers_as_its_schema_says(client, seeded, openapi):
    from openapi_core.contrib.django import DjangoOpenAPIRequest, DjangoOpenAPIResponse

    urls = readable_urls(client, openapi.spec.contents()["paths"])
    assert len(urls) > 20
    for url in urls:
        response = client.get(url, HTTP_ACCEPT="application/json")
        assert response.status_code == 200, url
        openapi.validate_response(
            DjangoOpenAPIRequest(response.wsgi_request), DjangoOpenAPIResponse(response)
        )


def test_the_schema_documents_the_csv_variant_and_who_may_read(openapi):
    paths = openapi.spec.contents()["paths"]
    assert "text/csv" in paths["/api/v1/requests/"]["get"]["responses"]["200"]["content"]
    assert {} in paths["/api/v1/requests/"]["get"]["security"]
    # Webhooks are read with a token only.
    assert {} not in paths["/api/v1/webhooks/"]["get"]["security"]


def documented_examples(node) -> list[tuple[dict, object]]:
    """Every (schema, example value) pair under `node` of the schema."""
    found = []
    if isinstance(node, dict):
        if "schema" in node and isinstance(node.get("examples"), dict):
            values = [example["value"] for example in node["examples"].values()]
            found += [(node["schema"], value) for value in values]
        for value in node.values():
            found += documented_examples(value)
    elif isinstance(node, list):
        for value in node:
            found += documented_examples(value)
    return found


def test_every_example_passes_its_own_schema(openapi):
    from openapi_schema_validator import OAS30Validator

    contents = openapi.spec.contents()
    examples = documented_examples(contents["paths"])

    assert examples
    for schema, value in examples:
        OAS30Validator({**schema, "components": contents["components"]}).validate(value)
