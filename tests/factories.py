"""Test data builders that go through the real services."""

from __future__ import annotations

from typing import Any

from flask import Flask

from app.models import Role
from app.services import sites as site_service
from app.services import users as user_service


def make_site(app: Flask, slug: str = "news", **kwargs: Any) -> int:
    kwargs.setdefault("origins", ["https://news.example"])
    with app.app_context():
        return site_service.create_site(slug, kwargs.pop("name", slug.title()), **kwargs).id


def make_user(
    app: Flask,
    email: str = "reader@example.org",
    name: str = "Reader",
    role: Role | str = Role.READER,
    sites: tuple[str, ...] = (),
) -> int:
    with app.app_context():
        return user_service.create_user(email, name, "correct horse battery", role, sites).id


def make_token(app: Flask, email: str) -> str:
    with app.app_context():
        return user_service.issue_token(user_service.get_user_by_email(email))


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def post_comment(
    client,
    body: str = "Hello",
    article: str = "a1",
    site: str = "news",
    headers: dict | None = None,
    **extra: Any,
):
    payload: dict[str, Any] = {"site": site, "article": article, "body": body}
    if headers is None and "author_name" not in extra:
        payload["author_name"] = "Guest"
    payload.update(extra)
    return client.post("/api/v1/comments", json=payload, headers=headers or {})


def post_ok(client, **kwargs: Any) -> dict:
    response = post_comment(client, **kwargs)
    assert response.status_code == 201, response.get_json()
    return response.get_json()
