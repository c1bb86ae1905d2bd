"""Webhooks of a site and their deliveries (docs/webhooks.md)."""

from __future__ import annotations

import enum
from datetime import datetime
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.extensions import db
from app.limits import WEBHOOK_SECRET_MAX, WEBHOOK_URL_MAX
from app.models.site import Site
from app.models.types import CreatedAt, PrimaryKey, UTCDateTime, stored_by_value


class DeliveryStatus(enum.StrEnum):
    PENDING = "pending"  # waiting for its first attempt or a retry
    SUCCEEDED = "succeeded"  # the receiver answered 2xx
    FAILED = "failed"  # out of attempts (or the webhook was disabled or removed meanwhile)


class Webhook(db.Model):
    """A receiver of a site's comment events, signed with ``secret`` (and, during a rotation,
    ``previous_secret`` until ``previous_secret_until``).

    Secrets are stored as given: signing needs them in clear (HMAC), like any Standard
    Webhooks sender. They are never shown back in full (the CLI and dashboard show a prefix).
    """

    __tablename__ = "webhooks"

    id: Mapped[PrimaryKey]
    site_id: Mapped[int] = mapped_column(ForeignKey("sites.id", ondelete="CASCADE"), index=True)
    url: Mapped[str] = mapped_column(String(WEBHOOK_URL_MAX))
    secret: Mapped[str] = mapped_column(String(WEBHOOK_SECRET_MAX))
    previous_secret: Mapped[str | None] = mapped_column(String(WEBHOOK_SECRET_MAX))
    previous_secret_until: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # The event names it receives (app.services.comment_events.EVENTS).
    events: Mapped[list[str]] = mapped_column(JSON, default=list)
    enabled: Mapped[bool] = mapped_column(Boolean, default=True)
    # Failed attempts in a row (any success resets it); at the limit the webhook is disabled.
    consecutive_failures: Mapped[int] = mapped_column(Integer, default=0)
    disabled_reason: Mapped[str | None] = mapped_column(String(300))
    disabled_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[CreatedAt]

    site: Mapped[Site] = relationship()

    def __repr__(self) -> str:
        return f"<Webhook {self.id} {self.url}>"


class WebhookDelivery(db.Model):
    """One event for one webhook: the body frozen when it was made, and its latest outcome.

    ``event_id`` is the ``webhook-id`` header: the same on every retry and redelivery.
    ``claimed_until`` marks an attempt in progress, so two workers never send it at once.
    """

    __tablename__ = "webhook_deliveries"
    __table_args__ = (
        UniqueConstraint("webhook_id", "event_id"),
        Index("ix_webhook_deliveries_webhook_created", "webhook_id", "created_at"),
    )

    id: Mapped[PrimaryKey]
    webhook_id: Mapped[int] = mapped_column(ForeignKey("webhooks.id", ondelete="CASCADE"))
    event_id: Mapped[str] = mapped_column(String(64))
    event_type: Mapped[str] = mapped_column(String(32))
    payload: Mapped[dict[str, Any]] = mapped_column(JSON)
    status: Mapped[DeliveryStatus] = mapped_column(
        stored_by_value(DeliveryStatus), default=DeliveryStatus.PENDING
    )
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    # Attempts since it was last (re)started: retries stop at the configured number.
    round_attempts: Mapped[int] = mapped_column(Integer, default=0)
    last_response_code: Mapped[int | None] = mapped_column(Integer)
    last_latency_ms: Mapped[int | None] = mapped_column(Integer)
    last_error: Mapped[str | None] = mapped_column(Text)
    next_attempt_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    claimed_until: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[CreatedAt]
    last_attempt_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    delivered_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    webhook: Mapped[Webhook] = relationship()
