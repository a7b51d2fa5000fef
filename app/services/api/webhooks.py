"""Webhooks: a case's status changes pushed to the agencies whose data scope holds it.

The outbox: ``workflow.apply`` calls :func:`enqueue` in the transaction of the move, which writes one
``webhook_delivery`` row per client (unique per client and case event: never two for the same move).
:func:`deliver_due` (``flask portal deliver-webhooks``, from cron or the scheduler) posts each row,
signed with HMAC-SHA256 over ``<timestamp>.<body>`` with the client's webhook secret:

    X-Portal-Signature: t=1767225600,v1=<hex>
    X-Portal-Delivery: <the event's id, the same on every retry>

A row is claimed (its next attempt pushed out by a lease) before the post, so two deliverers never post
it both; a 2xx answer marks it delivered, anything else is retried after 1, 2, 4 ... minutes (at most
``WEBHOOK_MAX_ATTEMPTS`` tries, then it is marked failed and shown to staff).
"""

import datetime
import hashlib
import hmac
import json
import logging
import urllib.error
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass

from flask import current_app
from sqlalchemy import select, update

from app import clock
from app.extensions import db
from app.models import ApiClient, Application, ApplicationEvent, WebhookDelivery
from app.services.api import clients
from app.services.unit_of_work import unit_of_work

log = logging.getLogger(__name__)

LEASE = datetime.timedelta(minutes=5)
DEFAULT_MAX_ATTEMPTS = 8
TIMEOUT_SECONDS = 10


def enqueue(application: Application, event: ApplicationEvent) -> int:
    """One outbox row per subscribed client that may see the case; the caller's transaction commits them."""
    if not application.number:
        return 0
    subscribers = [
        client
        for client in db.session.scalars(
            select(ApiClient).where(ApiClient.revoked_at.is_(None), ApiClient.webhook_url != "")
        )
        if clients.has_scope(client, clients.CASES_READ) and clients.case_in_scope(application, client)
    ]
    if not subscribers:
        return 0
    if event.id is None:
        db.session.flush()
    moment = event.created_at or clock.now()
    for client in subscribers:
        key = f"case-event-{event.id}"
        payload = {
            "id": key,
            "type": "case.status_changed",
            "occurred_at": moment.replace(tzinfo=datetime.UTC).isoformat().replace("+00:00", "Z"),
            "case": {
                "number": application.number,
                "item_code": application.item.code if application.item else "",
                "province": application.province,
                "status": event.to_status,
                "previous_status": event.from_status,
                "action": event.action,
            },
        }
        db.session.add(
            WebhookDelivery(
                client_id=client.id,
                event_key=key,
                payload=json.dumps(payload, ensure_ascii=False, separators=(",", ":"), sort_keys=True),
                next_attempt_at=clock.now(),
            )
        )
    return len(subscribers)


def signature(secret: str, timestamp: int, body: bytes) -> str:
    return hmac.new(secret.encode(), str(timestamp).encode() + b"." + body, hashlib.sha256).hexdigest()


def post(url: str, body: bytes, headers: dict) -> int:
    """POST ``body``; the HTTP status (0: no answer)."""
    request = urllib.request.Request(url, data=body, headers=headers, method="POST")  # noqa: S310 - http(s) only
    try:
        with urllib.request.urlopen(request, timeout=TIMEOUT_SECONDS) as response:  # noqa: S310
            return response.status
    except urllib.error.HTTPError as error:
        return error.code
    except (urllib.error.URLError, OSError, ValueError) as error:
        log.info("Webhook to %s not answered: %s", url, error)
        return 0


@dataclass
class DeliveryReport:
    delivered: int = 0
    retried: int = 0
    failed: int = 0

    def __str__(self) -> str:
        return f"webhooks delivered: {self.delivered}; to retry: {self.retried}; given up: {self.failed}"


def backoff(attempts: int) -> datetime.timedelta:
    return datetime.timedelta(minutes=min(2 ** (attempts - 1), 24 * 60))


def deliver_due(sender: Callable[[str, bytes, dict], int] | None = None) -> DeliveryReport:
    sender = sender or post
    max_attempts = int(current_app.config.get("WEBHOOK_MAX_ATTEMPTS", DEFAULT_MAX_ATTEMPTS))
    report = DeliveryReport()
    now = clock.now()
    due = db.session.scalars(
        select(WebhookDelivery.id)
        .where(
            WebhookDelivery.delivered_at.is_(None),
            WebhookDelivery.failed_at.is_(None),
            WebhookDelivery.next_attempt_at <= now,
        )
        .order_by(WebhookDelivery.id)
    ).all()
    for delivery_id in due:
        with unit_of_work():  # the claim, committed before the post
            claimed = db.session.execute(
                update(WebhookDelivery)
                .where(
                    WebhookDelivery.id == delivery_id,
                    WebhookDelivery.delivered_at.is_(None),
                    WebhookDelivery.failed_at.is_(None),
                    WebhookDelivery.next_attempt_at <= now,
                )
                .values(next_attempt_at=now + LEASE, attempts=WebhookDelivery.attempts + 1)
            ).rowcount
        if not claimed:
            continue
        delivery = db.session.get(WebhookDelivery, delivery_id)
        assert delivery is not None
        db.session.refresh(delivery)
        client = delivery.client
        if client.revoked_at is not None or not client.webhook_url:
            with unit_of_work():
                delivery.failed_at, delivery.last_error = now, "client revoked or without a webhook address"
            report.failed += 1
            continue
        body = delivery.payload.encode()
        timestamp = int(now.replace(tzinfo=datetime.UTC).timestamp())
        headers = {
            "Content-Type": "application/json; charset=utf-8",
            "User-Agent": "mohurd-portal-webhooks/1",
            "X-Portal-Delivery": delivery.event_key,
            "X-Portal-Signature": f"t={timestamp},v1={signature(client.webhook_secret, timestamp, body)}",
        }
        status = sender(client.webhook_url, body, headers)
        with unit_of_work():
            if 200 <= status < 300:
                delivery.delivered_at = clock.now()
                delivery.last_error = ""
                report.delivered += 1
            elif delivery.attempts >= max_attempts:
                delivery.failed_at = clock.now()
                delivery.last_error = f"HTTP {status}" if status else "no answer"
                report.failed += 1
            else:
                delivery.next_attempt_at = now + backoff(delivery.attempts)
                delivery.last_error = f"HTTP {status}" if status else "no answer"
                report.retried += 1
    return report
