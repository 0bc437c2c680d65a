"""POSTing an event to a webhook: its body and its signature, to an address the guard
(addresses.py) allows."""

import hashlib
import hmac
import http.client
import json
import socket
import time
from urllib.parse import urlsplit

from .addresses import public_address
from .models import Event, WebhookDelivery

TIMEOUT_SECONDS = 10
# What is read of a receiver's answer: its status is all that counts.
ANSWER_BYTES = 64 * 1024


def body(event: Event) -> bytes:
    """The JSON an event is delivered as; the same bytes at every attempt."""
    envelope = {
        "id": str(event.id),
        "type": event.type,
        "created_at": event.created_at.isoformat().replace("+00:00", "Z"),
        "data_version": event.data_version,
        "url": event.url,
        "data": event.data,
    }
    return json.dumps(envelope, ensure_ascii=False, separators=(",", ":")).encode()


def signature(secret: str, timestamp: int, payload: bytes) -> str:
    """`t=<unix time>,v1=<hex HMAC-SHA256 of "<t>.<body>">`: a receiver recomputes it, and
    refuses a `t` more than five minutes old (a replay)."""
    digest = hmac.new(secret.encode(), f"{timestamp}.".encode() + payload, hashlib.sha256)
    return f"t={timestamp},v1={digest.hexdigest()}"


def post(delivery: WebhookDelivery) -> int:
    """POST the delivery's event to its endpoint; the receiver's HTTP status. The connection
    goes to the address just checked, so a name that resolves anew cannot slip past the guard;
    redirects are not followed."""
    endpoint, payload = delivery.endpoint, body(delivery.event)
    address = public_address(endpoint.url)
    parts = urlsplit(endpoint.url)
    secure = parts.scheme == "https"
    connection_class = http.client.HTTPSConnection if secure else http.client.HTTPConnection
    connection = connection_class(parts.hostname, parts.port, timeout=TIMEOUT_SECONDS)

    def connect(where, timeout, source_address=None):
        return socket.create_connection((address, where[1]), timeout, source_address)

    connection._create_connection = connect
    headers = {
        "Content-Type": "application/json",
        "User-Agent": "aidtracker-webhooks/1",
        "Idempotency-Key": str(delivery.event_id),
        "X-Aidtracker-Signature": signature(endpoint.secret, int(time.time()), payload),
    }
    path = parts.path or "/"
    try:
        connection.request(
            "POST", f"{path}?{parts.query}" if parts.query else path, payload, headers
        )
        answer = connection.getresponse()
        answer.read(ANSWER_BYTES)
        return answer.status
    finally:
        connection.close()
