"""Comments and what readers do to them: votes, reports, and article reactions."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import (
    JSON,
    Boolean,
    Float,
    ForeignKey,
    Index,
    Integer,
    SmallInteger,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.extensions import db
from app.limits import (
    ACTOR_KEY_MAX,
    AUTHOR_NAME_MAX,
    EMAIL_MAX,
    IP_MAX,
    REPORT_NOTE_MAX,
    SOURCE_REF_MAX,
)
from app.models.site import Article
from app.models.types import (
    BodyFormat,
    CommentStatus,
    CreatedAt,
    PrimaryKey,
    ReactionKind,
    ReportReason,
    UTCDateTime,
    stored_by_value,
)
from app.models.user import User


class Comment(db.Model):
    __tablename__ = "comments"
    __table_args__ = (
        # Top-level page of a thread: article, no parent, ordered by time.
        Index("ix_comments_article_top", "article_id", "parent_id", "status", "created_at"),
        # All replies under a page of top-level comments.
        Index("ix_comments_root", "root_id", "status"),
        Index("ix_comments_status_created", "status", "created_at"),
        # An imported comment's id in its source: importing the same file again adds nothing.
        UniqueConstraint("article_id", "source_ref"),
    )

    id: Mapped[PrimaryKey]
    article_id: Mapped[int] = mapped_column(ForeignKey("articles.id", ondelete="CASCADE"))
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("comments.id", ondelete="CASCADE"))
    # The top-level ancestor (itself for a top-level comment): one query loads a whole subtree.
    root_id: Mapped[int | None] = mapped_column(Integer)
    # The comment the author answered; differs from parent_id when the depth cap re-attached it.
    reply_to_id: Mapped[int | None] = mapped_column(Integer)
    depth: Mapped[int] = mapped_column(SmallInteger, default=0)

    user_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), index=True
    )
    guest_name: Mapped[str | None] = mapped_column(String(AUTHOR_NAME_MAX))
    # Private: never serialized to readers.
    guest_email: Mapped[str | None] = mapped_column(String(EMAIL_MAX))
    # SHA-256 of the guest's browser identity, so a guest can see and edit their own comments.
    guest_key: Mapped[str | None] = mapped_column(String(64), index=True)
    author_ip: Mapped[str | None] = mapped_column(String(IP_MAX))

    body_source: Mapped[str] = mapped_column(Text)
    body_html: Mapped[str] = mapped_column(Text)
    body_format: Mapped[BodyFormat] = mapped_column(
        stored_by_value(BodyFormat),
        default=BodyFormat.MARKDOWN,
        server_default=BodyFormat.MARKDOWN.value,
    )
    # "<source>:<id in the source>" for imported comments (see app.portability), else None.
    source_ref: Mapped[str | None] = mapped_column(String(SOURCE_REF_MAX))
    status: Mapped[CommentStatus] = mapped_column(
        stored_by_value(CommentStatus), default=CommentStatus.APPROVED
    )
    # Why the comment is held, e.g. ["premod"] or ["rule:link_count"]; shown to moderators.
    reasons: Mapped[list[str]] = mapped_column(JSON, default=list)
    featured: Mapped[bool] = mapped_column(Boolean, default=False)
    score: Mapped[int] = mapped_column(Integer, default=0)
    # The toxicity score from 0 to 1 (app.services.toxicity); None when it was not scored.
    toxicity: Mapped[float | None] = mapped_column(Float)
    report_count: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[CreatedAt]
    edited_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    article: Mapped[Article] = relationship()
    user: Mapped[User | None] = relationship()
    parent: Mapped[Comment | None] = relationship(remote_side="Comment.id")

    def __repr__(self) -> str:
        return f"<Comment {self.id} {self.status}>"


class Vote(db.Model):
    """One vote per reader per comment; ``voter`` is ``u:<user id>`` or ``g:<guest key>``."""

    __tablename__ = "votes"
    __table_args__ = (UniqueConstraint("comment_id", "voter"),)

    id: Mapped[PrimaryKey]
    comment_id: Mapped[int] = mapped_column(ForeignKey("comments.id", ondelete="CASCADE"))
    voter: Mapped[str] = mapped_column(String(ACTOR_KEY_MAX))
    # Viewer.counted_as: guests' votes count once per address (NULL on older rows: the voter).
    counted_as: Mapped[str | None] = mapped_column(String(ACTOR_KEY_MAX))
    value: Mapped[int] = mapped_column(SmallInteger)
    created_at: Mapped[CreatedAt]


class Report(db.Model):
    """A reader's report of a comment; one per reader per comment."""

    __tablename__ = "reports"
    __table_args__ = (UniqueConstraint("comment_id", "reporter"),)

    id: Mapped[PrimaryKey]
    comment_id: Mapped[int] = mapped_column(ForeignKey("comments.id", ondelete="CASCADE"))
    reporter: Mapped[str] = mapped_column(String(ACTOR_KEY_MAX))
    # Viewer.counted_as: the report threshold needs distinct accounts or addresses.
    counted_as: Mapped[str | None] = mapped_column(String(ACTOR_KEY_MAX))
    reason: Mapped[ReportReason] = mapped_column(stored_by_value(ReportReason))
    note: Mapped[str | None] = mapped_column(String(REPORT_NOTE_MAX))
    created_at: Mapped[CreatedAt]


class Reaction(db.Model):
    """A reader's reaction to an article; one per reader per article."""

    __tablename__ = "reactions"
    __table_args__ = (UniqueConstraint("article_id", "reactor"),)

    id: Mapped[PrimaryKey]
    article_id: Mapped[int] = mapped_column(ForeignKey("articles.id", ondelete="CASCADE"))
    reactor: Mapped[str] = mapped_column(String(ACTOR_KEY_MAX))
    kind: Mapped[ReactionKind] = mapped_column(stored_by_value(ReactionKind))
    created_at: Mapped[CreatedAt]
