"""Column types and enums shared by the models."""

from __future__ import annotations

import enum
from datetime import UTC, datetime
from typing import Annotated, Any

from sqlalchemy import DateTime, Dialect, Enum
from sqlalchemy.orm import mapped_column
from sqlalchemy.types import TypeDecorator

# Primary keys are INTEGER columns: 32-bit signed on PostgreSQL (64-bit on SQLite). An id outside
# 1..RECORD_ID_MAX names no row on any backend, and must never reach the database (PostgreSQL and
# the SQLite driver both raise on it).
from app.limits import RECORD_ID_MAX


def is_record_id(value: Any) -> bool:
    """True for an int (not a bool) that can be a primary key: 1 to RECORD_ID_MAX."""
    return isinstance(value, int) and not isinstance(value, bool) and 1 <= value <= RECORD_ID_MAX


def utcnow() -> datetime:
    """The current time, UTC-aware. Used as a callable column default."""
    return datetime.now(UTC)


class UTCDateTime(TypeDecorator[datetime]):
    """A timestamp stored in UTC and always read back timezone-aware.

    SQLite has no time zones: values are stored as naive UTC and given ``UTC`` on the way out,
    so code never compares naive and aware datetimes.
    """

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> Any:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given where a UTC-aware one is required")
        value = value.astimezone(UTC)
        if dialect.name == "sqlite":
            return value.replace(tzinfo=None)
        return value

    def process_result_value(self, value: Any, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value.astimezone(UTC)


# Columns every model declares alike, as annotated types: ``id: Mapped[PrimaryKey]``.
PrimaryKey = Annotated[int, mapped_column(primary_key=True)]
CreatedAt = Annotated[datetime, mapped_column(UTCDateTime, default=utcnow)]


def stored_by_value(kind: type[enum.Enum]) -> Enum:
    """A column type for the enum ``kind`` that stores each member's value (``"approved"``,
    not the name ``APPROVED``) in a VARCHAR(16), with no database ENUM type."""
    return Enum(kind, native_enum=False, length=16, values_callable=lambda e: [m.value for m in e])


class Role(enum.StrEnum):
    READER = "reader"
    MODERATOR = "moderator"
    ADMIN = "admin"


class UserStatus(enum.StrEnum):
    ACTIVE = "active"
    BANNED = "banned"
    # The reader deleted their account: the row stays, anonymized, so their kept comments read
    # "[deleted user]" and the id is never given to anyone else (app.services.reader_data).
    DELETED = "deleted"


class CommentStatus(enum.StrEnum):
    PENDING = "pending"
    APPROVED = "approved"
    REJECTED = "rejected"
    SPAM = "spam"
    DELETED = "deleted"


# Removed comments never show their text; with shown replies they are placeholders.
REMOVED_STATUSES = frozenset({CommentStatus.REJECTED, CommentStatus.SPAM, CommentStatus.DELETED})


class BodyFormat(enum.StrEnum):
    """What a comment's ``body_source`` is: Markdown typed in Parley, or HTML from an import."""

    MARKDOWN = "markdown"
    HTML = "html"


class ReportReason(enum.StrEnum):
    SPAM = "spam"
    ABUSE = "abuse"
    OFF_TOPIC = "off_topic"
    OTHER = "other"


class ReactionKind(enum.StrEnum):
    LIKE = "like"
    LOVE = "love"
    HAHA = "haha"
    WOW = "wow"
    SAD = "sad"
    ANGRY = "angry"
