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
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from app.extensions import db
from app.limits import EMAIL_MAX
from app.models.types import UTCDateTime, utcnow


class ReplySubscription(db.Model):
    __tablename__ = "reply_subscriptions"

    id: Mapped[int] = mapped_column(primary_key=True)
    comment_id: Mapped[int] = mapped_column(
        ForeignKey("comments.id", ondelete="CASCADE"), unique=True
    )
    email: Mapped[str] = mapped_column(String(EMAIL_MAX), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    confirmation_sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    confirmed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    unsubscribed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    @property
    def active(self) -> bool:
        return self.confirmed_at is not None and self.unsubscribed_at is None


class ReplyMailBatch(db.Model):
    __tablename__ = "reply_mail_batches"
    __table_args__ = (UniqueConstraint("recipient", "thread_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    recipient: Mapped[str] = mapped_column(String(40))
    thread_id: Mapped[int] = mapped_column(Integer)
    last_sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class ReplyNotice(db.Model):
    __tablename__ = "reply_notices"

    id: Mapped[int] = mapped_column(primary_key=True)
    reply_id: Mapped[int] = mapped_column(
        ForeignKey("comments.id", ondelete="CASCADE"), unique=True
    )
    batch_id: Mapped[int] = mapped_column(
        ForeignKey("reply_mail_batches.id", ondelete="CASCADE"), index=True
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # When it was mailed, or dropped (the reader turned reply e-mails off, the reply went away).
    done_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class AuthorAlert(db.Model):
    __tablename__ = "author_alerts"

    id: Mapped[int] = mapped_column(primary_key=True)
    comment_id: Mapped[int] = mapped_column(
        ForeignKey("comments.id", ondelete="CASCADE"), unique=True
    )
    sent_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
