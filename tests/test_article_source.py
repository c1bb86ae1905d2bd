"""Who may create an article, and correct its title and URL (app.services.article_source)."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import func, select

from app.extensions import db
from app.models import Article, utcnow
from app.services.site_settings import update_site_settings
from tests.dashboard_support import user
from tests.factories import FRAME_ORIGIN, bearer, make_site, make_token, make_user

SITE_ORIGIN = "https://news.example"  # make_site's default registered origin


def post(client, article="a1", origin=None, headers=None, **fields):
    payload = {"site": "news", "article": article, "body": "Hello", "author_name": "G", **fields}
    headers = {**({"Origin": origin} if origin else {}), **(headers or {})}
    return client.post("/api/v1/comments", json=payload, headers=headers)


def react(client, article="a1", origin=None, site="news"):
    headers = {"Origin": origin} if origin else {}
    body = {"site": site, "article": article, "kind": "like"}
    return client.post("/api/v1/reactions", json=body, headers=headers)


def article(app, key="a1") -> Article | None:
    with app.app_context():
        return db.session.scalar(select(Article).where(Article.key == key))


def articles_count(app) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(Article))


def test_only_the_sites_pages_the_frame_or_an_authenticated_client_create_articles(app):
    make_site(app)
    make_site(app, "members", allow_guests=False)
    client = app.test_client()
    for origin in (None, "https://attacker.example"):
        refused = post(client, origin=origin)
        assert refused.status_code == 404, refused.get_json()
        assert refused.get_json()["error"]["code"] == "unknown_article"
        assert react(client, origin=origin, site="members").status_code == 404
    assert articles_count(app) == 0
    assert post(client, "from-page", origin=SITE_ORIGIN).status_code == 201
    assert post(client, "from-frame", origin=FRAME_ORIGIN).status_code == 201
    make_user(app)
    token = bearer(make_token(app, "reader@example.org"))
    assert post(client, "by-token", headers=token).status_code == 201
    assert articles_count(app) == 3
    # Once the article exists, anyone may comment on it.
    assert post(client, "from-page").status_code == 201


def test_an_article_url_must_be_on_a_registered_origin(app):
    make_site(app)
    client = app.test_client()
    post(client, "a1", origin=FRAME_ORIGIN, article_url="https://phishing.example/news")
    assert article(app, "a1").url is None
    post(client, "a2", origin=FRAME_ORIGIN, article_url=f"{SITE_ORIGIN}/2026/a2")
    assert article(app, "a2").url == f"{SITE_ORIGIN}/2026/a2"


def test_the_publishers_page_corrects_title_and_url_others_only_fill_gaps(app):
    make_site(app)
    make_user(app)
    token = bearer(make_token(app, "reader@example.org"))
    client = app.test_client()
    post(client, headers=token, article_title="Wrong title", article_url=f"{SITE_ORIGIN}/wrong")
    post(client, headers=token, article_title="Also wrong", article_url=f"{SITE_ORIGIN}/nope")
    assert (article(app).title, article(app).url) == ("Wrong title", f"{SITE_ORIGIN}/wrong")
    post(client, origin=SITE_ORIGIN, article_title="Right title", article_url=f"{SITE_ORIGIN}/a1")
    assert (article(app).title, article(app).url) == ("Right title", f"{SITE_ORIGIN}/a1")


def test_close_after_days_counts_from_the_first_comment(app):
    make_site(app)
    make_user(app, "admin@example.org", "Admin", "admin")
    client = app.test_client()
    assert react(client, "early", origin=FRAME_ORIGIN).status_code == 200
    with app.app_context():
        early = db.session.scalar(select(Article).where(Article.key == "early"))
        early.created_at = utcnow() - timedelta(days=30)  # created long before anyone commented
        db.session.commit()
        update_site_settings(user("admin@example.org"), "news", {"close_after_days": 7})
    first = post(client, "early", origin=FRAME_ORIGIN)
    assert first.status_code == 201, first.get_json()
    assert article(app, "early").first_comment_at is not None
    assert post(client, "early").status_code == 201
    with app.app_context():
        early = db.session.scalar(select(Article).where(Article.key == "early"))
        early.first_comment_at = utcnow() - timedelta(days=8)
        db.session.commit()
    closed = post(client, "early")
    assert closed.status_code == 403 and closed.get_json()["error"]["code"] == "thread_closed"
