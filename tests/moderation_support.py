"""Shared set-up for the moderation service tests: two sites and one person per role."""

from __future__ import annotations

from flask import Flask
from sqlalchemy import select

from app.extensions import db
from app.models import Role, User
from tests.dashboard_support import make_account
from tests.factories import make_site


def user(email: str) -> User:
    """The account with this email (inside an app context)."""
    return db.session.scalar(select(User).where(User.email == email))


def two_sites_and_staff(app: Flask) -> Flask:
    """Sites news and sport; an admin, a moderator of news only, and a reader."""
    make_site(app, "news")
    make_site(app, "sport")
    make_account(app, "admin@example.org", "Admin", Role.ADMIN)
    make_account(app, "newsmod@example.org", "News Mod", Role.MODERATOR, ("news",))
    make_account(app, "reader@example.org", "Reader", Role.READER)
    return app
