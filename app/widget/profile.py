"""The signed-in reader's profile, inside the widget frame (``/embed/account/profile``).

Display name and reply e-mails (a plain form), avatar upload with a preview (account.js sends
it to ``PUT /api/v1/me/avatar``), their latest comments, "Download my data" (a JSON file from
the frame's own session) and "Delete my account" (confirmed with the password).
"""

from __future__ import annotations

import json
import secrets

from flask import Response, redirect, render_template, request

from app.auth.signing import finish_session
from app.i18n import catalogue
from app.services.avatars import avatar_url
from app.services.errors import DomainError
from app.services.profiles import update_profile
from app.services.reader_data import delete_account, export_reader_data, recent_comments
from app.services.sites import get_site
from app.web.serializers import public_base_url
from app.web.viewer import current_viewer
from app.widget import bp
from app.widget.account import thread_url
from app.widget.assets import asset
from app.widget.frame import allowed_host, frame_response, read_options


def profile_page(user, *, error: str | None = None, notice: str | None = None, status: int = 200):
    options = read_options()
    site = get_site(options.site)
    html = render_template(
        "widget/profile.html",
        options=options,
        t=catalogue(options.lang),
        user=user,
        avatar=avatar_url(public_base_url(), user),
        comments=recent_comments(user),
        error=error,
        notice=notice,
        back=thread_url(),
        asset_version=lambda file: asset(file).version,
        config={"host": allowed_host(site, options.host_origin)},
    )
    response = frame_response(html, site, secrets.token_urlsafe(16))
    response.status_code = status
    return response


@bp.route("/embed/account/profile", methods=["GET", "POST"])
def profile() -> Response:
    user = current_viewer().user
    if user is None:
        return redirect(thread_url(), 303)
    if request.method == "GET":
        return profile_page(user)
    t = catalogue(read_options().lang)
    try:
        update_profile(
            user,
            name=request.form.get("name") if user.kind == "account" else None,
            reply_notifications=request.form.get("reply_notifications") == "on",
        )
    except DomainError as error:
        return profile_page(user, error=error.message, status=error.status)
    return profile_page(user, notice=t("profile_saved"))


@bp.get("/embed/account/data")
def download_data() -> Response:
    user = current_viewer().user
    if user is None:
        return redirect(thread_url(), 303)
    body = json.dumps(export_reader_data(user), ensure_ascii=False, indent=2)
    response = Response(body, mimetype="application/json")
    response.headers["Content-Disposition"] = 'attachment; filename="parley-my-data.json"'
    response.headers["Cache-Control"] = "private, no-store"
    return response


@bp.post("/embed/account/delete")
def delete_my_account() -> Response:
    user = current_viewer().user
    if user is None:
        return redirect(thread_url(), 303)
    try:
        delete_account(user, request.form.get("password", ""))
    except DomainError as error:
        return profile_page(user, error=error.message, status=error.status)
    finish_session()
    return redirect(thread_url(), 303)
