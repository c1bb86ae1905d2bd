"""Shared set-up for the moderation service tests: two sites and one person per role."""

from __future__ import annotations

from flask import Flask
from sqlalchemy import select

from app.extensions import db
from app.models import User
from tests.factories import make_site, make_user


def user(email: str) -> User:
    """The account with this email (inside an app context)."""
    return db.session.scalar(select(User).where(User.email == email))


def two_sites_and_staff(app: Flask) -> Flask:
    """Sites news and sport; an admin, a moderator of news only, and a reader."""
    make_site(app, "news")
    make_site(app, "sport")
    make_user(app, "admin@example.org", "Admin", role="admin")
    make_user(app, "newsmod@example.org", "News Mod", role="moderator", sites=("news",))
    make_user(app, "reader@example.org", "Reader")
    return app
