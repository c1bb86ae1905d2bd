"""What reply e-mails and alerts need to remember: guests' opt-ins, and what was sent.

* ``ReplySubscription``: a guest who left an address on a comment and asked for reply e-mails
  (``notify_replies``). Nothing is mailed to it but the confirmation link until
  ``confirmed_at`` is set by following that link; ``unsubscribed_at`` ends it.
* ``ReplyMailBatch``: one recipient in one thread (``recipient`` is ``u<user id>`` or
  ``s<subscription id>``, never an address) and when it was last mailed, so a burst of replies
  makes one e-mail at once and one more when the batching window ends.
* ``ReplyNotice``: one reply that is (or will be) announced to its parent's author; unique per
  reply, so a retried job or a second approval never announces it twice.
* ``AuthorAlert``: a held comment whose author was told it was approved (once).
* ``ModeratorAlert`` / ``ModeratorAlertItem``: a moderator's alert frequency per site, and the
  queue items they were (or will be, in a digest) told about.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from app.extensions import db
from app.limits import EMAIL_MAX
from app.models.types import CreatedAt, PrimaryKey, UTCDateTime, utcnow


class ReplySubscription(db.Model):
    __tablename__ = "reply_subscriptions"

    id: Mapped[PrimaryKey]
    comment_id: Mapped[int] = mapped_column(
        ForeignKey("comments.id", ondelete="CASCADE"), unique=True
    )
    email: Mapped[str] = mapped_column(String(EMAIL_MAX), index=True)
    created_at: Mapped[CreatedAt]
    # When the confirmation was sent, or withheld (app.services.reply_subscriptions).
    confirmation_sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    confirmed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    unsubscribed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    @property
    def active(self) -> bool:
        return self.confirmed_at is not None and self.unsubscribed_at is None


class ReplyMailBatch(db.Model):
    __tablename__ = "reply_mail_batches"
    __table_args__ = (UniqueConstraint("recipient", "thread_id"),)

    id: Mapped[PrimaryKey]
    recipient: Mapped[str] = mapped_column(String(40))
    thread_id: Mapped[int] = mapped_column(Integer)
    last_sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class ReplyNotice(db.Model):
    __tablename__ = "reply_notices"

    id: Mapped[PrimaryKey]
    reply_id: Mapped[int] = mapped_column(
        ForeignKey("comments.id", ondelete="CASCADE"), unique=True
    )
    batch_id: Mapped[int] = mapped_column(
        ForeignKey("reply_mail_batches.id", ondelete="CASCADE"), index=True
    )
    created_at: Mapped[CreatedAt]
    # When it was mailed, or dropped (the reader turned reply e-mails off, the reply went away).
    done_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class AuthorAlert(db.Model):
    __tablename__ = "author_alerts"

    id: Mapped[PrimaryKey]
    comment_id: Mapped[int] = mapped_column(
        ForeignKey("comments.id", ondelete="CASCADE"), unique=True
    )
    sent_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class ModeratorAlert(db.Model):
    """How often a moderator wants to hear of new items in one site's pending and reported
    queues: ``off``, ``immediately``, ``hourly`` or ``daily`` (app.services.moderator_alerts)."""

    __tablename__ = "moderator_alerts"
    __table_args__ = (UniqueConstraint("user_id", "site_id"),)

    id: Mapped[PrimaryKey]
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    site_id: Mapped[int] = mapped_column(ForeignKey("sites.id", ondelete="CASCADE"))
    frequency: Mapped[str] = mapped_column(String(16))
    last_digest_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class ModeratorAlertItem(db.Model):
    """One queue item a moderator is (or will be, in a digest) told about; unique, so an item is
    announced once per moderator and queue."""

    __tablename__ = "moderator_alert_items"
    __table_args__ = (UniqueConstraint("alert_id", "comment_id", "queue"),)

    id: Mapped[PrimaryKey]
    alert_id: Mapped[int] = mapped_column(
        ForeignKey("moderator_alerts.id", ondelete="CASCADE"), index=True
    )
    comment_id: Mapped[int] = mapped_column(ForeignKey("comments.id", ondelete="CASCADE"))
    queue: Mapped[str] = mapped_column(String(16))
    created_at: Mapped[CreatedAt]
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
