"""The seed fixtures load in one transaction, idempotently, and a bad fixture loads nothing."""

import io
import json
import shutil
from unittest import mock

import pytest
from django.apps import apps
from django.conf import settings
from django.contrib.auth.models import User
from django.core.management import call_command
from django.core.management.base import CommandError

from requests_app import services
from requests_app.models import Actor, AidRequest, AidResponse, Citation
from tests.conftest import WIRE_BODY

FIXTURES = settings.BASE_DIR / "fixtures"


def snapshot() -> dict:
    """Every row of every model of the app, timestamps included."""
    return {
        model._meta.label: sorted(map(repr, model.objects.values_list()))
        for model in apps.get_app_config("requests_app").get_models()
    }


def test_loading_twice_changes_nothing(db, capsys):
    call_command("load_seed")
    first = snapshot()
    capsys.readouterr()

    call_command("load_seed")

    assert snapshot() == first
    assert "0 created, 0 updated" in capsys.readouterr().out


def test_load_derives_statuses_from_responses(db):
    call_command("load_seed")
    cheongung = AidRequest.objects.get(item__slug="cheongung", mode="purchase")
    assert cheongung.status == AidRequest.Status.DECLINED
    assert cheongung.current_stance.slug == "kr-no-weapons-to-conflict-zones"


def test_load_repairs_a_record_edited_since(db):
    call_command("load_seed")
    Actor.objects.filter(slug="ukraine").update(name="Ukraine (edited)")

    call_command("load_seed")

    assert Actor.objects.get(slug="ukraine").name == "Ukraine"


@pytest.fixture
def fixture_copy(tmp_path):
    """A writable copy of the seed fixtures, to corrupt."""
    for path in FIXTURES.glob("*.json"):
        shutil.copy(path, tmp_path)

    def edit(name: str, change) -> list:
        path = tmp_path / name
        objects = json.loads(path.read_text())
        change(objects)
        path.write_text(json.dumps(objects))
        return sorted(tmp_path.glob("*.json"))

    return edit


def corrupt_first_quote(objects: list) -> None:
    citation = next(o for o in objects if o["model"] == "requests_app.citation")
    citation["fields"]["quote"] += " Seoul then agreed to sell."


def dangle_first_request(objects: list) -> None:
    request = next(o for o in objects if o["model"] == "requests_app.aidrequest")
    request["fields"]["requester"] = ["atlantis"]


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (corrupt_first_quote, "does not occur in"),
        (dangle_first_request, "Actor matching query does not exist"),
    ],
    ids=["bad-quote", "dangling-reference"],
)
def test_bad_fixture_loads_nothing_and_says_why(db, fixture_copy, change, message):
    paths = fixture_copy("50_requests.json", change)

    with pytest.raises(CommandError, match=message) as error:
        call_command("load_seed", *paths)

    assert "Nothing was loaded. 50_requests.json" in str(error.value)
    assert not Actor.objects.exists()
    assert not Citation.objects.exists()


def test_malformed_json_loads_nothing(db, tmp_path):
    broken = tmp_path / "broken.json"
    broken.write_text('[{"model": "requests_app.actor", "fields": {')

    with pytest.raises(CommandError, match=r"broken\.json"):
        call_command("load_seed", FIXTURES / "10_actors.json", broken)

    assert not Actor.objects.exists()


def test_the_seeds_second_reader_comes_inactive_and_an_existing_account_is_left_alone(db):
    User.objects.create_user("second-reader", password="pw-for-tests-only", is_staff=True)

    call_command("load_seed", verbosity=0)

    reader = User.objects.get(username="second-reader")
    assert reader.is_staff and reader.check_password("pw-for-tests-only")
    assert AidRequest.objects.filter(reviewed_by=reader).count() == AidRequest.objects.count()


def test_load_restores_the_second_reading_it_records(db):
    call_command("load_seed", verbosity=0)
    AidRequest.objects.update(
        review_state="draft", reviewed_by=None, reviewed_at=None, review_note=""
    )

    call_command("load_seed", verbosity=0)

    assert set(AidRequest.objects.values_list("review_state", "reviewed_by__username")) == {
        ("reviewed", "second-reader")
    }


def give_the_reader_a_password(objects: list) -> None:
    objects[0]["fields"]["password"] = "pbkdf2_sha256$1$salt$hash"


def test_a_fixture_account_with_a_password_loads_nothing(db, fixture_copy):
    paths = fixture_copy("05_accounts.json", give_the_reader_a_password)

    with pytest.raises(CommandError, match="holds a password"):
        call_command("load_seed", *paths)

    assert not User.objects.exists()
    assert not Actor.objects.exists()


def derived() -> list:
    """What the services derive: each request's status, latest answer and reported history."""
    return sorted(
        (request.slug, request.status, request.latest_response_id, spans)
        for request in AidRequest.objects.all()
        for spans in [list(request.spans.values_list("status", "known_from"))]
    )


def test_django_loaddata_of_the_seed_fixtures_derives_what_the_services_would(db):
    """Fixtures without timestamps load as they are (the database dates them), and what a
    raw save skips is derived afterwards, in the same transaction."""
    call_command("loaddata", *sorted(FIXTURES.glob("*.json")), verbosity=0)
    loaded = derived()

    cheongung = AidRequest.objects.get(item__slug="cheongung", mode="purchase")
    assert cheongung.status == AidRequest.Status.DECLINED
    assert cheongung.created_at is not None
    services.requests_derive(request_ids=AidRequest.objects.values_list("pk", flat=True))
    assert derived() == loaded


def answer_loaded(tmp_path, aid_request: AidRequest, cited: bool = True, **options) -> None:
    """Load, with Django's loaddata, a refusal of `aid_request` (id 9001, no timestamps)."""
    wire = Citation.objects.filter(source__slug="wire-report").first().source
    fields = {"responder": aid_request.addressee_id, "responded_on": "2024-11-28"}
    answer = {"slug": "declined-by-fixture", "request": aid_request.pk, "decision": "declined"}
    rows = [{"model": "requests_app.aidresponse", "pk": 9001, "fields": answer | fields}]
    if cited:
        quote = {"source": wire.pk, "quote": WIRE_BODY, "response": 9001}
        rows.append({"model": "requests_app.citation", "fields": quote})
    fixture = tmp_path / "answer.json"
    fixture.write_text(json.dumps(rows))
    call_command("loaddata", str(fixture), **{"verbosity": 0, **options})


def test_an_answer_loaded_with_loaddata_gives_its_request_a_status(aid_request, tmp_path):
    answer_loaded(tmp_path, aid_request)

    aid_request.refresh_from_db()
    assert (aid_request.status, aid_request.latest_response_id) == ("declined", 9001)
    assert list(aid_request.spans.values_list("status", flat=True)) == ["declined"]


def test_an_answer_moved_by_loaddata_leaves_its_first_request_pending(
    make_request, aid_request, tmp_path
):
    answer_loaded(tmp_path, aid_request)
    created = AidResponse.objects.get(pk=9001).created_at
    other = make_request("another-request", title="Shells, to buy")

    answer_loaded(tmp_path, other, cited=False)

    aid_request.refresh_from_db()
    other.refresh_from_db()
    assert (aid_request.status, aid_request.latest_response) == ("pending", None)
    assert list(aid_request.spans.values_list("status", flat=True)) == ["pending"]
    assert (other.status, other.latest_response_id) == ("declined", 9001)
    assert AidResponse.objects.get(pk=9001).created_at == created  # a row replaced keeps it


def test_loaddata_shows_its_progress_deriving_statuses(make_request, aid_request, tmp_path):
    """A large dump's statuses take a while to derive: loaddata says how far it is."""
    answer_loaded(tmp_path, aid_request)
    other = make_request("another-request", title="Shells, to buy")
    out = io.StringIO()

    with mock.patch.object(services.requests, "BATCH", 1):
        answer_loaded(tmp_path, other, cited=False, verbosity=1, stdout=out)

    assert out.getvalue().splitlines()[-2:] == [
        "Derived the status and history of 1 of 2 requests",
        "Derived the status and history of 2 of 2 requests",
    ]
