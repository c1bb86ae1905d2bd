"""Accounts: readers, moderators and admins, and their API tokens."""

from __future__ import annotations

from datetime import datetime

from flask_login import UserMixin
from sqlalchemy import JSON, Boolean, Column, ForeignKey, String, Table, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.extensions import db
from app.limits import AUTHOR_NAME_MAX, EMAIL_MAX
from app.models.site import Site
from app.models.types import CreatedAt, PrimaryKey, Role, UserStatus, UTCDateTime, stored_by_value

moderator_sites = Table(
    "moderator_sites",
    db.metadata,
    Column("user_id", ForeignKey("users.id", ondelete="CASCADE"), primary_key=True),
    Column("site_id", ForeignKey("sites.id", ondelete="CASCADE"), primary_key=True),
)

# Trust granted on one site by its moderators; ``User.trusted`` is trust on every site, which
# only admins and all-site moderators grant (app.services.trust).
site_trusted_authors = Table(
    "site_trusted_authors",
    db.metadata,
    Column("user_id", ForeignKey("users.id", ondelete="CASCADE"), primary_key=True),
    Column("site_id", ForeignKey("sites.id", ondelete="CASCADE"), primary_key=True),
)


class User(UserMixin, db.Model):
    __tablename__ = "users"
    __table_args__ = (UniqueConstraint("sso_site_id", "sso_subject"),)

    id: Mapped[PrimaryKey]
    # None for publisher SSO readers (and for a sign-up whose address already had an account,
    # see app.services.signup): they are known by (sso_site_id, sso_subject) or by session only.
    email: Mapped[str | None] = mapped_column(String(EMAIL_MAX), unique=True)
    # Set when the address was proven (a followed link, or made by ``flask users create``).
    email_verified_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # A new address the reader asked for: it replaces ``email`` only once its link is followed.
    pending_email: Mapped[str | None] = mapped_column(String(EMAIL_MAX))
    name: Mapped[str] = mapped_column(String(AUTHOR_NAME_MAX))
    password_hash: Mapped[str | None] = mapped_column(String(255))
    role: Mapped[Role] = mapped_column(stored_by_value(Role), default=Role.READER)
    status: Mapped[UserStatus] = mapped_column(
        stored_by_value(UserStatus), default=UserStatus.ACTIVE
    )
    # Trusted on every site: skips pre-moderation (see site_trusted_authors for one site).
    trusted: Mapped[bool] = mapped_column(Boolean, default=False)
    avatar_path: Mapped[str | None] = mapped_column(String(255))
    # Publisher single sign-on: the site whose token made this reader, and its ``sub``.
    sso_site_id: Mapped[int | None] = mapped_column(ForeignKey("sites.id", ondelete="CASCADE"))
    sso_subject: Mapped[str | None] = mapped_column(String(255))
    # From the latest SSO token: an https avatar URL and a badge such as "subscriber".
    sso_avatar_url: Mapped[str | None] = mapped_column(String(2048))
    sso_badge: Mapped[str | None] = mapped_column(String(20))
    # E-mail me when someone replies to my comments (app.services.profiles).
    reply_notifications: Mapped[bool] = mapped_column(Boolean, default=True)
    # Staff one-time passwords (app.services.totp): the base32 secret, set while enrolling and
    # kept once confirmed (totp_enabled_at), and SHA-256 hashes of unused recovery codes.
    totp_secret: Mapped[str | None] = mapped_column(String(64))
    totp_enabled_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    totp_recovery_hashes: Mapped[list[str]] = mapped_column(JSON, default=list)
    created_at: Mapped[CreatedAt]

    # Empty for a moderator means: moderates every site.
    moderated_sites: Mapped[list[Site]] = relationship(secondary=moderator_sites)

    @property
    def is_staff(self) -> bool:
        return self.role in (Role.MODERATOR, Role.ADMIN)

    @property
    def kind(self) -> str:
        """How this reader is known: ``sso`` (a publisher's token) or ``account``."""
        return "sso" if self.sso_site_id is not None else "account"

    def __repr__(self) -> str:
        return f"<User {self.id} {self.role}>"


class ApiToken(db.Model):
    """A bearer token. Only its SHA-256 is stored; the token itself is shown once."""

    __tablename__ = "api_tokens"

    id: Mapped[PrimaryKey]
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[CreatedAt]
    last_used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    user: Mapped[User] = relationship()


class UserSession(db.Model):
    """A signed-in session (the dashboard's or a widget frame's), revocable on the server.

    The session cookie holds a random token; only its SHA-256 is stored here. Deleting the row
    ends the session: the cookie, replayed, is anonymous (app.services.user_sessions).
    """

    __tablename__ = "user_sessions"

    id: Mapped[PrimaryKey]
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    # "site" (Parley's own pages), "frame" (the widget) or "sso" (a publisher's token).
    channel: Mapped[str] = mapped_column(String(16))
    created_at: Mapped[CreatedAt]
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
