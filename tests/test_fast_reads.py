"""app.fast_reads: a repeated anonymous thread read is answered before Flask's dispatch with
Flask's own answer, byte for byte, and never once the thread has changed."""

from __future__ import annotations

import socket

import pytest
from flask import request_started

from app import create_app
from tests.conftest import base_config
from tests.factories import bearer, make_site, make_token, make_user, post_ok

THREAD = {"site": "news", "article": "a1"}


@pytest.fixture
def site(app):
    make_site(app, "news")


@pytest.fixture
def dispatched(app):
    """The requests Flask itself dispatched (the fast path sends no request_started)."""
    seen: list[str] = []

    def note(_sender, **_extra):
        from flask import request

        seen.append(request.full_path)

    request_started.connect(note, app)
    yield seen
    request_started.disconnect(note, app)


def answer(response) -> tuple[int, list[tuple[str, str]], bytes]:
    return response.status_code, sorted(response.headers.items()), response.data


@pytest.mark.parametrize("accept", [None, "gzip", "br, gzip"])
def test_a_repeated_anonymous_read_is_flasks_answer_replayed(client, site, dispatched, accept):
    for n in range(3):
        post_ok(client, body=f"Comment {n} " + "words " * 60)
    headers = {"Accept-Encoding": accept} if accept else {}
    first = client.get("/api/v1/threads", query_string=THREAD, headers=headers)
    assert first.status_code == 200
    dispatched.clear()
    again = client.get("/api/v1/threads", query_string=THREAD, headers=headers)
    assert dispatched == [], "the repeated read went through Flask"
    assert answer(again) == answer(first)
    assert again.headers["X-Content-Type-Options"] == "nosniff"


def test_a_matching_if_none_match_is_replayed_as_flasks_304(client, site, dispatched):
    post_ok(client, body="First")
    tag = client.get("/api/v1/threads", query_string=THREAD).headers["ETag"]
    conditional = {"If-None-Match": tag}
    first = client.get("/api/v1/threads", query_string=THREAD, headers=conditional)
    dispatched.clear()
    again = client.get("/api/v1/threads", query_string=THREAD, headers=conditional)
    assert dispatched == []
    assert first.status_code == again.status_code == 304
    assert answer(again) == answer(first)


def test_a_change_is_served_at_once(client, site, dispatched):
    post_ok(client, body="First")
    old = client.get("/api/v1/threads", query_string=THREAD)
    client.get("/api/v1/threads", query_string=THREAD)
    post_ok(client, body="Second")
    dispatched.clear()
    new = client.get("/api/v1/threads", query_string=THREAD)
    assert len(dispatched) == 1, "the read after a change must be Flask's"
    assert new.headers["ETag"] != old.headers["ETag"]
    assert [c["html"] for c in new.get_json()["comments"]] == ["<p>First</p>", "<p>Second</p>"]


def test_identified_readers_and_other_requests_always_reach_flask(app, client, site, dispatched):
    make_user(app, "reader@example.org", "Reader")
    token = bearer(make_token(app, "reader@example.org"))
    post_ok(client, body="First")
    for _ in range(2):
        dispatched.clear()
        private = client.get("/api/v1/threads", query_string=THREAD, headers=token)
        assert private.headers["Cache-Control"] == "private, no-store"
        unknown = client.get("/api/v1/threads", query_string={**THREAD, "site": "nope"})
        assert unknown.status_code == 404
        bad = client.get("/api/v1/threads", query_string={**THREAD, "limit": "x"})
        assert bad.status_code == 400
        assert len(dispatched) == 3
    client.set_cookie("parley_session", "x", domain="localhost")
    for _ in range(2):
        dispatched.clear()
        with_cookie = client.get("/api/v1/threads", query_string=THREAD)
        assert with_cookie.headers["Cache-Control"] == "private, no-store"
        assert len(dispatched) == 1


def closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_an_unreachable_database_gets_the_503_answer(tmp_path):
    url = f"postgresql+psycopg://postgres@127.0.0.1:{closed_port()}/parley"
    app = create_app(base_config(url, tmp_path))
    response = app.test_client().get("/api/v1/threads", query_string=THREAD)
    assert response.status_code == 503
    assert response.get_json()["error"]["code"] == "service_unavailable"
    assert response.headers["Retry-After"] == "5"
    assert response.headers["X-Frame-Options"] == "DENY"
