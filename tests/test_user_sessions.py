"""Sessions the server can end: sign-out, remember-me, password change, sign out everywhere,
bans everywhere, revoked API tokens, CSRF, and readers kept out of moderation."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import func, select

from app.extensions import db
from app.models import ApiToken, Role, User, UserSession, utcnow
from app.services import authors
from tests.dashboard_support import PASSWORD, csrf_token
from tests.factories import bearer, make_site, make_token, make_user, post_ok
from tests.identity_support import STRONG, FrameReader
from tests.widget_support import guest_pages  # noqa: F401 - autouse fixture


def dashboard_sign_in(app, email: str, remember: bool):
    client = app.test_client()
    form = {"email": email, "password": PASSWORD, "csrf_token": csrf_token(client)}
    if remember:
        form["remember"] = "1"
    response = client.post("/auth/login", data=form)
    assert response.status_code == 302
    return client, response


def test_dashboard_sign_out_ends_the_session_for_a_replayed_cookie(app):
    make_user(app, "mod@example.org", "Mod", role=Role.MODERATOR)
    client, _ = dashboard_sign_in(app, "mod@example.org", remember=False)
    cookie = client.get_cookie("parley_session").value
    assert client.get("/moderation/").status_code == 200
    client.post("/auth/logout", data={"csrf_token": csrf_token(client, "/moderation/")})
    replay = app.test_client()
    replay.set_cookie("parley_session", cookie)
    assert replay.get("/moderation/").status_code == 302  # to the sign-in page


def test_remember_me_is_a_random_revocable_token_not_a_fixed_cookie(app):
    make_user(app, "mod@example.org", "Mod", role=Role.MODERATOR)
    first, response = dashboard_sign_in(app, "mod@example.org", remember=True)
    second, _ = dashboard_sign_in(app, "mod@example.org", remember=True)
    cookies = [h for h in response.headers.getlist("Set-Cookie") if h.startswith("parley_session")]
    assert "Expires=" in cookies[0]  # survives a browser restart
    assert not [h for h in response.headers.getlist("Set-Cookie") if "remember_token" in h]
    with app.app_context():
        rows = db.session.scalars(select(UserSession)).all()
        assert len(rows) == 2 and rows[0].token_hash != rows[1].token_hash
        assert all(row.expires_at > utcnow() + timedelta(days=29) for row in rows)
        db.session.delete(rows[0])  # revoke the first sign-in only
        db.session.commit()
    assert first.get("/moderation/").status_code == 302
    assert second.get("/moderation/").status_code == 200


def test_expired_session_is_anonymous(app):
    make_site(app)
    reader = FrameReader(app)
    reader.sign_up()
    with app.app_context():
        row = db.session.scalar(select(UserSession))
        row.expires_at = utcnow() - timedelta(seconds=1)
        db.session.commit()
    assert reader.me().status_code == 401


def test_password_change_ends_the_other_sessions(app):
    make_site(app)
    here, elsewhere = FrameReader(app), FrameReader(app)
    here.sign_up()
    elsewhere.sign_in()
    change = {"current_password": STRONG, "new_password": "quiet-harbour-meadow-7"}
    wrong = here.api("POST", "/api/v1/me/password", json={**change, "current_password": "nope"})
    assert wrong.status_code == 401 and wrong.get_json()["error"]["code"] == "wrong_password"
    answer = here.api("POST", "/api/v1/me/password", json=change)
    assert answer.status_code == 200 and answer.get_json() == {"sessions_ended": 1}
    assert here.me().status_code == 200
    assert elsewhere.me().status_code == 401
    assert FrameReader(app).sign_in(password="quiet-harbour-meadow-7").status_code == 303


def test_sign_out_everywhere(app):
    make_site(app)
    one, two = FrameReader(app), FrameReader(app)
    one.sign_up()
    two.sign_in()
    answer = one.api("DELETE", "/api/v1/me/sessions")
    assert answer.get_json() == {"sessions_ended": 2}
    assert one.me().status_code == 401 and two.me().status_code == 401


def test_an_account_banned_everywhere_loses_sessions_and_tokens_at_once(app):
    make_site(app)
    admin_id = make_user(app, "admin@example.org", "Admin", role=Role.ADMIN)
    mod_id = make_user(app, "mod@example.org", "Mod", role=Role.MODERATOR)
    token = make_token(app, "mod@example.org")
    moderator, _ = dashboard_sign_in(app, "mod@example.org", remember=True)
    queue = "/api/v1/moderation/queues/pending?site=news"
    assert moderator.get("/moderation/").status_code == 200
    assert moderator.get(queue, headers=bearer(token)).status_code == 200
    with app.app_context():
        authors.ban_author(
            authors.AuthorRef(user_id=mod_id), db.session.get(User, admin_id), "everywhere", "rogue"
        )
    assert moderator.get("/moderation/").status_code == 302
    refused = app.test_client().get(queue, headers=bearer(token))
    assert refused.status_code == 401 and refused.get_json()["error"]["code"] == "invalid_token"
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(ApiToken)) == 0
        assert db.session.scalar(select(func.count()).select_from(UserSession)) == 0


def test_users_token_revoke(app, runner):
    make_site(app)
    make_user(app, "bot@example.org", "Bot")
    token = make_token(app, "bot@example.org")
    client = app.test_client()
    assert client.get("/api/v1/me", headers=bearer(token)).status_code == 200
    result = runner.invoke(args=["users", "token", "bot@example.org", "--revoke"])
    assert result.exit_code == 0 and "Revoked 1 API token(s)" in result.output
    assert client.get("/api/v1/me", headers=bearer(token)).status_code == 401


def test_cross_site_requests_cannot_post_vote_or_change_a_profile(app):
    """A page on another site can make the browser send the frame's SameSite=None cookie,
    but not the session's CSRF token (nor the custom headers, without a CORS preflight)."""
    make_site(app)
    reader = FrameReader(app)
    reader.sign_up()
    comment = post_ok(app.test_client())
    cookie = reader.frame_cookie()
    forged = app.test_client()
    forged.set_cookie("parley_frame", cookie)
    attempts = [
        ("POST", "/api/v1/comments", {"site": "news", "article": "a1", "body": "forged"}),
        ("POST", f"/api/v1/comments/{comment['id']}/votes", {"value": 1}),
        ("PATCH", "/api/v1/me", {"name": "Forged"}),
        ("DELETE", "/api/v1/me/sessions", None),
    ]
    for method, path, body in attempts:
        response = forged.open(path, method=method, json=body, headers={"X-Parley-Frame": "1"})
        assert response.status_code == 403, path
        assert response.get_json()["error"]["code"] == "csrf_failed"
    # A cross-site form post to a frame page carries the cookie, never the CSRF token.
    form = forged.post("/embed/account/signout?site=news&article=a1", data={})
    assert form.status_code == 403
    assert reader.me().get_json()["name"] == "Ada"
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(UserSession)) == 1


def test_a_readers_session_reaches_no_moderation_route(app):
    make_site(app)
    reader = FrameReader(app)
    reader.sign_up()
    comment = post_ok(app.test_client())
    queue = reader.api("GET", "/api/v1/moderation/queues/pending?site=news")
    assert queue.status_code == 403 and queue.get_json()["error"]["code"] == "forbidden"
    action = reader.api(
        "POST", f"/api/v1/moderation/comments/{comment['id']}", json={"action": "reject"}
    )
    assert action.status_code == 403
    dashboard = reader.client.get("/moderation/")
    assert dashboard.status_code in (302, 403)
