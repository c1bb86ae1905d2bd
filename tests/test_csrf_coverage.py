"""Every state-changing route under /api/ and /embed/ refuses a cookie request without CSRF.

The routes come from ``app.url_map``, so a route added later is covered without touching this
file. The request carries both session cookies (Parley's and the frame's) and no token: the
answer must be 403 ``csrf_failed`` before the view runs, whatever the route's arguments.
"""

from __future__ import annotations

import re

from app.sessions import FRAME_COOKIE_NAME, FRAME_HEADER
from tests.factories import make_site

UNSAFE = ("POST", "PUT", "PATCH", "DELETE")
PREFIXES = ("/api/", "/embed/")


def unsafe_routes(app) -> list[tuple[str, str]]:
    routes = []
    for rule in app.url_map.iter_rules():
        if not rule.rule.startswith(PREFIXES):
            continue
        url = re.sub(r"<[^>]+>", "1", rule.rule)  # "1" fits every converter the app uses
        routes += [(method, url) for method in UNSAFE if method in rule.methods]
    return routes


def test_the_api_has_state_changing_routes_to_check(app):
    methods = {method for method, _url in unsafe_routes(app)}
    assert {"POST", "PATCH", "DELETE"} <= methods


def test_every_unsafe_route_refuses_a_cookie_without_the_csrf_token(app):
    make_site(app)
    for frame in (False, True):
        client = app.test_client()
        client.set_cookie(app.config["SESSION_COOKIE_NAME"], "a-session")
        client.set_cookie(FRAME_COOKIE_NAME, "a-frame-session")
        headers = {FRAME_HEADER: "1"} if frame else {}
        for method, url in unsafe_routes(app):
            response = client.open(url, method=method, json={}, headers=headers)
            assert response.status_code == 403, (method, url, frame, response.status_code)
            if response.is_json:
                body = response.get_json()
                assert body["error"]["code"] == "csrf_failed", (method, url, body)
            else:  # the frame's own HTML forms (sign in, sign up, sign out) get an HTML page
                assert "CSRF check failed" in response.get_data(as_text=True), (method, url)


def test_a_bearer_call_is_not_asked_for_the_csrf_token(app):
    make_site(app)
    client = app.test_client()
    client.set_cookie(app.config["SESSION_COOKIE_NAME"], "a-session")
    response = client.post(
        "/api/v1/comments",
        json={"site": "news", "article": "a1", "body": "hi", "author_name": "G"},
        headers={"Authorization": "Bearer not-a-real-token"},
    )
    assert response.status_code == 401  # judged by its token, never by the cookie
    assert response.get_json()["error"]["code"] != "csrf_failed"
