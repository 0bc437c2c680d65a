"""Alerts without a worker: the outbox, batches and digests, signatures, the address guard, the
follow form and the webhook API. The real worker, SMTP server and receivers:
test_alerts_worker.py."""

import datetime
import hashlib
import hmac
import json
import os
import re
import subprocess
import sys

import pytest
from django.core import mail
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from alerts import dispatch, services, tasks, webhooks
from alerts import mail as alert_mail
from alerts.addresses import UnsafeURL, public_address
from alerts.models import Digest, Event, Subscriber, Subscription, WebhookDelivery, WebhookEndpoint
from requests_app import services as records
from requests_app.models import AidResponse, Citation

DECLINED = AidResponse.Decision.DECLINED
PUBLIC_URL = "https://93.184.215.14/hooks/aidtracker"


def follower(email: str, target, confirmed: bool = True) -> Subscriber:
    subscriber = Subscriber.objects.create(email=email)
    Subscription.objects.create(
        subscriber=subscriber,
        target=services.target_key(target),
        target_name=str(target),
        confirmed_at=datetime.datetime.now(datetime.UTC) if confirmed else None,
    )
    return subscriber


def events_of(*types) -> list[str]:
    return list(Event.objects.filter(type__in=types).values_list("type", flat=True))


# Settings


def alert_settings(**env) -> dict:
    """The alert settings of a new process with this environment (development mode)."""
    names = [
        "EMAIL_BACKEND",
        "EMAIL_HOST",
        "EMAIL_PORT",
        "EMAIL_HOST_USER",
        "EMAIL_HOST_PASSWORD",
        "EMAIL_USE_TLS",
        "EMAIL_USE_SSL",
        "CELERY_BROKER_URL",
    ]
    code = (
        "import json, os; os.environ['DJANGO_SETTINGS_MODULE'] = 'aidtracker.settings'; "
        "from django.conf import settings as s; "
        f"print(json.dumps({{n: getattr(s, n, None) for n in {names!r}}}))"
    )
    clean = {k: v for k, v in os.environ.items() if k not in {"EMAIL_URL", "REDIS_URL"}}
    result = subprocess.run(
        [sys.executable, "-c", code],
        env={**clean, "DEBUG": "1", "ENV_FILE": "/nonexistent/.env", **env},
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def test_mail_is_configured_from_email_url():
    configured = alert_settings(EMAIL_URL="smtp+tls://alerts:p%40ss@mail.example.org:2587")

    assert configured["EMAIL_BACKEND"] == "django.core.mail.backends.smtp.EmailBackend"
    assert (configured["EMAIL_HOST"], configured["EMAIL_PORT"]) == ("mail.example.org", 2587)
    assert (configured["EMAIL_HOST_USER"], configured["EMAIL_HOST_PASSWORD"]) == ("alerts", "p@ss")
    assert configured["EMAIL_USE_TLS"] and not configured["EMAIL_USE_SSL"]
    assert alert_settings()["EMAIL_BACKEND"] == "django.core.mail.backends.console.EmailBackend"


def test_the_broker_is_database_2_of_the_redis_at_redis_url_unless_given():
    assert alert_settings()["CELERY_BROKER_URL"] == "redis://127.0.0.1:6379/2"
    at = alert_settings(REDIS_URL="redis://:pw@redis:6379/1")
    assert at["CELERY_BROKER_URL"] == "redis://:pw@redis:6379/2"
    given = alert_settings(REDIS_URL="redis://redis:6379/1", CELERY_BROKER_URL="redis://q:6379/5")
    assert given["CELERY_BROKER_URL"] == "redis://q:6379/5"


# The outbox


def test_a_response_records_its_events_in_the_writers_transaction(aid_request, record_response):
    record_response(aid_request, DECLINED, datetime.date(2024, 11, 28))

    assert sorted(Event.objects.values_list("type", flat=True)) == [
        "request.created",
        "request.status_changed",
        "response.created",
    ]
    status = Event.objects.get(type="request.status_changed")
    assert status.change == {"from": "pending", "to": "declined"}
    assert f"request:{aid_request.pk}" in status.subjects
    assert f"actor:{aid_request.addressee_id}" in status.subjects


def test_a_write_rolled_back_leaves_no_event(aid_request, record_response):
    before = Event.objects.count()
    with pytest.raises(RuntimeError), transaction.atomic():
        record_response(aid_request, DECLINED, datetime.date(2024, 11, 28))
        raise RuntimeError("the write fails after the response was saved")

    assert Event.objects.count() == before
    assert not AidResponse.objects.exists()


def test_a_disputing_citation_and_a_superseding_stance_are_events(
    make_stance, aid_request, cite, article
):
    older = make_stance()
    newer = make_stance("reconsidered", supersedes=older, title="Reconsidering")
    cite(
        article,
        "the South Korean government ultimately declined the weapon sales",
        request=aid_request,
        relation=Citation.Relation.DISPUTES,
    )

    superseded = Event.objects.get(type="stance.superseded")
    assert (superseded.record, superseded.change) == (older, {"superseded_by": newer.pk})
    disputed = Event.objects.get(type="fact.disputed")
    assert disputed.record == aid_request


# Batches


def test_a_batch_sends_one_digest_per_confirmed_follower(aid_request, record_response):
    by_request = follower("request@example.org", aid_request)
    by_actor = follower("actor@example.org", aid_request.addressee)
    follower("unconfirmed@example.org", aid_request, confirmed=False)
    Event.objects.update(dispatched_at=datetime.datetime.now(datetime.UTC))  # earlier batches
    response = record_response(aid_request, DECLINED, datetime.date(2024, 11, 28))

    dispatch.batch_dispatch()

    digests = {digest.subscriber: digest for digest in Digest.objects.all()}
    assert set(digests) == {by_request, by_actor}
    for digest in digests.values():
        assert sorted(digest.events.values_list("type", flat=True)) == [
            "request.status_changed",
            "response.created",
        ]
    told = Event.objects.get(type="response.created")
    assert told.data["id"] == response.pk and told.data["decision"] == "declined"
    assert told.url.endswith(f"/api/v1/responses/{response.pk}/")
    assert told.data_version is not None
    assert Event.objects.filter(dispatched_at__isnull=True).count() == 0


def test_a_follower_hears_only_of_changes_recorded_after_confirming(aid_request, record_response):
    record_response(aid_request, DECLINED, datetime.date(2024, 11, 28))  # not yet dispatched
    follower("late@example.org", aid_request)

    dispatch.batch_dispatch()

    assert not Digest.objects.exists()


def test_a_change_undone_within_the_batch_tells_nobody(aid_request, record_response):
    follower("request@example.org", aid_request)
    Event.objects.update(dispatched_at=datetime.datetime.now(datetime.UTC))
    earlier = list(Event.objects.values_list("pk", flat=True))
    response = record_response(aid_request, DECLINED, datetime.date(2024, 11, 28))
    records.response_delete(response=response)

    assert dispatch.batch_dispatch() == []

    assert not Digest.objects.exists()
    batch = Event.objects.exclude(pk__in=earlier)
    assert sorted(batch.values_list("type", "is_undone")) == [
        ("request.status_changed", True),
        ("request.status_changed", True),
        ("response.created", True),
    ]


def test_a_dispute_withdrawn_within_the_batch_tells_nobody(aid_request, cite, article):
    Event.objects.update(dispatched_at=datetime.datetime.now(datetime.UTC))
    quote = "the South Korean government ultimately declined the weapon sales"
    citation = cite(article, quote, request=aid_request, relation=Citation.Relation.DISPUTES)
    records.citation_delete(citation=citation)

    assert dispatch.batch_dispatch() == []
    assert Event.objects.get(type="fact.disputed").is_undone


def test_status_changes_within_a_batch_are_told_once_from_first_to_last(
    aid_request, record_response
):
    Event.objects.update(dispatched_at=datetime.datetime.now(datetime.UTC))
    record_response(
        aid_request, AidResponse.Decision.UNDER_CONSIDERATION, datetime.date(2024, 6, 1)
    )
    record_response(aid_request, DECLINED, datetime.date(2024, 11, 28))

    told = [event for event in dispatch.batch_dispatch() if event.type == "request.status_changed"]

    assert [event.change for event in told] == [{"from": "pending", "to": "declined"}]
    assert "No answer reported → Declined" in told[0].headline


def test_a_batch_runs_the_same_queries_whatever_its_size(db, make_request, record_response):
    WebhookEndpoint.objects.create(
        owner=make_owner(), name="Newsroom", url=PUBLIC_URL, secret="s" * 32, events=["*"]
    )

    def batch_queries(slugs: list[str]) -> int:
        for slug in slugs:
            aid_request = make_request(slug)
            follower(f"{slug}@example.org", aid_request)
            record_response(aid_request, DECLINED, datetime.date(2024, 11, 28))
        with CaptureQueriesContext(connection) as captured:
            told = dispatch.batch_dispatch()
        assert len(told) == 3 * len(slugs)
        return len(captured)

    assert batch_queries(["one"]) == batch_queries(["two", "three", "four"])


def make_owner(username: str = "newsroom"):
    from django.contrib.auth.models import User

    return User.objects.create_user(username, email=f"{username}@example.org")


def test_the_outbox_forgets_what_it_settled_long_ago_and_keeps_what_is_pending(
    aid_request, settings
):
    settings.ALERTS_KEEP_DAYS = 30
    endpoint = WebhookEndpoint.objects.create(
        owner=make_owner(), name="Newsroom", url=PUBLIC_URL, secret="s" * 32, events=["*"]
    )
    dispatch.batch_dispatch()  # the request's creation: a delivery still waiting
    waiting = WebhookDelivery.objects.get()
    sent = services.test_event_send(endpoint=endpoint)
    old = datetime.datetime.now(datetime.UTC) - datetime.timedelta(days=31)
    WebhookDelivery.objects.update(created_at=old)
    Event.objects.update(dispatched_at=old)
    WebhookDelivery.objects.filter(pk=sent.pk).update(status="delivered")

    dispatch.outbox_prune()

    assert list(WebhookDelivery.objects.all()) == [waiting]
    assert list(Event.objects.all()) == [waiting.event]


# Webhooks: signature, retries, the address guard


def test_signature_is_hmac_sha256_of_timestamp_dot_body():
    body = b'{"id":"1"}'
    expected = hmac.new(b"secret", b"1700000000." + body, hashlib.sha256).hexdigest()

    assert webhooks.signature("secret", 1700000000, body) == f"t=1700000000,v1={expected}"


def test_a_delivery_body_is_the_event_envelope(aid_request):
    event = Event.objects.get(type="request.created")
    dispatch.describe([event])

    envelope = json.loads(webhooks.body(event))

    assert set(envelope) == {"id", "type", "created_at", "data_version", "url", "data"}
    assert envelope["id"] == str(event.id) and envelope["type"] == "request.created"
    assert envelope["data"]["title"] == aid_request.title
    assert webhooks.body(event) == webhooks.body(event)  # every attempt sends the same bytes


@pytest.mark.parametrize(
    "url",
    [
        "ftp://93.184.215.14/",
        "file:///etc/passwd",
        "gopher://93.184.215.14/",
        "http://127.0.0.1:8000/",
        "http://localhost/hook",
        "http://10.1.2.3/",
        "http://192.168.0.10/",
        "http://172.16.5.4/",
        "http://169.254.169.254/latest/meta-data/",
        "http://100.64.0.1/",
        "http://0.0.0.0/",
        "http://[::1]/",
        "http://[fd00::1]/",
        "http://[::ffff:127.0.0.1]/",
        "http://224.0.0.1/",
        "http:///no-host",
        "http://no-such-host.invalid/",
    ],
)
def test_the_guard_refuses_other_schemes_and_private_addresses(url):
    with pytest.raises(UnsafeURL):
        public_address(url)


def test_the_guard_lets_public_addresses_through_and_private_ones_when_allowed(settings):
    assert public_address(PUBLIC_URL) == "93.184.215.14"
    settings.WEBHOOKS_ALLOW_PRIVATE_ADDRESSES = True
    assert public_address("http://127.0.0.1:9/") == "127.0.0.1"
    with pytest.raises(UnsafeURL):
        public_address("ftp://127.0.0.1/")


def test_a_delivery_to_an_address_now_private_is_refused_and_retried(db, settings):
    settings.WEBHOOKS_ALLOW_PRIVATE_ADDRESSES = True
    endpoint = WebhookEndpoint.objects.create(
        owner=make_owner(),
        name="Intranet",
        url="http://127.0.0.1:9/",
        secret="s" * 32,
        events=["*"],
    )
    delivery = services.test_event_send(endpoint=endpoint)
    settings.WEBHOOKS_ALLOW_PRIVATE_ADDRESSES = False
    [taken] = dispatch.due_take(WebhookDelivery)

    tasks.deliver_webhook(taken.pk, taken.attempts)

    delivery.refresh_from_db()
    assert delivery.status == WebhookDelivery.Status.PENDING
    assert "loopback, private or reserved" in delivery.last_error
    assert delivery.next_attempt_at > delivery.last_attempt_at


def test_retries_back_off_exponentially_with_jitter(db, settings):
    settings.ALERTS_RETRY_BASE_SECONDS = 30
    delivery = WebhookDelivery(attempts=1)
    first = {delivery.retry_delay().total_seconds() for _ in range(50)}
    delivery.attempts = 5
    fifth = {delivery.retry_delay().total_seconds() for _ in range(50)}

    assert all(15 <= s <= 30 for s in first) and len(first) > 1
    assert all(240 <= s <= 480 for s in fifth)


def test_a_delivery_failing_for_a_day_marks_its_endpoint_failing_and_tells_its_owner(db, settings):
    settings.WEBHOOKS_ALLOW_PRIVATE_ADDRESSES = True
    endpoint = WebhookEndpoint.objects.create(
        owner=make_owner(),
        name="Newsroom",
        url="http://127.0.0.1:9/",
        secret="s" * 32,
        events=["*"],
    )
    delivery = services.test_event_send(endpoint=endpoint)
    WebhookDelivery.objects.filter(pk=delivery.pk).update(
        created_at=delivery.created_at - datetime.timedelta(hours=settings.ALERTS_RETRY_HOURS)
    )
    [taken] = dispatch.due_take(WebhookDelivery)

    tasks.deliver_webhook(taken.pk, taken.attempts)  # nothing listens on port 9

    delivery.refresh_from_db()
    endpoint.refresh_from_db()
    assert delivery.status == WebhookDelivery.Status.FAILED
    assert endpoint.failing_since is not None
    [notice] = mail.outbox
    assert notice.to == ["newsroom@example.org"] and "Newsroom" in notice.subject


# The follow form


def follow_url(aid_request) -> str:
    return f"/alerts/follow/request/{aid_request.pk}/"


def test_followable_pages_carry_the_follow_form(client, aid_request, make_stance):
    stance = make_stance()
    for url, action in [
        (aid_request.get_absolute_url(), follow_url(aid_request)),
        (
            aid_request.addressee.get_absolute_url(),
            f"/alerts/follow/actor/{aid_request.addressee_id}/",
        ),
        (aid_request.item.get_absolute_url(), f"/alerts/follow/item/{aid_request.item_id}/"),
        (stance.get_absolute_url(), f"/alerts/follow/stance/{stance.pk}/"),
    ]:
        page = client.get(url).content.decode()
        assert f'action="{action}"' in page and "Follow by email" in page


def test_following_mails_a_confirmation_and_tells_nothing_before_it(client, aid_request):
    answer = client.post(follow_url(aid_request), {"email": "Reader@Example.org"})

    assert answer.status_code == 200 and "We mailed a link" in answer.content.decode()
    [confirmation] = mail.outbox
    assert confirmation.to == ["reader@example.org"]
    assert aid_request.title in confirmation.body
    assert confirmation.alternatives[0][1] == "text/html"
    assert Subscription.objects.get().confirmed_at is None


def test_a_flood_of_follows_for_one_address_sends_one_confirmation_an_hour(
    client, aid_request, settings
):
    settings.ALERTS_FOLLOWS_PER_HOUR = 100
    answers = [
        client.post(follow_url(aid_request), {"email": "victim@example.org"}) for _ in range(5)
    ]

    assert len(mail.outbox) == 1
    assert "less than an hour ago" in answers[-1].content.decode()
    assert Subscription.objects.count() == 1


def test_the_follow_form_is_throttled_per_client(client, aid_request, settings):
    settings.ALERTS_FOLLOWS_PER_HOUR = 3
    codes = [
        client.post(follow_url(aid_request), {"email": f"r{n}@example.org"}).status_code
        for n in range(5)
    ]

    assert codes == [200, 200, 200, 429, 429]
    assert len(mail.outbox) == 3


def test_a_bad_address_is_refused_and_changes_nothing(client, aid_request):
    answer = client.post(follow_url(aid_request), {"email": "not an address"})

    assert answer.status_code == 400 and "valid email address" in answer.content.decode()
    assert not Subscriber.objects.exists() and not mail.outbox


def test_confirming_then_unsubscribing_in_one_click(client, aid_request, record_response):
    client.post(follow_url(aid_request), {"email": "reader@example.org"})
    link = re.search(r"http://\S+/alerts/confirm/\S+/", mail.outbox[0].body).group()
    path = link.removeprefix("http://127.0.0.1:8000")

    assert "Confirm" in client.get(path).content.decode()
    assert Subscription.objects.get().confirmed_at is None  # opening the link confirms nothing
    assert "now follows" in client.post(path).content.decode()
    assert Subscription.objects.get().confirmed_at is not None

    Event.objects.update(dispatched_at=datetime.datetime.now(datetime.UTC))
    record_response(aid_request, DECLINED, datetime.date(2024, 11, 28))
    dispatch.batch_dispatch()
    [digest] = Digest.objects.all()
    alert_mail.digest_send(digest)
    sent = mail.outbox[-1]
    unsubscribe = re.fullmatch(r"<(\S+)>", sent.extra_headers["List-Unsubscribe"]).group(1)
    assert sent.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert "Declined" in sent.body and unsubscribe in sent.body

    answer = client.post(unsubscribe.removeprefix("http://127.0.0.1:8000"))
    assert "follows nothing any more" in answer.content.decode()
    assert not Subscriber.objects.exists()


def test_a_forged_confirmation_link_confirms_nothing(client, aid_request):
    client.post(follow_url(aid_request), {"email": "reader@example.org"})

    answer = client.post("/alerts/confirm/eyJzIjoxLCJmIjpbMV19:forged:signature/")

    assert answer.status_code == 400
    assert Subscription.objects.get().confirmed_at is None


# The webhook API


@pytest.fixture
def webhook_user(db):
    from django.contrib.auth.models import Permission

    user = make_owner("integrator")
    user.user_permissions.set(Permission.objects.filter(content_type__app_label="alerts"))
    return user


def test_registering_a_webhook_returns_its_generated_secret_once(api, webhook_user):
    api.force_login(webhook_user)

    made = api.post(
        "/api/v1/webhooks/",
        {"name": "Newsroom", "url": PUBLIC_URL, "events": ["response.created"]},
        format="json",
    )

    assert made.status_code == 201, made.json()
    secret = made.json()["secret"]
    assert len(secret) >= 32
    assert WebhookEndpoint.objects.get().secret == secret
    shown = api.get(f"/api/v1/webhooks/{made.json()['id']}/").json()
    assert "secret" not in shown and shown["events"] == ["response.created"]


@pytest.mark.parametrize(
    ("url", "events", "field"),
    [
        ("http://127.0.0.1:8000/hook", ["*"], "url"),
        ("ftp://93.184.215.14/", ["*"], "url"),
        (PUBLIC_URL, ["request.deleted"], "events"),
        (PUBLIC_URL, [], "events"),
    ],
)
def test_a_bad_webhook_is_refused_and_nothing_is_kept(api, webhook_user, url, events, field):
    api.force_login(webhook_user)

    refused = api.post(
        "/api/v1/webhooks/", {"name": "Bad", "url": url, "events": events}, format="json"
    )

    assert refused.status_code == 400 and field in refused.json()
    assert not WebhookEndpoint.objects.exists()


def test_webhooks_are_their_owners_and_need_the_permission(api, webhook_user, db):
    other = make_owner("other")
    WebhookEndpoint.objects.create(
        owner=other, name="Theirs", url=PUBLIC_URL, secret="s" * 32, events=["*"]
    )
    api.force_login(webhook_user)
    assert api.get("/api/v1/webhooks/").json()["results"] == []

    api.force_login(other)  # no permission of the alerts app
    assert api.get("/api/v1/webhooks/").status_code == 403
    api.logout()
    assert api.get("/api/v1/webhooks/").status_code in (401, 403)


def test_the_schema_documents_webhooks_and_their_events(api):
    schema = api.get("/api/v1/schema/", HTTP_ACCEPT="application/json").json()

    assert "/api/v1/webhooks/" in schema["paths"]
    callback = schema["paths"]["/api/v1/webhooks/"]["post"]["callbacks"]
    envelope = json.dumps(callback)
    for event_type in Event.Type.values:
        assert event_type in json.dumps(schema)
    assert "X-Aidtracker-Signature" in envelope and "Idempotency-Key" in envelope


# The admin


@pytest.fixture
def admin_client(client, db):
    from django.contrib.auth.models import User

    client.force_login(User.objects.create_superuser("admin", "admin@example.org", "pw-tests"))
    return client


def test_the_admin_queues_a_test_event_and_links_the_delivery_log(admin_client):
    endpoint = WebhookEndpoint.objects.create(
        owner=make_owner(), name="Newsroom", url=PUBLIC_URL, secret="s" * 32, events=["*"]
    )

    admin_client.post(
        "/admin/alerts/webhookendpoint/",
        {"action": "send_test_event", "_selected_action": [endpoint.pk]},
    )

    delivery = WebhookDelivery.objects.get(endpoint=endpoint)
    assert delivery.event.type == "webhook.test" and delivery.status == "pending"
    page = admin_client.get(f"/admin/alerts/webhookendpoint/{endpoint.pk}/change/")
    assert f"?endpoint__id__exact={endpoint.pk}" in page.content.decode()
    log = admin_client.get(f"/admin/alerts/webhookdelivery/?endpoint__id__exact={endpoint.pk}")
    assert "webhook.test" in log.content.decode()


def test_the_admin_refuses_a_private_webhook_url(admin_client):
    owner = make_owner()

    page = admin_client.post(
        "/admin/alerts/webhookendpoint/add/",
        {
            "owner": owner.pk,
            "name": "Metadata",
            "url": "http://169.254.169.254/",
            "events": '["*"]',
        },
    )

    assert "loopback, private or reserved" in page.content.decode()
    assert not WebhookEndpoint.objects.exists()
