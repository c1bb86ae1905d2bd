"""Test data builders that go through the real services."""

from __future__ import annotations

from typing import Any

from flask import Flask

from app.models import Role
from app.services import sites as site_service
from app.services import users as user_service

# Parley's own origin under the test client (http://localhost): the widget frame's requests
# carry it, and may create articles (app.services.article_source).
FRAME_ORIGIN = "http://localhost"


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
    # Sent as the widget frame sends it: from Parley's own origin, which may create articles.
    headers = {"Origin": FRAME_ORIGIN, **(headers or {})}
    return client.post("/api/v1/comments", json=payload, headers=headers)


def post_ok(client, **kwargs: Any) -> dict:
    response = post_comment(client, **kwargs)
    assert response.status_code == 201, response.get_json()
    return response.get_json()


def seed_thread(
    app: Flask,
    n: int,
    article: str = "big",
    site: str = "news",
    top_share: float = 0.3,
    seed: int = 7,
) -> list[int]:
    """Insert ``n`` approved comments (a share of them top-level, the rest replies at random
    depths) straight into the database, the way a long-lived thread looks. Returns their ids."""
    import random
    from datetime import timedelta

    from sqlalchemy import select

    from app.extensions import db
    from app.models import Article, Comment, CommentStatus, Site, utcnow
    from app.sanitize import render_markdown

    rng = random.Random(seed)
    with app.app_context():
        site_row = db.session.scalar(select(Site).where(Site.slug == site))
        art = Article(site_id=site_row.id, key=article, comment_count=0)
        db.session.add(art)
        db.session.flush()
        start = utcnow() - timedelta(days=1)
        made: list[Comment] = []
        for i in range(n):
            parent = None
            if made and (i >= n * top_share or rng.random() > top_share) and i > 0:
                parent = rng.choice(made) if rng.random() < 0.7 else None
            body = f"Comment {i} with **some** text"
            c = Comment(
                article_id=art.id,
                parent_id=parent.id if parent else None,
                root_id=(parent.root_id or parent.id) if parent else None,
                depth=parent.depth + 1 if parent else 0,
                guest_name=f"Guest {i % 17}",
                guest_email=f"guest{i}@private.example",
                author_ip="203.0.113.9",
                body_source=body,
                body_html=render_markdown(body),
                status=CommentStatus.APPROVED,
                created_at=start + timedelta(seconds=i),
            )
            db.session.add(c)
            db.session.flush()
            made.append(c)
        art.comment_count = n
        db.session.commit()
        return [c.id for c in made]
