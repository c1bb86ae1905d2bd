"""PARLEY_DATABASE_REPLICA_URL: anonymous thread reads and counts go to the replica, everything
else to the primary. The "replica" here is the same database reached through a role whose
transactions are read-only by default, so any write routed to it would fail."""

from __future__ import annotations

from contextlib import contextmanager

import pytest
from sqlalchemy import create_engine, event, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import InternalError, ProgrammingError

from app import create_app
from app.extensions import db
from app.replicas import REPLICA_BIND
from tests.conftest import _truncate_all, base_config
from tests.factories import bearer, make_site, make_token, make_user, post_ok

READ_ONLY_ROLE = "parley_test_read_only"
THREAD = {"site": "news", "article": "a1"}


def ensure_read_only_role(url: str) -> None:
    engine = create_engine(url, isolation_level="AUTOCOMMIT")
    with engine.connect() as conn:
        exists = conn.scalar(
            text("SELECT 1 FROM pg_roles WHERE rolname = :name"), {"name": READ_ONLY_ROLE}
        )
        if not exists:
            conn.execute(text(f"CREATE ROLE {READ_ONLY_ROLE} LOGIN"))
        conn.execute(text(f"ALTER ROLE {READ_ONLY_ROLE} SET default_transaction_read_only = on"))
        conn.execute(text(f"GRANT pg_read_all_data TO {READ_ONLY_ROLE}"))
    engine.dispose()


@pytest.fixture
def replica_app(postgres_url, tmp_path):
    ensure_read_only_role(postgres_url)
    replica_url = make_url(postgres_url).set(username=READ_ONLY_ROLE, password=None)
    config = base_config(postgres_url, tmp_path)
    config["PARLEY_DATABASE_REPLICA_URL"] = replica_url.render_as_string(hide_password=False)
    app = create_app(config)
    with app.app_context():
        _truncate_all(app)
    yield app
    with app.app_context():
        db.session.remove()
        for engine in db.engines.values():
            engine.dispose()


@contextmanager
def statements_by_engine(app):
    seen = {"primary": 0, "replica": 0}
    with app.app_context():
        engines = {"primary": db.engines[None], "replica": db.engines[REPLICA_BIND]}
    listeners = []
    for name, engine in engines.items():

        def record(*_args, name=name):
            seen[name] += 1

        event.listen(engine, "before_cursor_execute", record)
        listeners.append((engine, record))
    try:
        yield seen
    finally:
        for engine, record in listeners:
            event.remove(engine, "before_cursor_execute", record)


def test_the_replica_role_really_refuses_writes(replica_app):
    with replica_app.app_context(), db.engines[REPLICA_BIND].connect() as conn:
        with pytest.raises((InternalError, ProgrammingError), match="read-only transaction"):
            conn.execute(text("UPDATE sites SET name = 'x'"))


def test_anonymous_reads_use_the_replica_and_every_write_the_primary(replica_app):
    app = replica_app
    make_site(app, "news")
    make_user(app, "reader@example.org", "Reader")
    make_user(app, "mod@example.org", "Mod", role="moderator")
    reader = bearer(make_token(app, "reader@example.org"))
    mod = bearer(make_token(app, "mod@example.org"))
    client = app.test_client()
    with statements_by_engine(app) as seen:
        first = post_ok(client, body="Through the primary")
        vote = client.post(
            f"/api/v1/comments/{first['id']}/votes", json={"value": 1}, headers=reader
        )
        assert vote.status_code == 200
        react = client.post("/api/v1/reactions", json={**THREAD, "kind": "like"}, headers=reader)
        assert react.status_code == 200
        feature = client.post(
            f"/api/v1/moderation/comments/{first['id']}", json={"action": "feature"}, headers=mod
        )
        assert feature.status_code == 200
        assert seen["replica"] == 0

        thread = client.get("/api/v1/threads", query_string=THREAD)
        counts = client.get("/api/v1/counts", query_string=THREAD)
        assert seen["replica"] > 0
    assert thread.status_code == 200 and counts.status_code == 200
    assert [c["id"] for c in thread.get_json()["comments"]] == [first["id"]]
    assert thread.get_json()["comments"][0]["score"] == 1
    assert counts.get_json() == {"counts": {"a1": 1}}


def test_an_identified_reader_reads_their_own_write_from_the_primary(replica_app):
    app = replica_app
    make_site(app, "news", premod=True)
    make_user(app, "reader@example.org", "Reader")
    reader = bearer(make_token(app, "reader@example.org"))
    client = app.test_client()
    with statements_by_engine(app) as seen:
        held = post_ok(client, body="Held, but mine", headers=reader)
        mine = client.get("/api/v1/threads", query_string=THREAD, headers=reader).get_json()
        assert seen["replica"] == 0
    assert [(c["id"], c["status"]) for c in mine["comments"]] == [(held["id"], "pending")]
