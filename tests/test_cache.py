"""Anonymous reads come from a cache that every write invalidates."""

import datetime

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from requests_app import services
from requests_app.models import Actor, AidRequest, AidResponse, DataVersion

NOV_28 = datetime.date(2024, 11, 28)


def get(client, url: str, **extra):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url, **extra)
    return response, len(queries)


@pytest.mark.parametrize("url_name", ["tracker:request-list", "api:request-list"])
def test_a_repeated_anonymous_read_is_served_from_the_cache(client, aid_request, url_name):
    first, _ = get(client, reverse(url_name))
    second, queries = get(client, reverse(url_name))

    assert first["X-Cache"] == "miss"
    assert second["X-Cache"] == "hit"
    assert second.content == first.content
    assert queries == 1  # the data version, nothing else


def test_a_write_is_visible_on_the_next_read(client, aid_request, record_response):
    url = reverse("api:request-detail", args=[aid_request.pk])
    assert get(client, url)[0].json()["status"] == "pending"

    record_response(aid_request, AidResponse.Decision.DECLINED, NOV_28)

    response, _ = get(client, url)
    assert response["X-Cache"] == "miss"
    assert response.json()["status"] == "declined"


def test_a_deletion_is_visible_on_the_next_read(client, aid_request, record_response):
    response = record_response(aid_request, AidResponse.Decision.DECLINED, NOV_28)
    url = reverse("tracker:request-list")
    assert "badge--declined" in get(client, url)[0].content.decode()

    services.response_delete(response=response)

    assert "badge--declined" not in get(client, url)[0].content.decode()


def test_signed_in_users_always_get_fresh_pages(client, admin_user, aid_request):
    client.force_login(admin_user)
    first, _ = get(client, reverse("tracker:request-list"))
    assert "X-Cache" not in first
    assert not get(client, reverse("tracker:request-list"))[0].has_header("X-Cache")


def test_token_clients_bypass_the_cache(client, aid_request, curator, token_for):
    auth = {"HTTP_AUTHORIZATION": f"Token {token_for(curator)}"}
    get(client, reverse("api:request-list"), **auth)
    assert not get(client, reverse("api:request-list"), **auth)[0].has_header("X-Cache")


def test_errors_are_not_cached(client, db):
    url = reverse("api:request-list")
    assert get(client, url, data={"status": "nope"})[0].status_code == 400
    assert not get(client, url, data={"status": "nope"})[0].has_header("X-Cache")


def test_the_admin_is_never_cached(admin_client):
    assert not admin_client.get(reverse("admin:index")).has_header("X-Cache")


def test_every_write_path_raises_the_data_version(aid_request, record_response, article, cite):
    versions = [DataVersion.objects.current()]
    response = record_response(aid_request, AidResponse.Decision.DECLINED, NOV_28)
    versions.append(DataVersion.objects.current())
    cite(article, "declined the weapon sales", response=response)
    versions.append(DataVersion.objects.current())
    services.response_delete(response=response)
    versions.append(DataVersion.objects.current())

    assert versions == sorted(set(versions))
    assert AidRequest.objects.get().status == AidRequest.Status.PENDING


def test_loading_unchanged_fixtures_keeps_the_version(db):
    call_command("load_seed", verbosity=0)
    loaded = DataVersion.objects.current()
    call_command("load_seed", verbosity=0)
    assert DataVersion.objects.current() == loaded > 0


def test_an_answer_larger_than_the_bound_is_not_kept(client, aid_request, settings):
    from django.core.cache import caches

    url = reverse("tracker:request-list")
    settings.PAGE_CACHE_MAX_BYTES = len(client.get(url).content) - 1
    caches["pages"].clear()

    first, second = client.get(url), client.get(url)

    assert "X-Cache" not in first and "X-Cache" not in second
    assert second.content == first.content


def test_the_page_cache_is_bounded_in_entries(settings):
    assert settings.CACHES["pages"]["OPTIONS"]["MAX_ENTRIES"] == 500
    assert settings.PAGE_CACHE_MAX_BYTES == 256 * 1024


def test_a_cached_api_detail_keeps_its_etag(client, aid_request):
    url = reverse("api:request-detail", args=[aid_request.pk])
    first, second = client.get(url), client.get(url)

    assert second["X-Cache"] == "hit"
    assert second["ETag"] == first["ETag"]
    assert first["ETag"].startswith(f'"{aid_request.version}.')


def test_a_list_filter_form_is_rendered_once_per_data_version(
    client, admin_user, aid_request, make_request
):
    """Signed-in readers get fresh pages, but the filter form (its menus list every actor) is
    kept per data version: the repeated read skips its queries, and a write shows at once."""
    client.force_login(admin_user)
    url = reverse("tracker:request-list") + "?status=pending"
    first, first_queries = get(client, url)
    second, second_queries = get(client, url)

    assert second.content == first.content
    assert second_queries < first_queries

    nowhere = services.record_save(
        record=Actor(name="Republic of Nowhere", kind=Actor.Kind.COUNTRY)
    )
    make_request(slug="nowhere-request", requester=nowhere)
    assert "Republic of Nowhere" in get(client, url)[0].content.decode()


def test_the_dashboard_timeline_is_drawn_once_per_data_version(
    client, admin_user, aid_request, make_request
):
    client.force_login(admin_user)
    first, first_queries = get(client, "/")
    second, second_queries = get(client, "/")

    assert second.content == first.content
    assert second_queries < first_queries  # the stance and action counts are not read again

    make_request(slug="earlier-request", made_on=datetime.date(2019, 5, 2))
    assert ">2019<" in get(client, "/")[0].content.decode()
    assert ">2019<" not in first.content.decode()
