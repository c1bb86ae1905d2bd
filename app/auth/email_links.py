"""Pages that links in e-mails open: confirm an address, choose a new password.

They are first-party pages on Parley's origin (the reader opens them from their mail, not
inside a news site's frame). A reset link works once and for an hour
(app.services.email_links); the new password obeys the same strength rule as at sign-up, and
setting it ends every session of the account.
"""

from __future__ import annotations

from flask import current_app, render_template, request
from werkzeug.wrappers import Response

from app.auth import bp
from app.limits import EMAIL_LINK_TOKEN_MAX
from app.services.email_links import user_for_reset, verify_email
from app.services.errors import DomainError
from app.services.reader_accounts import reset_password


@bp.get("/verify/<token>")
def verify_address(token: str) -> tuple[str, int] | str:
    try:
        user = verify_email(current_app.secret_key, token[:EMAIL_LINK_TOKEN_MAX])
    except DomainError as error:
        return render_template("auth/message.html", title="Link not valid", text=error.message), 400
    text = f"Thank you, {user.name}: your e-mail address is confirmed."
    return render_template("auth/message.html", title="Address confirmed", text=text)


@bp.route("/reset/<token>", methods=["GET", "POST"])
def choose_password(token: str) -> Response | tuple[str, int] | str:
    token = token[:EMAIL_LINK_TOKEN_MAX]
    try:
        user_for_reset(current_app.secret_key, token)
    except DomainError as error:
        return render_template("auth/message.html", title="Link not valid", text=error.message), 400
    if request.method == "GET":
        return render_template("auth/reset.html", error=None)
    try:
        reset_password(current_app.secret_key, token, request.form.get("password", ""))
    except DomainError as error:
        return render_template("auth/reset.html", error=error.message), 400
    text = "Your new password is set. Every earlier session has ended: sign in again."
    return render_template("auth/message.html", title="Password changed", text=text)
