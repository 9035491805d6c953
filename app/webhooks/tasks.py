"""Sending webhook deliveries; RQ retries a failed one with back-off
(WEBHOOK_RETRY_INTERVALS), and the delivery log records every attempt's outcome."""

from __future__ import annotations

import time

from rq import get_current_job

from app.extensions import db
from app.models import DeliveryStatus, WebhookDelivery, utcnow
from app.webhooks import sending
from app.webhooks.service import WebhookError, resolve, sign
from app.worker import task

USER_AGENT = "Yunpin-Webhooks/1"


class DeliveryFailed(Exception):
    """The receiver did not answer 2xx: RQ retries the job while it has retries left."""


@task
def deliver(delivery_id: int) -> str:
    delivery = db.session.get(WebhookDelivery, delivery_id)
    if delivery is None or delivery.status != DeliveryStatus.PENDING:
        return "nothing to do"
    hook = delivery.webhook
    if hook.deleted_at is not None:
        return finish(delivery, DeliveryStatus.FAILED, None, "webhook deleted")
    url, secret, event, body = hook.url, hook.secret, delivery.event, delivery.body.encode()
    db.session.commit()  # no lock is held while the receiver answers

    try:
        _host, port, addresses = resolve(url)
    except WebhookError as refusal:  # not worth retrying: the address is refused
        return finish(delivery_id, DeliveryStatus.FAILED, None, str(refusal))
    headers = {
        "Content-Type": "application/json",
        "User-Agent": USER_AGENT,
        "Yunpin-Event": event,
        "Yunpin-Signature": sign(secret, int(time.time()), body),
    }
    answer = sending.post(url, addresses[0], port, headers, body)
    if answer.status is not None and 200 <= answer.status < 300:
        return finish(delivery_id, DeliveryStatus.DELIVERED, answer.status, "")
    error = answer.error or f"HTTP {answer.status}"
    job = get_current_job()
    last = job is None or not job.retries_left
    status = DeliveryStatus.FAILED if last else DeliveryStatus.PENDING
    finish(delivery_id, status, answer.status, error)
    if not last:
        raise DeliveryFailed(error)
    return error


def finish(
    delivery: WebhookDelivery | int,
    status: DeliveryStatus,
    response_status: int | None,
    error: str,
) -> str:
    """Record one attempt on the delivery (in a fresh transaction) and return a summary."""
    if isinstance(delivery, int):
        delivery = db.session.get(WebhookDelivery, delivery)
    delivery.attempts += 1
    delivery.last_attempt_at = utcnow()
    delivery.status = status
    delivery.response_status = response_status
    delivery.error = error[:300]
    if status == DeliveryStatus.DELIVERED:
        delivery.delivered_at = delivery.last_attempt_at
    db.session.commit()
    return f"{status.value} after {delivery.attempts} attempt(s)"
