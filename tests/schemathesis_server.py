"""A seeded Parley served over HTTP in its own process, for the Schemathesis runs.

``python -m tests.schemathesis_server DATABASE_URL INSTANCE_DIR`` empties the (already
migrated) database, seeds two sites, an admin, a moderator of one site and a few comments,
then serves on a free port of 127.0.0.1 and prints ``READY <port> <admin token>``. It runs
until terminated. Its own process keeps the server's work (and its warnings) apart from the
test runner's.
"""

from __future__ import annotations

import sys
from pathlib import Path

from sqlalchemy import create_engine, text
from werkzeug.serving import WSGIRequestHandler, make_server

from app import create_app
from app.extensions import db
from tests.conftest import base_config
from tests.factories import make_site, make_token, make_user, post_ok


class QuietHandler(WSGIRequestHandler):
    def log_request(self, *args, **kwargs) -> None:
        """Thousands of generated requests: no access log line for each."""


def empty_tables(url: str) -> None:
    """The test session's PostgreSQL database is shared: start from empty tables."""
    engine = create_engine(url)
    tables = ", ".join(t.name for t in db.metadata.sorted_tables)
    with engine.begin() as conn:
        conn.execute(text(f"TRUNCATE {tables} RESTART IDENTITY CASCADE"))
    engine.dispose()


def seeded_app(database_url: str, instance: Path):
    app = create_app(base_config(database_url, instance))
    app.instance_path = str(instance)
    app.config["PARLEY_MEDIA_DIR"] = str(instance / "media")
    # An event stream is answered for as long as it is open: a second is enough to check its
    # headers and first lines, where the default (10 minutes) held each generated request
    # until Schemathesis gave up on it.
    app.config["PARLEY_EVENTS_MAX_SECONDS"] = 1
    make_site(app, "news")
    make_site(app, "other", origins=["https://other.example"])
    make_user(app, "admin@example.org", "Admin", "admin")
    make_user(app, "mod@example.org", "Mod", "moderator", ("news",))
    client = app.test_client()
    first = post_ok(client, body="First", article="a1")
    post_ok(client, body="Reply", article="a1", parent_id=first["id"])
    post_ok(client, body="Elsewhere", article="b2", site="other")
    return app


def main(database_url: str, instance: str) -> None:
    if database_url.startswith("postgresql"):
        empty_tables(database_url)
    app = seeded_app(database_url, Path(instance))
    token = make_token(app, "admin@example.org")
    server = make_server("127.0.0.1", 0, app, threaded=True, request_handler=QuietHandler)
    print(f"READY {server.server_port} {token}", flush=True)
    server.serve_forever()


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
