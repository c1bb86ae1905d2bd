"""Signing in, creating an account and signing out, inside the widget frame.

The forms are pages of the frame itself (``/embed/account/...``, same iframe, Parley's origin),
so the session they start lives in the frame's partitioned cookie (``app.sessions``): that is
what works in browsers that block third-party cookies. No password ever passes through the
publisher's page, which cannot read a cross-origin frame. ``docs/identity.md`` explains the
choice (against a pop-up window on Parley's origin) and its security properties.

Every page takes the thread frame's own query string and leads back to that thread; the way
back is always ``/embed/thread?<that query>``, so there is no redirect target to abuse.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable

from flask import Response, redirect, render_template, request, url_for

from app.auth.signing import begin_session, finish_session
from app.auth.throttle import throttled_signin
from app.i18n import catalogue
from app.limits import AUTHOR_NAME_MAX, EMAIL_MAX
from app.models import User
from app.services import reader_accounts
from app.services.errors import DomainError
from app.services.sites import get_site
from app.sessions import ensure_guest_id
from app.web.mail import account_links
from app.widget import bp
from app.widget.assets import asset
from app.widget.frame import allowed_host, frame_response, read_options

HEADINGS = {"signin": "sign_in_heading", "signup": "sign_up_heading", "reset": "reset_heading"}


def thread_url() -> str:
    query = request.query_string.decode()
    return url_for("widget.show_thread") + (f"?{query}" if query else "")


def account_page(
    mode: str,
    *,
    error: str | None = None,
    notice: str | None = None,
    status: int = 200,
    email: str = "",
    name: str = "",
    need_code: bool = False,
) -> Response:
    options = read_options()
    site = get_site(options.site)
    nonce = secrets.token_urlsafe(16)
    html = render_template(
        "widget/account.html",
        mode=mode,
        heading=HEADINGS[mode],
        options=options,
        t=catalogue(options.lang),
        error=error,
        notice=notice,
        email=email[:EMAIL_MAX],
        name=name[:AUTHOR_NAME_MAX],
        need_code=need_code,
        back=thread_url(),
        asset_version=lambda file: asset(file).version,
        config={"host": allowed_host(site, options.host_origin)},
    )
    response = frame_response(html, site, nonce)
    response.status_code = status
    return response


def start_session(
    mode: str, account: Callable[[], User], *, email: str, name: str = ""
) -> Response:
    """Sign in with the account ``account()`` answers and go back to the thread; on a refusal,
    the same form again with the reason and what the reader typed (never the password)."""
    try:
        user = account()
    except DomainError as error:
        return account_page(
            mode,
            error=error.message,
            status=error.status,
            email=email,
            name=name,
            need_code=error.code == "code_required",
        )
    begin_session(user)
    return redirect(thread_url(), 303)


@bp.route("/embed/account/signin", methods=["GET", "POST"])
@throttled_signin
def sign_in() -> Response:
    ensure_guest_id()
    if request.method == "GET":
        return account_page("signin")
    form = request.form
    email = form.get("email", "")
    return start_session(
        "signin",
        lambda: reader_accounts.sign_in(email, form.get("password", ""), form.get("code")),
        email=email,
    )


@bp.route("/embed/account/signup", methods=["GET", "POST"])
def sign_up() -> Response:
    ensure_guest_id()
    if request.method == "GET":
        return account_page("signup")
    form = request.form
    email, name = form.get("email", ""), form.get("name", "")
    return start_session(
        "signup",
        lambda: reader_accounts.sign_up(name, email, form.get("password", ""), account_links()),
        email=email,
        name=name,
    )


@bp.route("/embed/account/reset", methods=["GET", "POST"])
def reset_password() -> Response:
    ensure_guest_id()
    if request.method == "GET":
        return account_page("reset")
    reader_accounts.request_password_reset(request.form.get("email", ""), account_links())
    return account_page("reset", notice=catalogue(read_options().lang)("reset_sent"))


@bp.post("/embed/account/signout")
def sign_out() -> Response:
    finish_session()
    return redirect(thread_url(), 303)
