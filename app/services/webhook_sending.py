"""Sending one webhook delivery: claim it, check the address, sign, POST, record the outcome.

Signatures follow the Standard Webhooks specification through its reference library
(``standardwebhooks``): ``webhook-signature`` is ``v1,`` + base64(HMAC-SHA256(secret's UTF-8
bytes, "{id}.{timestamp}.{body}")), one per valid secret, space-separated during a rotation.

A delivery is claimed with one conditional UPDATE (pending and not claimed by a live attempt),
so two workers given the same delivery send it once; a delivery that succeeded is never sent
again. The receiver's host is resolved and checked right before connecting, and the connection
goes to that checked address (the Host header and TLS name stay the URL's), so a DNS answer that
changed since the webhook was added cannot point a delivery at a private address.
"""

from __future__ import annotations

import http.client
import json
import logging
import socket
import ssl
import time
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import or_, select, update
from standardwebhooks import Webhook as Signer

from app.extensions import db
from app.models import (
    Article,
    Comment,
    DeliveryStatus,
    Role,
    User,
    Webhook,
    WebhookDelivery,
    utcnow,
)
from app.services.errors import ValidationError
from app.services.webhooks import Destination, resolve_destination, signing_secrets

log = logging.getLogger(__name__)
TIMEOUT_SECONDS = 10
CLAIM_SECONDS = TIMEOUT_SECONDS + 20  # an attempt in progress; a lost worker's claim expires
RESPONSE_READ_BYTES = 4096
ERROR_KEPT_CHARS = 500
USER_AGENT = "Parley-Webhooks/1"


def body_of(payload: dict[str, Any]) -> str:
    """The exact text POSTed and signed (compact JSON, UTF-8)."""
    return json.dumps(payload, ensure_ascii=False, separators=(",", ":"))


def signature(event_id: str, timestamp: int, body: str, secrets: list[str]) -> str:
    """The ``webhook-signature`` header: one ``v1,...`` per secret, space-separated."""
    moment = datetime.fromtimestamp(timestamp, UTC)
    return " ".join(
        Signer(secret.encode("utf-8")).sign(event_id, moment, body) for secret in secrets
    )


def connect_checked(destination: Destination, timeout: float) -> socket.socket:
    """A connection to the first of the checked addresses that answers (IPv6 and IPv4 alike)."""
    failure: OSError | None = None
    for address in destination.addresses:
        try:
            return socket.create_connection((address, destination.port), timeout)
        except OSError as error:
            failure = error
    raise failure or OSError("no address to connect to")


class PinnedHTTPConnection(http.client.HTTPConnection):
    """HTTP to the checked addresses only, whatever the Host header says."""

    def __init__(self, destination: Destination, timeout: float) -> None:
        super().__init__(destination.host, destination.port, timeout=timeout)
        self.destination = destination

    def connect(self) -> None:
        self.sock = connect_checked(self.destination, self.timeout)


class PinnedHTTPSConnection(http.client.HTTPSConnection):
    """HTTPS to the checked addresses only, the certificate checked against the URL's name."""

    def __init__(self, destination: Destination, timeout: float) -> None:
        super().__init__(
            destination.host,
            destination.port,
            timeout=timeout,
            context=ssl.create_default_context(),
        )
        self.destination = destination

    def connect(self) -> None:
        sock = connect_checked(self.destination, self.timeout)
        self.sock = self._context.wrap_socket(sock, server_hostname=self.host)  # type: ignore[attr-defined]


def post(destination: Destination, body: str, headers: dict[str, str]) -> int:
    """POST ``body`` and return the status code (OSError/HTTPException on failure)."""
    kind = PinnedHTTPSConnection if destination.scheme == "https" else PinnedHTTPConnection
    connection = kind(destination, TIMEOUT_SECONDS)
    deadline = time.monotonic() + TIMEOUT_SECONDS
    try:
        connection.request("POST", destination.target, body.encode("utf-8"), headers)
        response = connection.getresponse()
        response.read(RESPONSE_READ_BYTES)  # a receiver's answer is not kept beyond its code
        if time.monotonic() > deadline:
            raise TimeoutError(f"no answer within {TIMEOUT_SECONDS} s")
        return response.status
    finally:
        connection.close()


@dataclass(frozen=True, slots=True)
class Attempt:
    """What one run did: ``skipped`` (not pending, claimed elsewhere, or nothing to do),
    ``succeeded``, ``retry`` (failed, another attempt will come) or ``failed`` (for good).
    ``disabled`` is the webhook this attempt disabled, for the caller to alert admins."""

    outcome: str
    disabled: Webhook | None = None


def claim(delivery_id: int, now: datetime) -> bool:
    """Take the delivery for one attempt; False if it is done or another attempt holds it."""
    table = WebhookDelivery.__table__
    claimed = db.session.execute(
        update(table)
        .where(
            table.c.id == delivery_id,
            table.c.status == DeliveryStatus.PENDING.value,
            or_(table.c.claimed_until.is_(None), table.c.claimed_until < now),
        )
        .values(claimed_until=now + timedelta(seconds=CLAIM_SECONDS))
    )
    db.session.commit()
    return claimed.rowcount == 1  # type: ignore[attr-defined]


def attempt_delivery(
    delivery_id: int,
    *,
    allow_private: bool,
    retry_in: float | None,
    disable_after: int,
) -> Attempt:
    """Make one attempt at the delivery, if it is still pending and unclaimed.

    ``retry_in``: seconds until the next attempt should this one fail (None: this is the last).
    After ``disable_after`` failed attempts in a row the webhook is disabled (its pending
    deliveries then fail when their turn comes). Two commits: the claim, then the outcome.
    """
    now = utcnow()
    if not claim(delivery_id, now):
        return Attempt("skipped")
    # As the database has them now: the claim was written past the ORM, and a worker's
    # session may hold these rows from an earlier job.
    delivery = db.session.get(WebhookDelivery, delivery_id, populate_existing=True)
    if delivery is None:
        return Attempt("skipped")
    webhook = delivery.webhook
    db.session.refresh(webhook)
    if not webhook.enabled:
        _finish(delivery, DeliveryStatus.FAILED, error="the webhook is disabled")
        return Attempt("failed")
    code, error, started, refused = None, None, time.monotonic(), False
    try:
        destination = resolve_destination(webhook.url, allow_private)
        timestamp = int(now.timestamp())
        body = body_of(delivery.payload)
        headers = {
            "Content-Type": "application/json",
            "User-Agent": USER_AGENT,
            "webhook-id": delivery.event_id,
            "webhook-timestamp": str(timestamp),
            "webhook-signature": signature(
                delivery.event_id, timestamp, body, signing_secrets(webhook, now)
            ),
        }
        code = post(destination, body, headers)
        if not 200 <= code < 300:
            error = f"the receiver answered {code}"
    except ValidationError as refusal:  # a private address: not retried, the admin must act
        error, refused = refusal.message, True
    except (OSError, http.client.HTTPException) as failure:
        error = f"{type(failure).__name__}: {failure}" if str(failure) else type(failure).__name__
    except Exception as failure:  # noqa: BLE001 - recorded, so the delivery is not left claimed
        log.exception("webhook delivery %s failed unexpectedly", delivery_id)
        error = f"{type(failure).__name__}: {failure}"
    latency = round((time.monotonic() - started) * 1000)
    delivery.attempts += 1
    delivery.round_attempts += 1
    delivery.last_attempt_at = now
    delivery.last_response_code = code
    delivery.last_latency_ms = latency
    if error is None:
        webhook.consecutive_failures = 0
        delivery.delivered_at = utcnow()
        _finish(delivery, DeliveryStatus.SUCCEEDED)
        return Attempt("succeeded")
    disabled = _count_failure(webhook, disable_after)
    if retry_in is None or disabled is not None or refused:
        _finish(delivery, DeliveryStatus.FAILED, error=error)
        return Attempt("failed", disabled)
    delivery.next_attempt_at = utcnow() + timedelta(seconds=retry_in)
    _finish(delivery, DeliveryStatus.PENDING, error=error)
    return Attempt("retry")


def _count_failure(webhook: Webhook, disable_after: int) -> Webhook | None:
    """One more failed attempt in a row, counted in the database (workers run in parallel);
    the webhook if this attempt is the one that disabled it (exactly one attempt is)."""
    table = Webhook.__table__
    db.session.execute(
        update(table)
        .where(table.c.id == webhook.id)
        .values(consecutive_failures=table.c.consecutive_failures + 1)
    )
    now = utcnow()
    disabled = db.session.execute(
        update(table)
        .where(
            table.c.id == webhook.id,
            table.c.enabled.is_(True),
            table.c.consecutive_failures >= disable_after,
        )
        .values(
            enabled=False,
            disabled_at=now,
            disabled_reason=f"{disable_after} failed attempts in a row",
        )
    )
    db.session.refresh(webhook)
    if disabled.rowcount != 1:  # type: ignore[attr-defined]
        return None
    log.warning(
        "webhook %s of site %s (%s) disabled after %s failed attempts in a row",
        webhook.id,
        webhook.site.slug,
        webhook.url,
        webhook.consecutive_failures,
    )
    return webhook


def _finish(delivery: WebhookDelivery, status: DeliveryStatus, error: str | None = None) -> None:
    delivery.status = status
    delivery.last_error = error[:ERROR_KEPT_CHARS] if error else None
    delivery.claimed_until = None
    if status != DeliveryStatus.PENDING:
        delivery.next_attempt_at = None
    db.session.commit()


def admins_to_alert() -> list[User]:
    """Admins with a verified address (the ones mail may go to)."""
    return list(
        db.session.scalars(
            select(User).where(User.role == Role.ADMIN, User.email_verified_at.is_not(None))
        )
    )


def disabled_webhooks(site_ids: list[int] | None = None) -> list[Webhook]:
    """Webhooks disabled by failures, for the dashboard's notice (``None``: every site)."""
    query = select(Webhook).where(Webhook.enabled.is_(False), Webhook.disabled_at.is_not(None))
    if site_ids is not None:
        query = query.where(Webhook.site_id.in_(site_ids))
    return list(db.session.scalars(query.order_by(Webhook.id)))


def subscribed_webhooks(site_id: int, event_type: str) -> list[Webhook]:
    """The site's enabled webhooks that receive ``event_type``."""
    hooks = db.session.scalars(
        select(Webhook)
        .where(Webhook.site_id == site_id, Webhook.enabled.is_(True))
        .execution_options(populate_existing=True)
    )
    return [hook for hook in hooks if event_type in hook.events]


def event_has_receivers(event_type: str, comment: Comment) -> bool:
    """Whether an enabled webhook of the comment's site receives ``event_type``: asked before
    the event's commit, so that an event nobody receives costs no background job."""
    site_id = select(Article.site_id).where(Article.id == comment.article_id).scalar_subquery()
    subscribed = db.session.scalars(
        select(Webhook.events).where(Webhook.site_id == site_id, Webhook.enabled.is_(True))
    )
    return any(event_type in (events or ()) for events in subscribed)


def record_deliveries(
    webhooks: list[Webhook], event_id: str, event_type: str, payload: dict[str, Any]
) -> list[int]:
    """One pending delivery per webhook for the event (idempotent: a webhook that already has
    this event keeps its row); the ids of the deliveries still pending."""
    existing = {
        row.webhook_id: row
        for row in db.session.scalars(
            select(WebhookDelivery).where(WebhookDelivery.event_id == event_id)
        )
    }
    for webhook in webhooks:
        if webhook.id not in existing:
            row = WebhookDelivery(
                webhook_id=webhook.id,
                event_id=event_id,
                event_type=event_type,
                payload=payload,
                status=DeliveryStatus.PENDING,
                attempts=0,
                round_attempts=0,
                next_attempt_at=utcnow(),
            )
            db.session.add(row)
            existing[webhook.id] = row
    db.session.commit()
    return [row.id for row in existing.values() if row.status == DeliveryStatus.PENDING]
