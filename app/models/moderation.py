"""Bans and the audit log of moderation decisions."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from app.extensions import db
from app.limits import AUDIT_ACTION_NAME_MAX, AUDIT_REASON_MAX, IP_MAX
from app.models.types import CreatedAt, PrimaryKey, UTCDateTime


class Ban(db.Model):
    """Keeps an author from posting: a user, or a guest by browser key or IP.

    ``site_id`` None: every site. ``expires_at`` None: until lifted (a suspension has one).
    """

    __tablename__ = "bans"

    id: Mapped[PrimaryKey]
    site_id: Mapped[int | None] = mapped_column(ForeignKey("sites.id", ondelete="CASCADE"))
    user_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), index=True
    )
    guest_key: Mapped[str | None] = mapped_column(String(64), index=True)
    ip: Mapped[str | None] = mapped_column(String(IP_MAX), index=True)
    reason: Mapped[str | None] = mapped_column(String(AUDIT_REASON_MAX))
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[CreatedAt]
    expires_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class AuditEntry(db.Model):
    """One moderation decision, by a person (``actor_id``) or by a rule (``actor_id`` None)."""

    __tablename__ = "audit_log"
    __table_args__ = (Index("ix_audit_log_site_created", "site_id", "created_at"),)

    id: Mapped[PrimaryKey]
    site_id: Mapped[int | None] = mapped_column(ForeignKey("sites.id", ondelete="CASCADE"))
    comment_id: Mapped[int | None] = mapped_column(
        ForeignKey("comments.id", ondelete="SET NULL"), index=True
    )
    target_user_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), index=True
    )
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    action: Mapped[str] = mapped_column(String(AUDIT_ACTION_NAME_MAX))
    reason: Mapped[str | None] = mapped_column(String(AUDIT_REASON_MAX))
    before_status: Mapped[str | None] = mapped_column(String(16))
    after_status: Mapped[str | None] = mapped_column(String(16))
    created_at: Mapped[CreatedAt]
