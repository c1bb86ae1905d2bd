"""The reader's own account through the API: SSO sign-in for the frame, sign-out, profile.

Cookie-authenticated calls pass the API's CSRF check (``app.api.auth``) like every other.
"""

from __future__ import annotations

from flask import current_app

from app.api import bp
from app.api.payloads.answers import Account, SessionsEnded, SsoSession, VerificationSent
from app.auth.signing import begin_session, current_session_token, finish_session
from app.models import User
from app.services.avatars import avatar_url
from app.services.errors import Unauthorized, ValidationError
from app.services.profiles import update_profile
from app.services.reader_accounts import change_password, request_email_change
from app.services.reader_data import delete_account, export_reader_data
from app.services.sites import get_site
from app.services.sso import reader_for_token
from app.services.user_sessions import end_sessions
from app.web.mail import account_links
from app.web.parsing import json_body
from app.web.serializers import public_base_url
from app.web.viewer import current_viewer, has_session_cookie


def account_json(user: User) -> Account:
    """The reader's own account as they may see it (their address included, nobody else's)."""
    return {
        "id": user.id,
        "name": user.name,
        "kind": user.kind,
        "email": user.email,
        "email_verified": user.email_verified_at is not None,
        "avatar_url": avatar_url(public_base_url(), user),
        "badge": user.sso_badge,
        "reply_notifications": user.reply_notifications,
    }


def require_user() -> User:
    viewer = current_viewer()
    if viewer.user is None:
        raise Unauthorized("sign in first", "sign_in_required")
    return viewer.user


@bp.post("/sso/session")
def start_sso_session():
    """Sign the frame's (or a browser's) session in with a publisher's SSO token."""
    data = json_body()
    if not has_session_cookie():
        raise ValidationError(
            "this starts a cookie session; API clients send X-Parley-SSO with each request",
            "session_required",
        )
    viewer = current_viewer()  # checks CSRF for the cookie session
    slug = data.get("site")
    site = get_site(slug) if isinstance(slug, str) and slug else None
    before = viewer.user
    profile = (before.name, before.sso_avatar_url, before.sso_badge) if before else None
    user = reader_for_token(data.get("token"), site)
    same_reader = before is not None and before.id == user.id
    if not same_reader:
        begin_session(user, channel="sso")
    changed = not same_reader or profile != (user.name, user.sso_avatar_url, user.sso_badge)
    answer: SsoSession = {"account": account_json(user), "changed": changed}
    return answer


@bp.delete("/session")
def end_this_session():
    """Sign out of this cookie session (the server forgets it: the cookie stops working)."""
    current_viewer()  # CSRF
    if has_session_cookie():
        finish_session()
    return "", 204


@bp.get("/me")
def get_me():
    response = current_app.json.response(account_json(require_user()))
    response.headers["Cache-Control"] = "private, no-store"
    return response


@bp.patch("/me")
def patch_me():
    """Change the display name and/or the reply-notification preference."""
    data = json_body()
    user = update_profile(
        require_user(), name=data.get("name"), reply_notifications=data.get("reply_notifications")
    )
    return account_json(user)


@bp.post("/me/password")
def post_my_password():
    """Change the password; every other session of the account ends."""
    data = json_body()
    user = require_user()
    ended = change_password(
        user,
        data.get("current_password"),
        data.get("new_password"),
        keep_session=current_session_token() if has_session_cookie() else None,
    )
    answer: SessionsEnded = {"sessions_ended": ended}
    return answer


@bp.post("/me/email")
def post_my_email():
    """Ask to change the address: it changes once the link sent to the new address is followed."""
    data = json_body()
    request_email_change(require_user(), data.get("password"), data.get("email"), account_links())
    answer: VerificationSent = {"status": "verification_sent"}
    return answer, 202


@bp.delete("/me/sessions")
def delete_my_sessions():
    """Sign out everywhere: every session of the account ends, this one included."""
    user = require_user()
    ended = end_sessions(user)
    if has_session_cookie():
        finish_session()
    answer: SessionsEnded = {"sessions_ended": ended}
    return answer


@bp.get("/me/data")
def get_my_data():
    """Download my data: the account, comments, votes, reactions and reports, as JSON."""
    response = current_app.json.response(export_reader_data(require_user()))
    response.headers["Cache-Control"] = "private, no-store"
    response.headers["Content-Disposition"] = 'attachment; filename="parley-my-data.json"'
    return response


@bp.delete("/me")
def delete_me():
    """Delete my account (confirmed with the password, for accounts that have one)."""
    data = json_body()
    delete_account(require_user(), data.get("password"))
    if has_session_cookie():
        finish_session()
    return "", 204
