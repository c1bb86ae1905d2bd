"""Sign-in and sign-out for people (moderators, admins and readers with accounts)."""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import Blueprint, redirect, render_template, request, url_for
from flask_login import current_user, login_required, login_user, logout_user
from werkzeug.wrappers import Response

from app.extensions import db, limiter, login_manager
from app.models import User, UserStatus
from app.services.accounts import may_sign_in
from app.services.users import authenticate

bp = Blueprint("auth", __name__, url_prefix="/auth")

login_manager.login_view = "auth.login"
login_manager.login_message = "Sign in to continue."
DASHBOARD = "/moderation/"  # the contract: a moderator who signs in lands here


@login_manager.user_loader
def load_user(user_id: str) -> User | None:
    try:
        user = db.session.get(User, int(user_id))
    except ValueError:
        return None
    if user is None or user.status == UserStatus.BANNED:
        return None
    return user


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
@limiter.limit("20/minute", methods=["POST"])
def login() -> Response | str | tuple[str, int]:
    """The sign-in form; a successful sign-in lands on the dashboard (or a local ``next``).

    Every failure (unknown email, wrong password, banned account) gets the same message and
    status, so the form does not tell who has an account (a banned person learns nothing
    about the ban from it either).
    """
    if request.method == "GET" and current_user.is_authenticated:
        return redirect(safe_next(request.args.get("next"), landing_page(current_user)))
    error = None
    email = ""
    if request.method == "POST":
        email = request.form.get("email", "")[:254]
        password = request.form.get("password", "")[:1024]
        user = authenticate(email, password)
        if user is not None and may_sign_in(user):
            login_user(user, remember=bool(request.form.get("remember")))
            return redirect(safe_next(request.args.get("next"), landing_page(user)))
        # One message whether the account exists or not.
        error = "That email and password do not match an account."
    page = render_template("auth/login.html", error=error, email=email)
    return (page, 401) if error else page


@bp.post("/logout")
@login_required
def logout() -> Response:
    logout_user()
    return redirect(url_for("auth.login"))
