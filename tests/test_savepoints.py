"""A savepoint is part of its transaction on every backend: a rollback after it undoes it.

Services insert inside a savepoint (``app.database.savepoint``) to catch a concurrent duplicate
(votes, reactions, reports, articles, SSO accounts, reply notices) and go on writing; the whole
request must then commit or roll back as one.
"""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import func, select

from app.database import savepoint
from app.extensions import db
from app.models import Site


def sites_named(slug: str, connection) -> int:
    return connection.scalar(select(func.count()).select_from(Site).where(Site.slug == slug))


def test_a_released_savepoint_is_undone_by_its_transactions_rollback(app):
    with app.app_context():
        db.session.execute(select(1))  # services read before they write
        with savepoint(db.session):
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
        with savepoint(db.session):
            db.session.add(Site(slug="nested", name="Nested"))
        db.session.add(Site(slug="after", name="After"))
        db.session.commit()
        with db.engine.connect() as other:
            assert sites_named("nested", other) == 1
            assert sites_named("after", other) == 1


def test_services_open_savepoints_only_through_the_helper():
    app_dir = Path(__file__).resolve().parent.parent / "app"
    direct = [
        str(path.relative_to(app_dir))
        for path in app_dir.rglob("*.py")
        if "begin_nested(" in path.read_text(encoding="utf-8") and path.name != "database.py"
    ]
    assert direct == []
