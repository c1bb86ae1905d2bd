"""Staff one-time passwords: turn them on (secret, first code, recovery codes) or off.

``/auth/totp`` is for moderators and admins signed in on Parley's own pages. The dashboard
sends staff here first when a site they moderate requires one-time passwords.
"""

from __future__ import annotations

from flask import abort, render_template, request
from flask_login import login_required

from app.auth import bp
from app.services import totp
from app.services.errors import DomainError
from app.web.viewer import signed_in_user


@bp.route("/totp", methods=["GET", "POST"])
@login_required
def totp_settings() -> str | tuple[str, int]:
    user = signed_in_user()
    if user is None or not user.is_staff:
        abort(403)
    context: dict = {"uri": None, "secret": None, "codes": None, "error": None}
    action = request.form.get("action") if request.method == "POST" else None
    try:
        if action == "start":
            context["uri"] = totp.begin_enrollment(user)
            context["secret"] = user.totp_secret
        elif action == "confirm":
            context["codes"] = totp.confirm_enrollment(user, request.form.get("code"))
        elif action == "disable":
            totp.disable(user, request.form.get("code"))
    except DomainError as error:
        context["error"] = error.message
    page = render_template(
        "auth/totp.html",
        enabled=totp.enabled(user),
        required=totp.required_for(user),
        pending=user.totp_secret is not None and not totp.enabled(user),
        **context,
    )
    return (page, 400) if context["error"] else page
