"""Sign-in and sign-out for people (moderators, admins and readers with accounts)."""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import Blueprint, redirect, render_template, request, url_for
from flask_login import current_user, login_required
from werkzeug.wrappers import Response

from app.auth.signing import begin_session, finish_session
from app.auth.throttle import throttled_signin
from app.extensions import login_manager
from app.limits import EMAIL_MAX
from app.models import User
from app.services.errors import Unauthorized
from app.services.reader_accounts import sign_in

bp = Blueprint("auth", __name__, url_prefix="/auth")

login_manager.login_view = "auth.login"
login_manager.login_message = "Sign in to continue."
DASHBOARD = "/moderation/"  # the contract: a moderator who signs in lands here


def safe_next(target: str | None, default: str) -> str:
    """Only local paths are followed after sign-in (no open redirect).

    A target with a control character (CR/LF would split the Location header) or a space is
    never a path Parley links to: the default instead.
    """
    if not target or any(ch <= " " or ch == "\x7f" for ch in target):
        return default
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//"):
        return default
    if "\\" in target:
        return default
    return target


def landing_page(user: User) -> str:
    return DASHBOARD if user.is_staff else "/"


@bp.route("/login", methods=["GET", "POST"])
@throttled_signin
def login() -> Response | str | tuple[str, int]:
    """The sign-in form; a successful sign-in lands on the dashboard (or a local ``next``).

    Every failure (unknown email, wrong password, banned account) gets the same message and
    status, so the form does not tell who has an account (a banned person learns nothing
    about the ban from it either).
    """
    if request.method == "GET" and current_user.is_authenticated:
        return redirect(safe_next(request.args.get("next"), landing_page(current_user)))
    error = None
    need_code = False
    email = ""
    if request.method == "POST":
        form = request.form
        email = form.get("email", "")[:EMAIL_MAX]
        try:
            user = sign_in(email, form.get("password", ""), form.get("code"))
        except Unauthorized as failure:  # one message whether the account exists or not
            error, need_code = failure.message, failure.code == "code_required"
        else:
            begin_session(user, remember=bool(form.get("remember")))
            return redirect(safe_next(request.args.get("next"), landing_page(user)))
    page = render_template("auth/login.html", error=error, email=email, need_code=need_code)
    return (page, 401) if error else page


@bp.post("/logout")
@login_required
def logout() -> Response:
    finish_session()
    return redirect(url_for("auth.login"))


from app.auth import email_links, mail_choices, totp  # noqa: E402,F401  (routes register on bp)
