"""Two requests at once, interleaved deterministically: this request reads, another one commits
in between, then this one goes on from what it read, as it would under real concurrency."""

from __future__ import annotations

import threading

from sqlalchemy import func, select

from app.extensions import db
from app.models import Article, Comment, CommentStatus


def in_another_request(app, work) -> None:
    """Run ``work`` as a concurrent request would: in another thread, with an app context (a
    database session) of its own. It has committed when this returns."""

    def run() -> None:
        with app.app_context():
            work()
            db.session.remove()

    thread = threading.Thread(target=run)
    thread.start()
    thread.join(timeout=30)


def miscounted_articles() -> dict[str, tuple[int, int]]:
    """Articles whose ``comment_count`` is not their number of approved comments:
    {key: (comment_count, approved comments)}."""
    approved = (
        select(func.count())
        .where(Comment.article_id == Article.id, Comment.status == CommentStatus.APPROVED)
        .scalar_subquery()
    )
    rows = db.session.execute(select(Article.key, Article.comment_count, approved)).all()
    return {key: (count, real) for key, count, real in rows if count != real}
