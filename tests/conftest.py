"""Builders with readable defaults: each test states only what matters to it."""

import datetime
from pathlib import Path

import pytest
from django.apps import apps
from django.contrib.auth.models import Group, User
from django.core.management import call_command
from django.core.management.color import no_style
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from requests_app import services
from requests_app.models import (
    Actor,
    AidRequest,
    AidResponse,
    Citation,
    DataVersion,
    Item,
    PolicyStance,
    SourceArticle,
    Tally,
)

ARTICLE_BODY = (
    "Seoul declines Ukrainian request.\n\n"
    "The publication says the South Korean government ultimately declined the weapon sales, "
    "citing potential violations of external trade laws restricting exports to war zones.\n\n"
    "Zelensky said: “Anti-aircraft systems are purely defensive equipment, not weapons.”"
)
WIRE_BODY = "Officials confirmed the report."


@pytest.fixture(scope="session", autouse=True)
def caches_in_memory():
    """The suite keeps its caches in each process's memory whatever REDIS_URL says (a `.env`
    may set it): tests that need Redis start their own (tests/servers.py), never touching the
    machine's, and parallel workers never share a page cached under another's data version."""
    from django.test import override_settings

    from aidtracker.settings import cache_settings

    with override_settings(REDIS_URL="", CACHES=cache_settings("")):
        yield


@pytest.fixture(autouse=True)
def empty_caches():
    """Tests roll their writes back, data version included: cached pages must not outlive them,
    nor may one test's requests count against the next one's throttle."""
    from django.core.cache import caches

    caches["pages"].clear()
    caches["default"].clear()


@pytest.fixture(scope="session", autouse=True)
def test_database_dropped_cleanly(django_db_setup, django_db_blocker):
    """End the sessions a finished server or thread may still hold on the test database
    (a backend can outlive its client by a moment), so that dropping it never races them."""
    yield
    if connection.vendor == "postgresql":
        with django_db_blocker.unblock(), connection.cursor() as cursor:
            cursor.execute(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                "WHERE datname = current_database() AND pid <> pg_backend_pid()"
            )


@pytest.fixture(scope="session")
def seed_rows(django_db_setup, django_db_blocker) -> dict:
    """Every row the seed fixtures make, history included: loaded once per test session through
    `load_seed` (validation and all), kept in memory, and rolled back. The accounts come
    first: the seed's second reader is one, and the facts point at it."""
    models = [User, *apps.get_app_config("requests_app").get_models(include_auto_created=True)]
    with django_db_blocker.unblock(), transaction.atomic():
        call_command("load_seed", verbosity=0)
        rows = {model: list(model._base_manager.order_by("pk")) for model in models}
        transaction.set_rollback(True)
    # The data version's one row is the migrations': only counted up below. The tallies are
    # counted again by their triggers as the rows are inserted.
    return {
        model: objs for model, objs in rows.items() if objs and model not in (DataVersion, Tally)
    }


@pytest.fixture(scope="module")
def seed_data(seed_rows, django_db_blocker):
    """The seed data, inserted as loaded once per module in a transaction rolled back after it.

    Once a test of a module asks for them, the module's later tests see them too: keep tests
    that build their own rows with the builders below in modules without seed data.
    """
    with django_db_blocker.unblock(), transaction.atomic():
        seed_insert(seed_rows)
        yield
        transaction.set_rollback(True)


def seed_insert(seed_rows: dict) -> None:
    """Insert the seed's rows as `load_seed` made them, in a few bulk inserts (in one
    transaction: rows point at rows inserted later, and foreign keys are checked at commit)."""
    with transaction.atomic():
        for model, objs in seed_rows.items():
            model._base_manager.bulk_create(objs)
        # Rows inserted with their ids leave PostgreSQL's sequences behind: move them on.
        with connection.cursor() as cursor:
            for sql in connection.ops.sequence_reset_sql(no_style(), list(seed_rows)):
                cursor.execute(sql)


@pytest.fixture
def seeded(seed_data, db):
    """The seed data, with each test's own changes rolled back after it."""


@pytest.fixture
def make_actor(db):
    def make(slug: str = "ukraine", **fields) -> Actor:
        fields = {"name": slug.replace("-", " ").title(), "kind": Actor.Kind.COUNTRY, **fields}
        return services.record_save(record=Actor(slug=slug, **fields))

    return make


@pytest.fixture
def ukraine(make_actor) -> Actor:
    return make_actor("ukraine", name="Ukraine", country="UA")


@pytest.fixture
def south_korea(make_actor) -> Actor:
    return make_actor("south-korea", name="South Korea", country="KR")


@pytest.fixture
def make_item(db):
    def make(slug: str = "cheongung", **fields) -> Item:
        fields = {
            "name": slug.title(),
            "category": Item.Category.AIR_DEFENCE,
            "lethality": Item.Lethality.DISPUTED,
            **fields,
        }
        return services.record_save(record=Item(slug=slug, **fields))

    return make


@pytest.fixture
def make_article(db, make_actor):
    def make(slug: str = "ep-article", body: str = ARTICLE_BODY, **fields) -> SourceArticle:
        if "publisher" not in fields:
            fields["publisher"] = make_actor(
                f"{slug}-outlet", name="Euromaidan Press", kind=Actor.Kind.MEDIA_OUTLET
            )
        fields = {
            "title": "Seoul declines Ukrainian request",
            "published_on": datetime.date(2024, 11, 28),
            "date_evidence": "Dated in the text.",
            **fields,
        }
        return services.record_save(record=SourceArticle(slug=slug, body=body, **fields))

    return make


@pytest.fixture
def article(make_article) -> SourceArticle:
    return make_article()


@pytest.fixture
def first_report(make_article):
    """Citations for a builder's fact: every fact cites a source, so builders cite this
    article's only sentence unless a test gives citations of its own."""
    wire: list[SourceArticle] = []

    def citations(given) -> list[Citation]:
        if given is not None:
            return given
        if not wire:
            wire.append(
                make_article(
                    "wire-report",
                    body=WIRE_BODY,
                    title="Wire report",
                    published_on=datetime.date(2024, 1, 1),
                )
            )
        return [Citation(source=wire[0], quote=WIRE_BODY)]

    return citations


@pytest.fixture
def make_request(db, ukraine, south_korea, make_item, first_report):
    def make(slug: str = "cheongung-request", citations=None, **fields) -> AidRequest:
        if "item" not in fields:
            fields["item"] = Item.objects.filter(slug="cheongung").first() or make_item()
        fields = {
            "title": "Cheongung, to buy",
            "summary": "Ukraine asked to buy Cheongung.",
            "requester": ukraine,
            "addressee": south_korea,
            "made_on": datetime.date(2024, 11, 27),
            "channel": AidRequest.Channel.OFFICIAL_VISIT,
            "mode": AidRequest.Mode.PURCHASE,
            **fields,
        }
        return services.record_save(
            record=AidRequest(slug=slug, **fields), citations=first_report(citations)
        )

    return make


@pytest.fixture
def aid_request(make_request) -> AidRequest:
    return make_request()


@pytest.fixture
def make_stance(db, south_korea, first_report):
    def make(slug: str = "trade-law-ban", citations=None, **fields) -> PolicyStance:
        fields = {
            "holder": south_korea,
            "title": "Weapon sales declined under trade law",
            "subject": "Weapons for Ukraine",
            "summary": "No weapons to war zones.",
            "position": PolicyStance.Position.PROHIBITS,
            "in_force_from": datetime.date(2024, 11, 28),
            **fields,
        }
        return services.record_save(
            record=PolicyStance(slug=slug, **fields), citations=first_report(citations)
        )

    return make


@pytest.fixture
def record_response(db, south_korea, first_report):
    """Record a response through the service, as the admin and the API do."""
    counter = iter(range(1, 1000))

    def record(
        aid_request: AidRequest, decision: str, on: datetime.date, citations=None, **fields
    ) -> AidResponse:
        response = AidResponse(
            slug=f"response-{next(counter)}",
            request=aid_request,
            responder=south_korea,
            responded_on=on,
            decision=decision,
            summary=f"{decision} on {on}",
            **fields,
        )
        return services.response_save(response=response, citations=first_report(citations))

    return record


@pytest.fixture
def cite(db):
    def cite(article: SourceArticle, quote: str, **target) -> Citation:
        return services.record_save(record=Citation(source=article, quote=quote, **target))

    return cite


@pytest.fixture
def queries_for(client):
    """How many queries a page runs; the page must answer 200."""

    def count(url: str) -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get(url).status_code == 200
        return len(captured)

    return count


@pytest.fixture
def make_user(db):
    """A user holding the given permissions of the app's models ('add_aidresponse', …)."""
    from django.contrib.auth.models import Permission, User

    def make(username: str = "reader", *codenames: str, **fields) -> User:
        user = User.objects.create_user(username=username, password="pw-for-tests-only", **fields)
        user.user_permissions.set(
            Permission.objects.filter(
                content_type__app_label="requests_app", codename__in=codenames
            )
        )
        return user

    return make


@pytest.fixture
def curator(make_user):
    """A user who may add, change and delete every kind of record."""
    from django.contrib.auth.models import Permission

    codenames = Permission.objects.filter(content_type__app_label="requests_app").values_list(
        "codename", flat=True
    )
    return make_user("curator", *codenames)


@pytest.fixture
def token_for(db):
    """A new API token for the user, as `manage.py api_token` makes it."""
    from knox.models import AuthToken

    def token(user) -> str:
        return AuthToken.objects.create(user=user)[1]

    return token


@pytest.fixture
def api(db):
    """An API client; `api.credentials(HTTP_AUTHORIZATION=...)` to authenticate."""
    from rest_framework.test import APIClient

    return APIClient()


@pytest.fixture
def curated_data(transactional_db, admin_user):
    """The seed data committed (for tests that empty the database), then a curator's changes:
    a renamed actor, a new answer, a citation deleted."""
    call_command("setup_roles", verbosity=0)
    admin_user.groups.add(*Group.objects.all())
    call_command("load_seed", verbosity=0)
    ukraine = Actor.objects.get(slug="ukraine")
    ukraine.description = "Renamed by a curator."
    ukraine._history_user = admin_user
    services.record_save(record=ukraine)
    request = AidRequest.objects.get(slug="ua-kr-2024-07-air-defence")
    answer = AidResponse(
        request=request,
        responder=Actor.objects.get(slug="south-korea"),
        responded_on=datetime.date(2024, 12, 1),
        decision="under_consideration",
        summary="A curator's test answer.",
    )
    answer._history_user = admin_user
    report = Citation.objects.filter(response__isnull=False).first()
    services.response_save(
        response=answer, citations=[Citation(source=report.source, quote=report.quote)]
    )
    services.record_delete(record=Citation.objects.filter(role__isnull=False).first())


@pytest.fixture
def media(settings, tmp_path) -> Path:
    """The default storage (data releases), in a folder of the test's own."""
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT
