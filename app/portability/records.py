"""The neutral records every importer yields, and the error that ends an import."""

from __future__ import annotations

import html
from dataclasses import dataclass, field
from datetime import UTC, datetime

from app.models import BodyFormat, CommentStatus


class ImportFailure(Exception):
    """The input cannot be imported; ``str()`` is one line saying what is wrong and where."""

    def __init__(self, where: str, problem: str) -> None:
        super().__init__(f"{where}: {problem}")


@dataclass(slots=True)
class SourceArticle:
    ref: str  # the source's id of the thread, unique within one file
    key: str  # the Parley article key: the source's identifier, or its URL
    title: str | None = None
    url: str | None = None
    closed: bool = False
    created_at: datetime | None = None
    premod: bool | None = None


@dataclass(slots=True)
class SourceAuthor:
    name: str | None = None
    email: str | None = None
    ip: str | None = None
    guest_key: str | None = None  # Parley's own export: the guest's hashed browser id


@dataclass(slots=True)
class SourceComment:
    ref: str  # the source's id of the comment, unique within one file
    article_ref: str
    parent_ref: str | None
    author: SourceAuthor
    body: str
    body_format: BodyFormat
    status: CommentStatus
    created_at: datetime
    where: str  # "record 12 (dsq:id=...)": where it is in the file, for messages
    edited_at: datetime | None = None
    score: int = 0
    featured: bool = False
    reasons: list[str] = field(default_factory=list)


@dataclass(slots=True)
class SourceReaction:
    article_ref: str
    reactor: str  # the one-per-reader key: "u:<account id>", "g:<guest key>", ...
    account_email: str | None  # for "u:" keys, when known: the account is found by it
    kind: str
    created_at: datetime


@dataclass(slots=True)
class SourceVote:
    comment_ref: str
    voter: str
    account_email: str | None
    value: int
    created_at: datetime


@dataclass(slots=True)
class SourceAuditEntry:
    comment_ref: str
    action: str
    actor_email: str | None  # None: a rule decided, or the actor's account is not known here
    reason: str | None
    before_status: str | None
    after_status: str | None
    created_at: datetime


@dataclass(slots=True)
class Skipped:
    """A record the source holds that is not imported, and why."""

    kind: str
    reason: str


def parse_time(value: str | None, where: str, name: str) -> datetime | None:
    """An ISO 8601 time (``Z``, offsets and up to nine fractional digits accepted) in UTC.

    A time without a zone is read as UTC. Raises ImportFailure for text that is not a time.
    """
    if value is None or not value.strip():
        return None
    text = value.strip().replace(" ", "T", 1)
    if text.endswith(("Z", "z")):
        text = text[:-1] + "+00:00"
    # Go and others write nanoseconds; Python reads at most microseconds.
    head, dot, rest = text.partition(".")
    if dot:
        digits = len(rest) - len(rest.lstrip("0123456789"))
        rest = rest[: min(digits, 6)] + rest[digits:]
        text = f"{head}.{rest}"
    try:
        parsed = datetime.fromisoformat(text)
    except ValueError:
        raise ImportFailure(
            where, f"{name} {value.strip()[:40]!r} is not a date and time"
        ) from None
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=UTC)
    try:
        return parsed.astimezone(UTC)
    except OverflowError:  # e.g. 0001-01-01T00:00:00+01:00 is in the year 0 in UTC
        raise ImportFailure(
            where, f"{name} {value.strip()[:40]!r} is out of the range of dates"
        ) from None


def parse_flag(value: str | None) -> bool:
    return (value or "").strip().lower() in ("true", "1", "yes")


def unescaped(value: str | None) -> str | None:
    """Text a source stored HTML-escaped (``Tom &amp; Jerry``, ``&lt;3``, ``&#8217;``) as the
    characters it stands for: Parley keeps names and titles as plain text and escapes them
    where it shows them, so an entity kept as written would show as ``&amp;``."""
    return html.unescape(value) if value else value
