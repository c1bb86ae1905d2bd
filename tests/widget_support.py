"""Helpers for the widget endpoint tests: guest browsers with real frame sessions and CSRF tokens.

The widget frame's page (``/embed/thread``) gives each browser a guest id and puts the session's
CSRF token in the page. These tests stand that up with a tiny route doing exactly those two
things through the real session interface, so the guest flow does not depend on the frame's
templates.
"""

from __future__ import annotations

import itertools
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import jwt
import pytest
from flask import Flask
from flask_wtf.csrf import generate_csrf

from app import create_app
from app.api.spec.common import EVERY_OPERATION, SERVER_REFUSALS, WITH_PATH_PARAMETERS
from app.extensions import db
from app.services.sites import create_site, get_site
from app.services.sso import configure
from app.sessions import ensure_guest_id
from tests.conftest import base_config
from tests.factories import FRAME_ORIGIN
from tests.test_openapi import assert_matches_documented_response, documented_error_codes

FRAME = {"X-Parley-Frame": "1"}
FRAME_PROBE = "/embed/_test_guest"
PAGE_PROBE = "/_test_guest"

# And what only the HTTP server refuses (tests/test_errors.py proves those through gunicorn).
REQUEST_LAYER_CODES = {*EVERY_OPERATION, *WITH_PATH_PARAMETERS, *SERVER_REFUSALS}


def _guest_page() -> dict[str, str]:
    return {"guest_id": ensure_guest_id(), "csrf_token": generate_csrf()}


def install_guest_pages(app: Flask) -> None:
    """Add a frame page (under /embed/) and a first-party page that start a guest session.

    Call it before the app serves its first request (Flask refuses new routes after that).
    """
    if "test_frame_guest" not in app.view_functions:
        app.add_url_rule(FRAME_PROBE, "test_frame_guest", _guest_page)
        app.add_url_rule(PAGE_PROBE, "test_page_guest", _guest_page)


@pytest.fixture(autouse=True)
def guest_pages(app: Flask) -> None:
    """Autouse in every module that imports it: the guest pages exist before the first request."""
    install_guest_pages(app)


BROWSER_ADDRESSES = (f"198.51.100.{n}" for n in itertools.cycle(range(1, 255)))


class Browser:
    """A test client acting as one reader's browser inside the widget frame.

    Each browser has an address of its own (guests count once per address in report thresholds
    and vote scores); pass ``address`` to put several on one network.
    """

    def __init__(self, app: Flask, address: str | None = None) -> None:
        install_guest_pages(app)
        self.client = app.test_client()
        self.client.environ_base["REMOTE_ADDR"] = address or next(BROWSER_ADDRESSES)
        page = self.client.get(FRAME_PROBE).get_json()
        self.guest_id: str = page["guest_id"]
        self.headers = {**FRAME, "X-CSRFToken": page["csrf_token"], "Origin": FRAME_ORIGIN}

    def get(self, path: str, headers: dict | None = None, **kwargs: Any):
        return self.client.get(path, headers={**self.headers, **(headers or {})}, **kwargs)

    def post(self, path: str, headers: dict | None = None, **kwargs: Any):
        return self.client.post(path, headers={**self.headers, **(headers or {})}, **kwargs)

    def patch(self, path: str, headers: dict | None = None, **kwargs: Any):
        return self.client.patch(path, headers={**self.headers, **(headers or {})}, **kwargs)

    def delete(self, path: str, headers: dict | None = None, **kwargs: Any):
        return self.client.delete(path, headers={**self.headers, **(headers or {})}, **kwargs)

    def comment(self, body: str = "Hello", **payload: Any) -> dict:
        data = {"site": "news", "article": "a1", "body": body, "author_name": "Guest", **payload}
        response = self.post("/api/v1/comments", json=data)
        assert response.status_code == 201, response.get_json()
        return response.get_json()

    def thread(self, article: str = "a1", **params: Any) -> dict:
        query = {"site": "news", "article": article, **params}
        response = self.get("/api/v1/threads", query_string=query)
        assert response.status_code == 200, response.get_json()
        return response.get_json()


def walk(comments: list[dict]):
    for comment in comments:
        yield comment
        yield from walk(comment["replies"])


def documented_codes(spec: dict, path: str, method: str) -> set[str]:
    """The error codes the OpenAPI document lists on one operation, less those of the request
    layer that every operation lists (tests/test_openapi.py and, for the HTTP server's own
    refusals, tests/test_errors.py prove those)."""
    return documented_error_codes(spec, path, method) - REQUEST_LAYER_CODES


def assert_errors_are_documented(spec: dict, path: str, method: str, responses: list) -> None:
    """Each response fits its documented schema, and together they show every documented error
    code (except rate_limited, which the rate limit tests produce)."""
    seen = set()
    for response in responses:
        assert_matches_documented_response(spec, path, method, response)
        if response.status_code >= 400:
            seen.add(response.get_json()["error"]["code"])
    assert documented_codes(spec, path, method) - {"rate_limited"} == seen, f"{method} {path}"


@contextmanager
def rate_limited_app(app: Flask, **config: Any) -> Iterator[Flask]:
    """A second app on the same database with rate limits on (the test config turns them off)."""
    limited = create_app(
        {
            **base_config(app.config["SQLALCHEMY_DATABASE_URI"], app.instance_path),
            "RATELIMIT_ENABLED": True,
            **config,
        }
    )
    install_guest_pages(limited)
    try:
        yield limited
    finally:
        with limited.app_context():
            db.session.remove()
            db.engine.dispose()


def sso_headers_refused(app: Flask) -> list[dict[str, str]]:
    """``X-Parley-SSO`` headers each widget endpoint refuses on the site ``news``: a malformed
    token (401 invalid_sso_token), an expired one (401 sso_token_expired), and a valid token of
    another site's publisher (403 forbidden: a publisher vouches for its readers on its own site
    only). Configures that other site, ``pub``, with single sign-on."""
    secret = "publisher-shared-secret-0123456789abcdef"
    with app.app_context():
        create_site("pub", "Pub", origins=["https://pub.example"])
        configure(get_site("pub"), secret=secret)

    def token(exp: int) -> str:
        claims = {"sub": "p-1", "name": "Pub Reader", "aud": "pub", "exp": exp}
        return jwt.encode(claims, secret, algorithm="HS256")

    now = int(time.time())
    return [
        {"X-Parley-SSO": "not-a-jwt"},
        {"X-Parley-SSO": token(now - 3600)},
        {"X-Parley-SSO": token(now + 600)},
    ]
