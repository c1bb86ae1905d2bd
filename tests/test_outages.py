"""Contract v1.1 "Health" under outages: a PostgreSQL and a Redis started by this test are
stopped and started again; readiness follows them, requests answer 503 service_unavailable (or
degrade, for what does not need the server) and never 500 or hang past 5 s, and the service
recovers by itself. Nothing acknowledged with a 2xx is lost."""

from __future__ import annotations

import json
import time
from contextlib import ExitStack
from pathlib import Path

import psycopg
import pytest
from flask_migrate import upgrade
from sqlalchemy import event, text
from sqlalchemy.exc import OperationalError

from app import create_app
from app.broker import broker
from app.extensions import db
from tests.conftest import base_config, require_or_skip
from tests.factories import make_site
from tests.live_server import EventReader, gunicorn_master, post_through, serving
from tests.live_server import call as http_call
from tests.private_servers import PrivatePostgres, PrivateRedis, missing_tools

CEILING_SECONDS = 5
THREAD = "/api/v1/threads?site=news&article=a1"
COUNTS = "/api/v1/counts?site=news&article=a1"


@pytest.fixture
def servers():
    reason = missing_tools()
    if reason:
        require_or_skip(reason)
    postgres, cache = PrivatePostgres(), PrivateRedis()
    postgres.start()
    cache.start()
    yield postgres, cache
    cache.stop()
    postgres.remove()


@pytest.fixture
def outage_app(servers, tmp_path: Path):
    postgres, cache = servers
    config = base_config(postgres.url, tmp_path)
    config.update(
        PARLEY_REDIS_URL=cache.url,
        RATELIMIT_ENABLED=True,
        RATELIMIT_STORAGE_URI=cache.url,
    )
    app = create_app(config)
    with app.app_context():
        upgrade()
    make_site(app, "news")
    yield app
    broker(app).close()
    with app.app_context():
        db.session.remove()
        db.engine.dispose()


class Timed:
    """A test client whose every answer must come within the ceiling and never be a 500."""

    def __init__(self, app) -> None:
        self.client = app.test_client()

    def __call__(self, method: str, path: str, **kwargs):
        started = time.monotonic()
        response = self.client.open(path, method=method, **kwargs)
        elapsed = time.monotonic() - started
        assert elapsed < CEILING_SECONDS, f"{method} {path} took {elapsed:.1f} s"
        assert response.status_code != 500, response.get_data(as_text=True)
        return response

    def post(self, n: int):
        body = {"site": "news", "article": "a1", "body": f"Comment {n}", "author_name": "Al"}
        # From the publisher's page (a registered origin), as only such requests create articles.
        return self(
            "POST", "/api/v1/comments", json=body, headers={"Origin": "https://news.example"}
        )

    def database_unavailable(self, n: int) -> None:
        """A thread read, a count and post ``n`` each answer 503 service_unavailable."""
        for response in (self("GET", THREAD), self("GET", COUNTS), self.post(n)):
            assert response.status_code == 503
            assert response.get_json()["error"]["code"] == "service_unavailable"
            assert response.headers["Retry-After"]

    def ready_again(self) -> None:
        for _ in range(20):
            if self("GET", "/readyz").status_code == 200:
                return
            time.sleep(0.5)
        pytest.fail("readiness did not recover")


def test_readiness_fails_and_recovers_with_redis_and_postgres(servers, outage_app):
    postgres, cache = servers
    call = Timed(outage_app)
    assert call("GET", "/healthz").get_json() == {"status": "ok"}
    assert call("GET", "/readyz").get_json() == {"status": "ready"}
    acknowledged = [call.post(0).get_json()["id"]]

    cache.stop()
    answer = call("GET", "/readyz")
    assert answer.status_code == 503
    assert answer.get_json()["error"]["code"] == "not_ready"
    # Reads and posts degrade (no shared cache, per-process rate limits); streams need Redis.
    assert call("GET", THREAD).status_code == 200
    posted = call.post(1)
    assert posted.status_code == 201
    acknowledged.append(posted.get_json()["id"])
    events = call("GET", "/api/v1/events?site=news&article=a1")
    assert events.status_code == 503
    assert events.get_json()["error"]["code"] == "service_unavailable"
    assert call("GET", "/healthz").status_code == 200

    cache.start()
    call.ready_again()
    acknowledged.append(call.post(2).get_json()["id"])

    postgres.stop()
    answer = call("GET", "/readyz")
    assert answer.status_code == 503
    assert answer.get_json()["error"]["code"] == "not_ready"
    call.database_unavailable(3)

    postgres.start()
    call.ready_again()
    thread = call("GET", THREAD).get_json()
    assert [c["id"] for c in thread["comments"]] == acknowledged
    assert call.post(4).status_code == 201


def test_a_frozen_postgresql_costs_each_request_a_503_not_a_hang(servers, outage_app):
    """A paused PostgreSQL (its processes under SIGSTOP) still accepts TCP connections and
    acknowledges what is sent, so neither the statement timeout nor the connect timeout sees it:
    the pooled connection's test and every answer have a deadline of their own."""
    postgres, _cache = servers
    call = Timed(outage_app)
    acknowledged = [call.post(0).get_json()["id"]]
    assert call("GET", THREAD).status_code == 200  # a pooled connection is left to go silent

    with postgres.frozen():
        call.database_unavailable(1)
        assert call("GET", "/readyz").get_json()["error"]["code"] == "not_ready"
        assert call("GET", "/healthz").status_code == 200

    call.ready_again()
    assert [c["id"] for c in call("GET", THREAD).get_json()["comments"]] == acknowledged
    assert call.post(2).status_code == 201


def test_open_streams_end_when_redis_freezes_and_new_ones_wait_until_it_is_back(
    servers, outage_app
):
    """A frozen Redis sends nothing and raises nothing: each process's event channel pings it
    when quiet, and when it is lost ends the streams it holds, whose clients reconnect and,
    while that is refused (503), poll, instead of listening to a stream that will never speak."""
    _postgres, cache = servers
    outage_app.config["PARLEY_EVENTS_HEARTBEAT_SECONDS"] = 1
    with serving(outage_app) as port:
        events = f"http://127.0.0.1:{port}/api/v1/events?site=news&article=a1"
        reader = EventReader(port, "news", "a1")
        assert reader.next_block()  # the stream is open
        with cache.frozen():
            started = time.monotonic()
            while reader.next_block():  # keep-alive lines until the stream ends
                if time.monotonic() - started > 20:
                    pytest.fail("the stream was still open 20 s after Redis froze")
            reader.close()
            status, _headers, body = http_call(events)
            assert status == 503
            assert json.loads(body)["error"]["code"] == "service_unavailable"
        for _ in range(40):  # the channel is back within its reconnection back-off
            if http_call(events.replace("/events", "/counts"))[0] == 200:
                reader = EventReader(port, "news", "a1")
                if reader.response.status == 200:
                    break
                reader.close()
            time.sleep(0.25)
        assert reader.response.status == 200
        posted = Timed(outage_app).post(1).get_json()
        assert reader.next_event("comment")["id"] == posted["id"]
        reader.close()


def post_as_it_commits(app, call: Timed, n: int, before_commit):
    """Post comment ``n`` with ``before_commit(connection)`` run once, just before the
    transaction's COMMIT is sent."""
    with app.app_context():
        engine = db.engine
    ran: list[bool] = []

    def once(connection) -> None:
        if not ran:
            ran.append(True)
            before_commit(connection)

    event.listen(engine, "commit", once)
    try:
        answer = call.post(n)
    finally:
        event.remove(engine, "commit", once)
    assert ran and answer.status_code == 503
    error = answer.get_json()["error"]
    assert error["code"] == "service_unavailable"
    return error["message"]


def test_a_post_whose_commit_goes_unanswered_is_not_said_to_have_changed_nothing(
    servers, outage_app
):
    """The server froze with COMMIT sent: it may apply the comment once it resumes, so the 503
    must not tell the reader to post again as if nothing had been saved. A server that ended
    the session instead (an operator's pg_terminate_backend, an idle-session timeout) says so
    before the COMMIT is read: nothing was saved, and the 503 says that."""
    postgres, _cache = servers
    call = Timed(outage_app)
    call.post(0)
    with ExitStack() as frozen:
        message = post_as_it_commits(
            outage_app, call, 1, lambda _connection: frozen.enter_context(postgres.frozen())
        )
    assert "it may have been saved: check before sending it again" in message
    assert "nothing was changed" not in message
    call.ready_again()
    kept = [c["id"] for c in call("GET", THREAD).get_json()["comments"]]  # 1 may be there

    def end_its_session(connection) -> None:
        pid = connection.connection.dbapi_connection.info.backend_pid
        conninfo = postgres.url.replace("postgresql+psycopg", "postgresql")
        with psycopg.connect(conninfo, autocommit=True) as admin:
            admin.execute("SELECT pg_terminate_backend(%s)", [pid])

    message = post_as_it_commits(outage_app, call, 2, end_its_session)
    assert "nothing was changed" in message
    assert [c["id"] for c in call("GET", THREAD).get_json()["comments"]] == kept
    with postgres.frozen():  # refused before anything was sent: nothing was changed
        refused = call("GET", COUNTS)
    assert refused.status_code == 503
    assert "nothing was changed" in refused.get_json()["error"]["message"]


def test_a_statement_on_a_server_that_freezes_gives_up_after_its_timeout_and_a_margin(
    servers, tmp_path
):
    postgres, _cache = servers
    config = base_config(postgres.url, tmp_path)
    config["PARLEY_DB_STATEMENT_TIMEOUT_MS"] = 1000
    app = create_app(config)
    with app.app_context():
        with db.engine.connect() as connection:
            assert connection.execute(text("SELECT 1")).scalar() == 1
            with postgres.frozen():
                started = time.monotonic()
                with pytest.raises(OperationalError) as caught:
                    connection.execute(text("SELECT 2"))
                elapsed = time.monotonic() - started
        assert "did not answer within 1.5 s" in str(caught.value)
        assert caught.value.connection_invalidated
        assert elapsed < CEILING_SECONDS
        with db.engine.connect() as connection:  # the pool reconnects by itself
            assert connection.execute(text("SELECT 3")).scalar() == 3
        db.engine.dispose()


def test_through_gunicorn_a_frozen_postgresql_costs_a_request_a_503_not_a_hang(
    servers, outage_app, tmp_path
):
    """The same through production's server (gunicorn.conf.py: gevent workers, whose sockets
    psycopg waits on cooperatively)."""
    postgres, cache = servers
    with gunicorn_master(postgres.url, tmp_path, cache.url) as base:
        posted = post_through(base, "Kept")
        assert http_call(base + THREAD)[0] == 200
        with postgres.frozen():
            for path in (THREAD, COUNTS):
                started = time.monotonic()
                status, headers, content = http_call(base + path)
                elapsed = time.monotonic() - started
                assert elapsed < CEILING_SECONDS, f"{path} took {elapsed:.1f} s"
                assert status == 503, content
                assert json.loads(content)["error"]["code"] == "service_unavailable"
                assert headers["Retry-After"]
        for _ in range(20):
            if http_call(base + "/readyz")[0] == 200:
                break
            time.sleep(0.5)
        status, _headers, content = http_call(base + THREAD)
        assert status == 200
        assert [c["id"] for c in json.loads(content)["comments"]] == [posted["id"]]
