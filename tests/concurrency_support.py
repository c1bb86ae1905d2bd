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


def at_once(app, *works) -> list[Exception]:
    """Run each of ``works`` as a request of its own, truly at the same time: a thread each,
    with its own app context (a database session), all let go together by a barrier. Returns
    what they raised; each has committed or rolled back when this returns."""
    barrier = threading.Barrier(len(works))
    raised: list[Exception] = []

    def run(work) -> None:
        with app.app_context():
            barrier.wait()
            try:
                work()
            except Exception as error:  # noqa: BLE001 - handed to the test to judge
                raised.append(error)
            finally:
                db.session.remove()

    threads = [threading.Thread(target=run, args=(work,)) for work in works]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return raised
