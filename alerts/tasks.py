"""The worker's tasks (`celery -A aidtracker worker --beat`): a batch every
ALERTS_BATCH_SECONDS, and the sending of what it hands out."""

import smtplib

from celery import shared_task

from . import dispatch, mail, webhooks
from .addresses import UnsafeURL
from .models import Digest, WebhookDelivery


@shared_task
def batch() -> None:
    """Make the deliveries of the changes recorded since the last batch, then hand out what is
    due: new deliveries, retries, and attempts a crashed worker left unfinished."""
    dispatch.batch_dispatch()
    for delivery in dispatch.due_take(WebhookDelivery):
        deliver_webhook.delay(delivery.pk, delivery.attempts)
    for digest in dispatch.due_take(Digest):
        send_digest.delay(digest.pk, digest.attempts)


@shared_task
def prune() -> None:
    """Hourly: forget the outbox's settled rows older than ALERTS_KEEP_DAYS."""
    dispatch.outbox_prune()


@shared_task
def deliver_webhook(delivery_id: int, attempt: int) -> None:
    """POST one event to one endpoint: accepted on a 2xx answer, tried again otherwise."""
    delivery = (
        WebhookDelivery.objects.select_related("endpoint__owner", "event")
        .filter(pk=delivery_id, attempts=attempt, status=WebhookDelivery.Status.PENDING)
        .first()
    )
    if delivery is None:  # done, or handed out again since
        return
    try:
        status = webhooks.post(delivery)
    except (UnsafeURL, OSError) as error:
        dispatch.attempt_failed(delivery, str(error) or type(error).__name__)
        return
    if 200 <= status < 300:
        dispatch.attempt_succeeded(delivery, last_status_code=status)
    else:
        dispatch.attempt_failed(delivery, f"HTTP {status}", last_status_code=status)


@shared_task
def send_digest(digest_id: int, attempt: int) -> None:
    """Mail one digest; tried again if the mail server refuses it or cannot be reached."""
    digest = (
        Digest.objects.select_related("subscriber")
        .filter(pk=digest_id, attempts=attempt, status=Digest.Status.PENDING)
        .first()
    )
    if digest is None:
        return
    try:
        mail.digest_send(digest)
    except (smtplib.SMTPException, OSError) as error:
        dispatch.attempt_failed(digest, str(error) or type(error).__name__)
        return
    dispatch.attempt_succeeded(digest)
