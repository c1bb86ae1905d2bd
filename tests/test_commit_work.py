"""Work a transaction collects (app.commit_work) is done when it commits, and only then.

Article versions (app.services.freshness) are the work observed here; the comment events'
side is in test_comment_events.py.
"""

from __future__ import annotations

from sqlalchemy import select

from app.extensions import db
from app.models import Article
from app.services.freshness import touch_article
from tests.factories import make_site, post_ok


def _article_id_and_version(app, client) -> tuple[int, int]:
    make_site(app)
    post_ok(client)
    with app.app_context():
        article = db.session.scalar(select(Article))
        return article.id, article.version


def test_a_commit_bumps_each_touched_article_once(app, client):
    article_id, version = _article_id_and_version(app, client)
    with app.app_context():
        touch_article(article_id)
        touch_article(article_id)
        db.session.commit()
        assert db.session.scalar(select(Article.version)) == version + 1


def test_work_noted_before_any_sql_is_dropped_with_its_rollback(app, client):
    article_id, version = _article_id_and_version(app, client)
    with app.app_context():
        touch_article(article_id)  # before any SQL of this transaction
        db.session.rollback()
        db.session.commit()
        assert db.session.scalar(select(Article.version)) == version


def test_a_savepoint_leaves_the_work_to_its_transaction(app, client):
    article_id, version = _article_id_and_version(app, client)
    with app.app_context():
        with db.session.begin_nested():
            touch_article(article_id)
        assert db.session.scalar(select(Article.version)) == version  # not bumped yet
        db.session.rollback()
        db.session.commit()
        assert db.session.scalar(select(Article.version)) == version
        with db.session.begin_nested():
            touch_article(article_id)
        db.session.commit()
        assert db.session.scalar(select(Article.version)) == version + 1
