"""A savepoint is part of its transaction on every backend: a rollback after it undoes it.

Services insert inside ``begin_nested`` to catch a concurrent duplicate (votes, reactions,
reports, articles, SSO accounts, reply notices) and go on writing; the whole request must then
commit or roll back as one.
"""

from __future__ import annotations

from sqlalchemy import func, select

from app.extensions import db
from app.models import Site


def sites_named(slug: str, connection) -> int:
    return connection.scalar(select(func.count()).select_from(Site).where(Site.slug == slug))


def test_a_released_savepoint_is_undone_by_its_transactions_rollback(app):
    with app.app_context():
        db.session.execute(select(1))  # services read before they write
        with db.session.begin_nested():
            db.session.add(Site(slug="nested", name="Nested"))
        with db.engine.connect() as other:
            assert sites_named("nested", other) == 0  # not committed on its own
        db.session.add(Site(slug="after", name="After"))
        db.session.rollback()
        with db.engine.connect() as other:
            assert sites_named("nested", other) == 0
            assert sites_named("after", other) == 0


def test_a_savepoint_and_what_follows_commit_together(app):
    with app.app_context():
        db.session.execute(select(1))
        with db.session.begin_nested():
            db.session.add(Site(slug="nested", name="Nested"))
        db.session.add(Site(slug="after", name="After"))
        db.session.commit()
        with db.engine.connect() as other:
            assert sites_named("nested", other) == 1
            assert sites_named("after", other) == 1
