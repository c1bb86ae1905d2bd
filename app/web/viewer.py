"""Who is asking, and the one CSRF check for state-changing requests that carry a cookie.

* ``Authorization: Bearer <token>``: that user; cookies are ignored, no CSRF token needed.
* ``X-Parley-SSO: <publisher's JWT>``: that site's SSO reader (app.services.sso); cookies are
  ignored and no CSRF token is needed (a page on another site cannot send this header
  without a CORS preflight, which Parley does not grant).
* A Parley session cookie: the signed-in user or the guest's browser id from the session;
  state-changing requests must carry the CSRF token (``X-CSRFToken`` header).
* Neither: an anonymous guest. The API never sets a cookie on such a client.

Services receive what these resolve to: a real ``User`` (never Flask-Login's proxy or its
anonymous object) or None, inside a ``Viewer``.
"""

from __future__ import annotations

from flask import current_app, g, request, session
from flask_login import current_user
from flask_wtf.csrf import CSRFError

from app.extensions import csrf
from app.models import User
from app.services.errors import Forbidden, Unauthorized
from app.services.identity import Viewer, hash_guest_id, hash_ip
from app.services.sso import reader_for_token
from app.services.users import user_for_token
from app.sessions import GUEST_ID_KEY, session_cookie_name

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
SSO_HEADER = "X-Parley-SSO"


def bearer_token() -> str | None:
    header = request.headers.get("Authorization")
    if header is None:
        return None
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise Unauthorized("Authorization must be 'Bearer <token>'", "invalid_token")
    return token.strip()


def has_session_cookie() -> bool:
    """True when the request carries the session cookie it uses (the frame's or Parley's own)."""
    return session_cookie_name(current_app) in request.cookies


def signed_in_user() -> User | None:
    """The account signed in with the session cookie, as the User row itself, or None."""
    if not current_user.is_authenticated:
        return None
    return current_user._get_current_object()  # noqa: SLF001 - werkzeug's documented unwrap


def require_csrf_for_cookie_writes() -> None:
    """before_request: a state-changing request that carries a session cookie (and no bearer
    token or SSO header, which ignore cookies) must carry the CSRF token. Raises
    Forbidden(csrf_failed).

    Registered once, on the API blueprint, so no endpoint can miss it; every other blueprint
    (the frame's /embed/ routes included) is under Flask-WTF's app-wide check, which asks every
    state-changing request for the token. tests/test_csrf_coverage.py walks the URL map.
    """
    if request.method in SAFE_METHODS or "Authorization" in request.headers:
        return
    if SSO_HEADER in request.headers:  # like a bearer token: the header, not a cookie, decides
        return
    if not has_session_cookie():
        return
    try:
        csrf.protect()
    except CSRFError as exc:
        raise Forbidden(
            f"CSRF check failed ({exc.description}); send the X-CSRFToken header", "csrf_failed"
        ) from None


def current_viewer() -> Viewer:
    """This request's Viewer, resolved once. Raises Unauthorized(invalid_token)."""
    if "parley_viewer" not in g:
        g.parley_viewer = _resolve_viewer()
    return g.parley_viewer


def _resolve_viewer() -> Viewer:
    ip = request.remote_addr
    ip_key = hash_ip(ip, current_app.secret_key) if ip else None
    token = bearer_token()
    if token is not None:
        return Viewer(user=user_for_token(token), ip=ip, ip_key=ip_key)
    sso_token = request.headers.get(SSO_HEADER)
    if sso_token is not None:
        return Viewer(user=reader_for_token(sso_token), ip=ip, ip_key=ip_key)
    if not has_session_cookie():
        return Viewer(ip=ip, ip_key=ip_key)
    user = signed_in_user()
    guest_id = session.get(GUEST_ID_KEY)
    guest_key = hash_guest_id(guest_id) if user is None and isinstance(guest_id, str) else None
    return Viewer(user=user, guest_key=guest_key, ip=ip, ip_key=ip_key)
