"""Acceptance: two separate gunicorn masters (gunicorn.conf.py) sharing one PostgreSQL and one
Redis. A change made through one is served by the other at once with a new ETag; 304 on a
matching If-None-Match; private answers for identified readers; an event posted through one
reaches a stream held by the other."""

from __future__ import annotations

import json
import time
import urllib.parse

import jwt
import pytest
import redis

from app import create_app
from app.extensions import db
from app.limits import SSO_TOKEN_MAX
from app.services.sites import get_site
from app.services.sso import configure as configure_sso
from tests.conftest import REDIS_URL, _truncate_all, base_config, require_or_skip
from tests.factories import make_site, make_token, make_user
from tests.live_server import EventReader, call, gunicorn_master, post_through

THREAD = "/api/v1/threads?site=news&article=a1"


@pytest.fixture
def shared(postgres_url, tmp_path):
    """The shared PostgreSQL (emptied) and Redis database, with a site and a reader's token."""
    if not REDIS_URL:
        require_or_skip("this test needs PARLEY_TEST_REDIS_URL, e.g. redis://127.0.0.1:6379/15")
    redis.Redis.from_url(REDIS_URL).flushdb()  # the test's own Redis database
    app = create_app(base_config(postgres_url, tmp_path))
    with app.app_context():
        _truncate_all(app)
    make_site(app, "news")
    make_user(app, "reader@example.org", "Reader")
    token = make_token(app, "reader@example.org")
    with app.app_context():
        db.engine.dispose()
    return postgres_url, token


def test_two_gunicorn_masters_share_changes_caches_and_events(shared, tmp_path):
    database_url, token = shared
    with (
        gunicorn_master(database_url, tmp_path) as one,
        gunicorn_master(database_url, tmp_path) as two,
    ):
        status, headers, _ = call(two + THREAD)
        assert status == 200
        first_tag = headers["ETag"]
        assert headers["Cache-Control"].startswith("public")

        posted = post_through(one, "Through the first process")
        status, headers, content = call(two + THREAD, headers={"If-None-Match": first_tag})
        assert status == 200, "the second process served the old page"
        assert [c["id"] for c in json.loads(content)["comments"]] == [posted["id"]]
        second_tag = headers["ETag"]
        assert second_tag != first_tag

        for base in (one, two):
            status, _headers, content = call(base + THREAD, headers={"If-None-Match": second_tag})
            assert (status, content) == (304, b"")

        status, headers, _ = call(two + THREAD, headers={"Authorization": f"Bearer {token}"})
        assert status == 200
        assert headers["Cache-Control"] == "private, no-store"
        assert "ETag" not in headers

        port = int(two.rsplit(":", 1)[1])
        stream = EventReader(port, "news", "a1")
        try:
            stream.next_block()
            live = post_through(one, "Announced across processes")
            assert stream.next_event("comment") == {
                "id": live["id"],
                "parent_id": None,
                "comment_count": 2,
            }
        finally:
            stream.close()


def test_the_longest_article_keys_are_read_through_gunicorn(shared, tmp_path):
    """An article key is any string up to 512 characters: one of 512 emoji is 6 KiB of URL once
    percent-encoded, over gunicorn's default request line (4094 bytes), whose refusal is an
    HTML 414 instead of the thread."""
    database_url, _token = shared
    key = "\N{GRINNING FACE}" * 512
    with gunicorn_master(database_url, tmp_path) as base:
        payload = {"site": "news", "article": key, "body": "Long key", "author_name": "Ann"}
        status, _headers, content = call(
            base + "/api/v1/comments", "POST", payload, {"Origin": "https://news.example"}
        )
        assert status == 201, content
        query = urllib.parse.urlencode({"site": "news", "article": key, "limit": 1})
        status, headers, content = call(f"{base}/api/v1/threads?{query}")
        assert status == 200, content[:200]
        assert json.loads(content)["article"]["comment_count"] == 1
        status, headers, content = call(f"{base}/api/v1/counts?{query}")
        assert status == 200, content[:200]
        assert json.loads(content)["counts"] == {key: 1}


def test_the_longest_sso_token_is_read_through_gunicorn(shared, tmp_path):
    """An SSO token may be SSO_TOKEN_MAX (8,192) characters: its header line passes gunicorn's
    default field limit (8,190 bytes), whose refusal is a 431, not the reader."""
    database_url, _token = shared
    secret = "a-long-enough-shared-secret-0123456789"
    app = create_app(base_config(database_url, tmp_path))
    with app.app_context():
        configure_sso(get_site("news"), secret=secret)
        db.engine.dispose()
    claims = {"sub": "u-1", "name": "Sam", "aud": "news", "exp": int(time.time()) + 600}
    padding = SSO_TOKEN_MAX - len(jwt.encode({**claims, "pad": ""}, secret, algorithm="HS256"))
    token = jwt.encode({**claims, "pad": "x" * (padding * 3 // 4)}, secret, algorithm="HS256")
    assert SSO_TOKEN_MAX - 4 <= len(token) <= SSO_TOKEN_MAX
    with gunicorn_master(database_url, tmp_path) as base:
        status, _headers, content = call(f"{base}/api/v1/me", headers={"X-Parley-SSO": token})
    assert status == 200, content[:200]
    assert json.loads(content)["name"] == "Sam"
