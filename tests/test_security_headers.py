"""Security headers are app-wide defaults: every page but the widget frame refuses framing."""

from __future__ import annotations

from tests.dashboard_support import signed_in
from tests.factories import make_site


def assert_unframeable(response, what: str) -> None:
    headers = response.headers
    assert headers.get("X-Frame-Options") == "DENY", what
    assert "frame-ancestors 'none'" in headers.get("Content-Security-Policy", ""), what
    assert headers.get("X-Content-Type-Options") == "nosniff", what
    assert headers.get("Referrer-Policy"), what


def test_sign_in_error_pages_api_and_dashboard_refuse_framing(app, world):
    client = app.test_client()
    assert_unframeable(client.get("/auth/login"), "sign-in page")
    assert_unframeable(client.post("/auth/login", data={"email": "x"}), "sign-in refusal")
    assert_unframeable(client.get("/no/such/page"), "404 page")
    assert_unframeable(client.get("/api/v1/threads"), "API error")
    assert_unframeable(client.get("/api/v1/openapi.json"), "API answer")
    assert_unframeable(client.get("/embed.js"), "script")
    assert_unframeable(client.get("/"), "demo page")
    dashboard = signed_in(app, "admin@example.org").get("/moderation/")
    assert_unframeable(dashboard, "dashboard")
    assert "script-src 'self'" in dashboard.headers["Content-Security-Policy"]
    assert dashboard.headers["Referrer-Policy"] == "same-origin"
    avatar = client.get("/avatars/i/0123456789abcdef0123.svg")
    assert_unframeable(avatar, "identicon")
    assert "default-src 'none'" in avatar.headers["Content-Security-Policy"]


def test_the_widget_frame_keeps_its_own_frame_ancestors(app):
    make_site(app, "daily", origins=["https://daily.example"])
    frame = app.test_client().get("/embed/thread?site=daily&article=a1")
    assert frame.status_code == 200
    policy = frame.headers["Content-Security-Policy"]
    assert "frame-ancestors https://daily.example 'self'" in policy
    assert "'none'" not in policy.split("frame-ancestors")[1]
    assert "X-Frame-Options" not in frame.headers
    assert frame.headers["X-Content-Type-Options"] == "nosniff"
    assert frame.headers["Referrer-Policy"] == "strict-origin-when-cross-origin"
    unknown = app.test_client().get("/embed/thread?site=nowhere&article=a1")
    assert unknown.status_code == 404
    assert_unframeable(unknown, "frame for an unknown site")
