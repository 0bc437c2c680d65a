"""Data releases: `release_data` writes a Frictionless Data Package that validates, with a
changelog against the release before; /data/ lists and serves them; a release loads back into
an empty database as the same records."""

import csv
import hashlib
import json
import subprocess
from pathlib import Path

import frictionless
import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode

from requests_app import services
from requests_app.models import Actor, AidRequest, Citation, DataRelease
from requests_app.releases import TABLES

from .test_html_validity import checker


def release() -> DataRelease:
    call_command("release_data")
    return DataRelease.objects.latest()


def folder(media: Path, number: str) -> Path:
    return media / "releases" / number


def validated(path: Path) -> frictionless.Report:
    return frictionless.validate(str(path))


def errors(report: frictionless.Report) -> list[tuple[str, str, str]]:
    """(table, error type, note) of each error found."""
    return [(task.name, error.type, error.note) for task in report.tasks for error in task.errors]


# ----------------------------------------------------------------------------- the package


def test_a_release_is_a_valid_frictionless_package_of_every_table(seeded, media, capsys):
    made = release()

    out = capsys.readouterr().out
    assert "       13 requests" in out and f"Published release {made.number}" in out
    package = json.loads((folder(media, made.number) / "datapackage.json").read_text())
    assert [r["name"] for r in package["resources"]] == list(TABLES)
    assert (package["version"], package["created"]) == (made.number, made.created_at.isoformat())
    # The zip is the package, whole: every table, its keys, links and checksums.
    zipped = folder(media, made.number) / made.zip_name
    report = validated(zipped)
    assert report.valid, errors(report)
    assert [task.name for task in report.tasks] == list(TABLES)
    assert made.sha256 == hashlib.sha256(zipped.read_bytes()).hexdigest()
    assert made.counts["requests"] == AidRequest.objects.count() == 13
    assert made.counts["citations"] == Citation.objects.count()


def test_each_table_declares_its_types_primary_key_and_foreign_keys(seeded, media):
    made = release()

    package = json.loads((folder(media, made.number) / "datapackage.json").read_text())
    requests = next(r for r in package["resources"] if r["name"] == "requests")["schema"]
    types = {field["name"]: field["type"] for field in requests["fields"]}
    assert types["id"] == "integer" and types["made_on"] == "date"
    assert types["created_at"] == "datetime" and types["reviewed_by"] == "string"
    assert requests["primaryKey"] == ["id"]
    links = {tuple(k["fields"]): k["reference"] for k in requests["foreignKeys"]}
    assert links[("item_id",)] == {"resource": "items", "fields": ["id"]}
    assert links[("latest_response_id",)] == {"resource": "responses", "fields": ["id"]}
    status = next(f for f in requests["fields"] if f["name"] == "status")
    assert "declined" in status["constraints"]["enum"]
    # What the database derives is left out; the search document is no data.
    assert "search_document" not in types and "first_reported_on" not in types


def test_validation_finds_a_broken_foreign_key_in_a_release(seeded, media, tmp_path):
    """The check above can fail: a response pointing at no request is found."""
    made = release()
    copy = tmp_path / "broken"
    copy.mkdir()
    for path in folder(media, made.number).iterdir():
        copy.joinpath(path.name).write_bytes(path.read_bytes())
    rows = list(csv.reader((copy / "responses.csv").read_text(encoding="utf-8").splitlines()))
    rows[1][rows[0].index("request_id")] = "999999"
    with (copy / "responses.csv").open("w", encoding="utf-8", newline="") as out:
        csv.writer(out, lineterminator="\n").writerows(rows)
    package = json.loads((copy / "datapackage.json").read_text())
    for resource in package["resources"]:
        del resource["hash"], resource["bytes"]  # else the changed file fails its hash first
    (copy / "datapackage.json").write_text(json.dumps(package))

    report = validated(copy / "datapackage.json")

    assert not report.valid
    assert [(table, kind) for table, kind, _ in errors(report)] == [("responses", "foreign-key")]


def test_a_second_release_the_same_day_is_numbered_2(seeded, media):
    first, second = release(), release()

    today = timezone.now().date().isoformat()
    assert (first.number, second.number) == (today, f"{today}.2")
    assert (folder(media, second.number) / second.zip_name).exists()
    assert (folder(media, first.number) / first.zip_name).exists()


# ------------------------------------------------------------------------------- changelog


def changelog(media: Path, made: DataRelease) -> dict:
    return json.loads((folder(media, made.number) / "changelog.json").read_text())


def test_the_changelog_lists_each_record_added_changed_and_deleted(seeded, media):
    first = release()
    ukraine = Actor.objects.get(slug="ukraine")
    old_description = ukraine.description
    ukraine.description = "Corrected by a curator."
    services.record_save(record=ukraine)
    services.record_save(record=Actor.objects.get(slug="south-korea"))  # saved, unchanged
    atlantis = services.record_save(record=Actor(slug="atlantis", name="Atlantis", kind="country"))
    alias = Actor.objects.get(slug="ukraine").aliases.first()
    alias_id = alias.pk
    services.record_delete(record=alias)

    second = release()

    log = changelog(media, second)
    assert log["previous"] == first.number
    assert log["summary"] == {"added": 1, "changed": 1, "deleted": 1}
    assert second.changes == log["summary"]
    added, changed, deleted = (
        [c for c in log["changes"] if c["change"] == kind]
        for kind in ("added", "changed", "deleted")
    )
    assert added == [
        {"table": "actors", "id": str(atlantis.pk), "change": "added", "label": "atlantis"}
    ]
    assert changed == [
        {
            "table": "actors",
            "id": str(ukraine.pk),
            "change": "changed",
            "label": "ukraine",
            "fields": {"description": [old_description, "Corrected by a curator."]},
        }
    ]
    assert deleted == [
        {"table": "actor_aliases", "id": str(alias_id), "change": "deleted", "label": alias.name}
    ]
    markdown = (folder(media, second.number) / "CHANGELOG.md").read_text()
    assert (
        f"Changes since release {first.number}: 1 records added, 1 changed, 1 deleted." in markdown
    )
    assert "  - description: " in markdown and '→ "Corrected by a curator."' in markdown
    assert f"- actor_aliases {alias_id} ({alias.name})" in markdown


def test_the_first_release_says_everything_is_new(seeded, media):
    made = release()

    assert changelog(media, made)["previous"] is None
    assert "The first release" in (folder(media, made.number) / "CHANGELOG.md").read_text()
    assert made.changes == {"added": sum(made.counts.values())}


def test_a_release_is_refused_when_the_previous_ones_files_are_gone(seeded, media):
    first = release()
    (folder(media, first.number) / "actors.csv").unlink()

    with pytest.raises(CommandError, match="files of the previous release"):
        call_command("release_data")

    assert DataRelease.objects.count() == 1


# ------------------------------------------------------------------------------- /data/


def test_the_data_page_lists_each_release_with_its_files_and_checksum(seeded, media, client):
    first, second = release(), release()

    page = client.get(reverse("tracker:release-list")).content.decode()

    assert page.index(second.number) < page.index(f"Release {first.number}<")
    for made in (first, second):
        assert made.sha256 in page
        assert f"/data/{made.number}/datapackage.json" in page
        assert f"/data/{made.number}/{made.zip_name}" in page
    assert f'href="{reverse("tracker:release-list")}">Data releases</a>' in page  # the footer


def test_the_data_page_says_when_nothing_is_released_yet(db, client):
    assert "No release has been published yet." in client.get("/data/").content.decode()


def test_a_release_permalink_shows_its_tables_and_how_to_cite_it(seeded, media, client):
    made = release()

    page = client.get(f"/data/{made.number}/").content.decode()

    assert f"Data release {made.number}" in page
    assert f'href="/data/{made.number}/requests.csv">requests.csv</a>' in page
    assert "http://testserver/data/" in page and made.sha256 in page


def cited(client, view: str) -> dict:
    answer = client.get(reverse("tracker:cite"), {"view": view})
    assert answer.status_code == 200, answer.content
    return answer.json()


def test_a_new_release_is_named_at_once_by_every_citation_and_cached_page(seeded, media, client):
    before = cited(client, "/requests/?status=declined")
    assert client.get("/requests/?status=declined")["X-Cache"] == "miss"  # kept until a write

    made = release()

    assert before["release"] is None and "data release" not in before["apa"]
    after = cited(client, "/requests/?status=declined")
    url = f"http://testserver/data/{made.number}/"
    assert after["release"] == {"number": made.number, "url": url}
    assert f"latest data release {made.number}]" in after["apa"]
    assert f"; latest data release {made.number}; accessed" in after["bibtex"]
    assert after["csl"][0]["version"].endswith(f"; latest data release {made.number}")
    page = client.get("/requests/?status=declined").content.decode()
    assert f'<a href="{url}">{made.number}</a>' in page  # under "Cite this view"


def test_a_pinned_view_names_the_latest_release_at_its_moment(seeded, media, client):
    first = release()
    between = timezone.now()
    release()

    then = cited(client, f"/requests/?{urlencode({'recorded_at': between.isoformat()})}")
    earliest = cited(client, "/requests/?recorded_at=2020-01-01")

    assert then["release"]["number"] == first.number
    assert earliest["release"] is None


def test_a_page_without_citations_never_asks_for_the_release(admin_client):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as queries:
        assert admin_client.get(reverse("admin:index")).status_code == 200

    assert not [q for q in queries.captured_queries if "requests_app_datarelease" in q["sql"]]


def test_release_files_download_as_written(seeded, media, client):
    made = release()

    package = client.get(f"/data/{made.number}/datapackage.json")
    archive = client.get(f"/data/{made.number}/{made.zip_name}")
    table = client.get(f"/data/{made.number}/requests.csv")

    assert package["Content-Type"] == "application/json"
    assert json.loads(b"".join(package.streaming_content))["version"] == made.number
    body = b"".join(archive.streaming_content)
    assert hashlib.sha256(body).hexdigest() == made.sha256
    assert archive["Content-Disposition"] == f'attachment; filename="{made.zip_name}"'
    assert "immutable" in archive["Cache-Control"]
    assert table["Content-Type"] == "text/csv; charset=utf-8"
    assert b"".join(table.streaming_content).startswith(b"id,review_state,")


@pytest.mark.parametrize(
    "path",
    ["/data/1999-01-01/", "/data/1999-01-01/datapackage.json", "/data/{number}/secrets.txt"],
)
def test_an_unknown_release_or_file_answers_404(seeded, media, client, path):
    made = release()

    assert client.get(path.format(number=made.number)).status_code == 404


def test_a_file_gone_from_storage_answers_404(seeded, media, client):
    made = release()
    (folder(media, made.number) / "requests.csv").unlink()

    assert client.get(f"/data/{made.number}/requests.csv").status_code == 404


def test_the_data_page_runs_the_same_queries_for_few_or_many_releases(seeded, media, queries_for):
    release()
    few = queries_for("/data/")

    for _ in range(3):
        release()

    assert queries_for("/data/") == few


@pytest.mark.slow
def test_the_release_pages_pass_the_nu_html_checker(seeded, media, client, tmp_path):
    command = checker()
    made = release()
    files = []
    for path in ("/data/", made.get_absolute_url()):
        files.append(tmp_path / f"{len(files)}.html")
        files[-1].write_bytes(client.get(path).content)

    result = subprocess.run([*command, *map(str, files)], capture_output=True, text=True)

    assert (result.returncode, result.stderr.strip()) == (0, "")
