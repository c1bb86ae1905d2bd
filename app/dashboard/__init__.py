"""The moderator dashboard at /moderation/: server-rendered pages and POST-only forms.

Who gets in is decided here once for every route of the blueprint: anonymous visitors are sent
to /auth/login, signed-in readers get 403, and views act as ``staff_member()`` (the User row).
Which sites a moderator may see or act on is decided by the services with the rules of
``app.services.permissions``, which raise ``Forbidden``; the app's
error handler turns that into a 403 page. Every form is POST with a CSRF token (CSRFProtect is
active app-wide), so no link can change anything.
"""

from __future__ import annotations

from flask import Blueprint, g, redirect, request, url_for
from werkzeug.wrappers import Response

from app.extensions import login_manager
from app.models import User
from app.services import totp
from app.services.errors import NotFound
from app.services.permissions import require_staff
from app.services.sites import SLUG_RE
from app.web.viewer import signed_in_user

bp = Blueprint("dashboard", __name__, url_prefix="/moderation")

# The dashboard renders reader-written (sanitized) HTML: no script may run but our own file.
CONTENT_SECURITY_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
)


@bp.before_request
def admit_staff_only() -> Response | None:
    """Anonymous -> the sign-in page (with ``next``); readers -> 403; staff go on."""
    user = signed_in_user()
    if user is None:
        return login_manager.unauthorized()
    g.staff_member = require_staff(user)
    if not totp.enabled(user) and totp.required_for(user):
        return redirect(url_for("auth.totp_settings"))  # a site requires one-time passwords
    slug = (request.view_args or {}).get("site_slug")
    if slug is not None and not SLUG_RE.match(slug):
        raise NotFound(f"no site with slug {slug[:64]!r}", "unknown_site")
    return None


def staff_member() -> User:
    """The signed-in moderator or admin this request acts as (admitted by the blueprint)."""
    return g.staff_member


@bp.after_request
def protect_pages(response: Response) -> Response:
    # Framing, nosniff and the referrer policy: app.security_headers, for every response.
    response.headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
    response.headers.setdefault("Cache-Control", "no-store")
    return response


from app.dashboard import (  # noqa: E402,F401  (routes)
    actions,
    alerts,
    history,
    queues,
    sites,
    staff,
    webhooks,
)
