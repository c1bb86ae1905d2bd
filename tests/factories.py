"""Test data builders that go through the real services."""

from __future__ import annotations

import random
from datetime import timedelta
from typing import Any

from flask import Flask
from sqlalchemy import select

from app.extensions import db
from app.models import Article, Comment, CommentStatus, Role, Site, utcnow
from app.sanitize import render_markdown
from app.services import sites as site_service
from app.services import users as user_service

# Parley's own origin under the test client (http://localhost): the widget frame's requests
# carry it, and may create articles (app.services.article_source).
FRAME_ORIGIN = "http://localhost"


def run_cli(runner, *args: str):
    """``flask <args>`` in the test app, each argument one word; exceptions propagate."""
    return runner.invoke(args=list(args), catch_exceptions=False)


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


def insert_approved_thread(
    app: Flask,
    article: str,
    parents: list[int | None],
    body: str,
    *,
    site: str = "news",
    depth_cap: int | None = None,
    **columns: str,
) -> list[int]:
    """Insert approved guest comments on a new article straight into the database, one a
    second from a day ago, and return their ids. Comment ``i`` answers comment ``parents[i]``
    (an earlier index; None: top-level), is signed ``Guest {i % 17}`` and reads
    ``body.format(i=i)``; ``columns`` are more column values, formatted the same way. Depths
    count from the top, up to ``depth_cap`` when one is given."""
    with app.app_context():
        site_row = db.session.scalar(select(Site).where(Site.slug == site))
        art = Article(site_id=site_row.id, key=article, comment_count=len(parents))
        db.session.add(art)
        db.session.flush()
        start = utcnow() - timedelta(days=1)
        made: list[Comment] = []
        for i, parent_index in enumerate(parents):
            parent = None if parent_index is None else made[parent_index]
            depth = parent.depth + 1 if parent else 0
            text = body.format(i=i)
            comment = Comment(
                article_id=art.id,
                parent_id=parent.id if parent else None,
                root_id=(parent.root_id or parent.id) if parent else None,
                depth=depth if depth_cap is None else min(depth, depth_cap),
                guest_name=f"Guest {i % 17}",
                body_source=text,
                body_html=render_markdown(text),
                status=CommentStatus.APPROVED,
                created_at=start + timedelta(seconds=i),
                **{name: value.format(i=i) for name, value in columns.items()},
            )
            db.session.add(comment)
            db.session.flush()
            made.append(comment)
        db.session.commit()
        return [c.id for c in made]


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
    rng = random.Random(seed)
    parents: list[int | None] = []
    for i in range(n):
        parent = None
        if i > 0 and (i >= n * top_share or rng.random() > top_share):
            parent = rng.choice(range(i)) if rng.random() < 0.7 else None
        parents.append(parent)
    return insert_approved_thread(
        app,
        article,
        parents,
        "Comment {i} with **some** text",
        site=site,
        guest_email="guest{i}@private.example",
        author_ip="203.0.113.9",
    )
