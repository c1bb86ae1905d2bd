"""Contract v1.1 "Live updates": GET /api/v1/events as Server-Sent Events."""

from __future__ import annotations

import pytest

from tests.conftest import REDIS_URL, require_or_skip
from tests.factories import bearer, make_site, make_token, make_user, post_ok
from tests.live_server import EventReader, serving


@pytest.fixture
def site(app):
    make_site(app, "news")
    make_user(app, "mod@example.org", "Mod", role="moderator")


@pytest.fixture(params=["in-process", "redis"])
def broker_kind(request, app):
    from app.broker import broker

    if request.param == "redis":
        if not REDIS_URL:
            require_or_skip(
                "Redis tests need PARLEY_TEST_REDIS_URL, e.g. redis://127.0.0.1:6379/15"
            )
        from app.broker import init_broker
        from app.redis_store import init_redis

        app.config["PARLEY_REDIS_URL"] = REDIS_URL
        init_redis(app)
        init_broker(app)
    yield request.param
    broker(app).close()


def test_unknown_site_is_a_json_404_not_a_stream(client):
    response = client.get("/api/v1/events?site=nope&article=a1")
    assert response.status_code == 404
    assert response.mimetype == "application/json"
    assert response.get_json()["error"]["code"] == "unknown_site"


def test_a_comment_posted_approved_reaches_the_open_stream(app, client, site, broker_kind):
    app.config["PARLEY_EVENTS_HEARTBEAT_SECONDS"] = 1
    with serving(app) as port:
        stream = EventReader(port, "news", "a1")
        try:
            assert stream.response.status == 200
            assert stream.response.getheader("Content-Type").startswith("text/event-stream")
            assert stream.next_block()[-1].startswith(":")  # the opening comment line
            other = EventReader(port, "news", "other-article")
            posted = post_ok(client, body="Live!")
            data = stream.next_event("comment")
            assert data == {"id": posted["id"], "parent_id": None, "comment_count": 1}
            reply = post_ok(client, body="A reply", parent_id=posted["id"])
            assert stream.next_event("comment") == {
                "id": reply["id"],
                "parent_id": posted["id"],
                "comment_count": 2,
            }
            other.next_block()  # its opening block; then silence, not another article's events
            assert other.next_block() == [": keep-alive"]
            other.close()
        finally:
            stream.close()


def test_approval_announces_and_removal_is_announced_too(app, client, site):
    with app.app_context():
        from app.services.site_settings import apply_site_settings

        apply_site_settings("news", {"premod": True}, None)
    token = bearer(make_token(app, "mod@example.org"))
    with serving(app) as port:
        stream = EventReader(port, "news", "a1")
        try:
            held = post_ok(client, body="Held")
            approve = client.post(
                f"/api/v1/moderation/comments/{held['id']}",
                json={"action": "approve"},
                headers=token,
            )
            assert approve.status_code == 200
            assert stream.next_event("comment") == {
                "id": held["id"],
                "parent_id": None,
                "comment_count": 1,
            }
            client.post(
                f"/api/v1/moderation/comments/{held['id']}",
                json={"action": "reject"},
                headers=token,
            )
            assert stream.next_event("removed")["id"] == held["id"]
        finally:
            stream.close()


def test_a_comment_line_keeps_a_quiet_stream_open(app, site):
    app.config["PARLEY_EVENTS_HEARTBEAT_SECONDS"] = 1
    with serving(app) as port:
        stream = EventReader(port, "news", "a1")
        try:
            stream.next_block()  # the opening block
            assert stream.next_block() == [": keep-alive"]
        finally:
            stream.close()
