"""Two session cookies: one for Parley's own pages, one for the widget frame.

The widget runs in an iframe on the publisher's page, a *cross-site* context. Browsers that
block third-party cookies (Chromium's default in Playwright, Safari, Firefox's strict mode)
store nothing there except CHIPS cookies: ``Secure; SameSite=None; Partitioned``. Such a cookie
is keyed by the top-level site, so a reader gets one frame identity per news site.

* Requests for the frame (path under ``/embed/``) and API calls sent by the frame's script
  (header ``X-Parley-Frame: 1``) use the cookie ``parley_frame``: HttpOnly, Secure,
  SameSite=None, Partitioned. Chromium accepts Secure cookies on http://localhost too.
* Every other request (sign-in, dashboard, the demo) uses ``parley_session`` with the
  configured attributes (SameSite=Lax; Secure only with PARLEY_SECURE_COOKIES=on).

SameSite=None means the browser sends the frame cookie on cross-site requests, so every
state-changing API call that carries it must pass CSRF (``app.web.viewer`` enforces that for any
cookie-carrying request). The cookie is only ever written when the session changed or is a
permanent one being refreshed: a client that sent no cookie never gets one from the API.
"""

from __future__ import annotations

import secrets

from flask import Flask, has_request_context, request, session
from flask.sessions import SecureCookieSessionInterface

FRAME_COOKIE_NAME = "parley_frame"
FRAME_PATH_PREFIX = "/embed/"
FRAME_HEADER = "X-Parley-Frame"
GUEST_ID_KEY = "guest_id"


def is_frame_request() -> bool:
    """True when this request comes from (or is) the widget frame."""
    if not has_request_context():
        return False
    return request.path.startswith(FRAME_PATH_PREFIX) or request.headers.get(FRAME_HEADER) == "1"


class ParleySessionInterface(SecureCookieSessionInterface):
    """Flask's signed-cookie session, under the frame cookie or the first-party cookie."""

    def get_cookie_name(self, app: Flask) -> str:
        return FRAME_COOKIE_NAME if is_frame_request() else super().get_cookie_name(app)

    def get_cookie_secure(self, app: Flask) -> bool:
        return True if is_frame_request() else super().get_cookie_secure(app)

    def get_cookie_samesite(self, app: Flask) -> str | None:
        return "None" if is_frame_request() else super().get_cookie_samesite(app)

    def get_cookie_partitioned(self, app: Flask) -> bool:
        return True if is_frame_request() else super().get_cookie_partitioned(app)

    def get_cookie_httponly(self, app: Flask) -> bool:
        return True if is_frame_request() else super().get_cookie_httponly(app)


def session_cookie_name(app: Flask) -> str:
    """The name of the session cookie this request reads and writes."""
    return app.session_interface.get_cookie_name(app)


def ensure_guest_id() -> str:
    """This browser's guest id, created (random, 18 bytes) and stored in the session if absent.

    The session becomes permanent (a dated cookie, renewed on each visit, lasting
    PERMANENT_SESSION_LIFETIME) so a guest keeps their identity across browser restarts.
    Only the raw id lives in the signed cookie; the database stores its hash
    (``app.services.identity.hash_guest_id``).
    """
    guest_id = session.get(GUEST_ID_KEY)
    if not isinstance(guest_id, str) or not guest_id:
        guest_id = secrets.token_urlsafe(18)
        session[GUEST_ID_KEY] = guest_id
    session.permanent = True
    return guest_id
