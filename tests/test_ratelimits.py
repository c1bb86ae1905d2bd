"""Posting is rate limited per author (429 rate_limited with Retry-After); staff are not."""

from __future__ import annotations

import os

import pytest

from app import create_app
from app.extensions import db
from app.models import Role
from tests.conftest import IN_CI, base_config
from tests.factories import bearer, make_site, make_token, make_user, post_comment

REDIS_URL = os.environ.get("PARLEY_TEST_REDIS_URL")


@pytest.fixture
def make_app(app, database_url, tmp_path):
    """Apps over the test's (fresh) database with other rate-limit settings; disposed after."""
    made = []

    def build(**settings):
        config = base_config(database_url, tmp_path)
        config.update(settings)
        made.append(create_app(config))
        return made[-1]

    yield build
    for other in made:
        with other.app_context():
            db.engine.dispose()


def limited_app(make_app, storage):
    return make_app(
        RATELIMIT_ENABLED=True, RATELIMIT_STORAGE_URI=storage, PARLEY_POST_RATE="3/minute"
    )


@pytest.fixture
def redis_storage():
    if not REDIS_URL:
        reason = "Redis rate-limit tests need PARLEY_TEST_REDIS_URL, e.g. redis://127.0.0.1:6379/15"
        if IN_CI:
            pytest.fail(reason + " (required under CI=true)")
        pytest.skip(reason)
    import redis

    redis.Redis.from_url(REDIS_URL).flushdb()
    return REDIS_URL


def exhaust(client, headers=None):
    return [post_comment(client, headers=headers).status_code for _ in range(4)]


@pytest.mark.parametrize("storage", ["memory", "redis"])
def test_fourth_post_in_a_minute_is_429_with_retry_after(make_app, storage, request):
    uri = "memory://" if storage == "memory" else request.getfixturevalue("redis_storage")
    app = limited_app(make_app, uri)
    make_site(app)
    client = app.test_client()
    assert exhaust(client) == [201, 201, 201, 429]
    response = post_comment(client)
    assert response.status_code == 429
    assert response.get_json()["error"]["code"] == "rate_limited"
    assert int(response.headers["Retry-After"]) > 0


def test_limits_are_per_account_and_staff_are_exempt(make_app):
    app = limited_app(make_app, "memory://")
    make_site(app)
    make_user(app, "a@example.org", "A")
    make_user(app, "b@example.org", "B")
    make_user(app, "m@example.org", "M", role=Role.MODERATOR)
    client = app.test_client()
    assert exhaust(client, bearer(make_token(app, "a@example.org")))[-1] == 429
    assert post_comment(client, headers=bearer(make_token(app, "b@example.org"))).status_code == 201
    assert exhaust(client, bearer(make_token(app, "m@example.org"))) == [201] * 4


def test_rate_limits_off_disables_them(make_app):
    app = make_app(RATELIMIT_ENABLED=False, PARLEY_POST_RATE="1/minute")
    make_site(app)
    assert exhaust(app.test_client()) == [201] * 4


def test_retry_after_is_on_refusals_only_and_says_what_parley_means(make_app):
    """Flask-Limiter set Retry-After on every answer of a limited endpoint (its window's reset),
    and on a 503 the later of that and Parley's 5 s: up to an hour with an hourly limit."""
    from tests.private_servers import free_port

    app = limited_app(make_app, "memory://")
    make_site(app)
    posted = post_comment(app.test_client())
    assert posted.status_code == 201
    assert "Retry-After" not in posted.headers and "X-RateLimit-Limit" in posted.headers

    closed = f"postgresql+psycopg://postgres@127.0.0.1:{free_port()}/nothing"
    down = make_app(
        SQLALCHEMY_DATABASE_URI=closed,
        RATELIMIT_ENABLED=True,
        RATELIMIT_STORAGE_URI="memory://",
        PARLEY_POST_RATE="3/minute;200/hour",
    )
    refused = post_comment(down.test_client())
    assert refused.status_code == 503, refused.get_json()
    assert refused.headers["Retry-After"] == "5"
