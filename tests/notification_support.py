"""Helpers for the reply e-mail tests: accounts with tokens, posting, moderating, reading mail."""

from __future__ import annotations

import re
from email.message import Message
from typing import Any

from flask import Flask
from sqlalchemy import select

from app.extensions import db
from app.models import Role, User
from tests.factories import bearer, make_token, make_user, post_comment
from tests.mail_support import parts

ARTICLE_URL = "https://news.example/articles/a1"
UNSUBSCRIBE = re.compile(r"^<(http://localhost(/auth/unsubscribe/[\w.\-]+))>$")
OPT_IN = re.compile(r"http://localhost(/auth/replies/[\w.\-]+)")


def account(app: Flask, email: str, name: str, role: Role = Role.READER) -> dict[str, str]:
    make_user(app, email, name, role)  # a moderator of every site
    return bearer(make_token(app, email))


def alice_and_bob(app: Flask) -> tuple[dict[str, str], dict[str, str]]:
    """The reply-mail tests' two readers: alice@example.org writes, bob@example.org answers."""
    return account(app, "alice@example.org", "Alice"), account(app, "bob@example.org", "Bob")


def post(client, body: str, headers: dict | None = None, **extra: Any) -> dict:
    response = post_comment(client, body=body, headers=headers, article_url=ARTICLE_URL, **extra)
    assert response.status_code == 201, response.get_json()
    return response.get_json()


def moderate(client, moderator: dict[str, str], comment_id: int, action: str) -> None:
    response = client.post(
        f"/api/v1/moderation/comments/{comment_id}", json={"action": action}, headers=moderator
    )
    assert response.status_code == 200, response.get_json()


def unsubscribe_path(message: Message) -> str:
    match = UNSUBSCRIBE.match(message["List-Unsubscribe"])
    assert match, message["List-Unsubscribe"]
    return match.group(2)


def opt_in_path(message: Message) -> str:
    match = OPT_IN.search(parts(message)[0])
    assert match, parts(message)[0]
    return match.group(1)


def wants_replies(app: Flask, email: str) -> bool:
    with app.app_context():
        return db.session.scalar(select(User.reply_notifications).where(User.email == email))


def whole(message: Message) -> str:
    """Every header and part of a message, decoded, to search for what must not be there."""
    text, html = parts(message)
    headers = "\n".join(f"{k}: {v}" for k, v in message.items())
    return f"{headers}\n{text}\n{html}"
