"""Sign-in at /auth/login: where people land, one message for every failure, safe ``next``."""

from __future__ import annotations

import re

import pytest

from app.extensions import db
from app.models import Role, User, UserStatus
from app.services.authors import AuthorRef, ban_author, suspend_author
from tests.dashboard_support import PASSWORD, csrf_token, sign_in
from tests.factories import make_site, make_user

FAILED = "That email and password do not match an account."


@pytest.fixture
def moderator(app):
    make_site(app)
    make_user(app, "mod@example.org", "Mod", Role.MODERATOR, ("news",))
    return "mod@example.org"


def test_login_page_has_email_password_and_submit(client):
    page = client.get("/auth/login")
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    assert 'name="email"' in html
    assert 'name="password"' in html
    assert 'type="submit"' in html


def test_moderator_who_signs_in_lands_on_the_dashboard(client, moderator):
    response = sign_in(client, moderator)
    assert response.status_code == 302
    assert response.headers["Location"] == "/moderation/"
    assert client.get("/moderation/").status_code == 200


def test_admin_lands_on_the_dashboard_too(app, client):
    make_user(app, "admin@example.org", "Admin", Role.ADMIN)
    response = sign_in(client, "admin@example.org")
    assert response.headers["Location"] == "/moderation/"


def test_reader_who_signs_in_lands_on_the_start_page(app, client):
    make_user(app, "reader@example.org", "Reader")
    response = sign_in(client, "reader@example.org")
    assert response.status_code == 302
    assert response.headers["Location"] == "/"


def test_wrong_password_and_unknown_account_show_the_same_single_message(client, moderator):
    wrong = sign_in(client, moderator, password="not the password")
    unknown = sign_in(client, "nobody@example.org", password=PASSWORD)
    for response in (wrong, unknown):
        html = response.get_data(as_text=True)
        assert response.status_code == 401
        assert html.count(FAILED) == 1
        assert 'role="alert"' in html

    # Nothing else on the two pages differs but the email typed back into the field (and the
    # CSRF token, which is signed with the time).
    def page(response, email: str) -> str:
        html = response.get_data(as_text=True).replace(email, "X")
        return re.sub(r'name="csrf_token" value="[^"]+"', "", html)

    assert page(wrong, moderator) == page(unknown, "nobody@example.org")
    assert client.get("/moderation/").status_code == 302


@pytest.mark.parametrize("target", ["/moderation/audit", "/moderation/queue/spam?site=news"])
def test_next_is_followed_when_it_is_a_local_path(client, moderator, target):
    response = sign_in(client, moderator, next_url=target)
    assert response.headers["Location"] == target


@pytest.mark.parametrize(
    "target",
    [
        "https://evil.example/moderation/",
        "//evil.example/moderation/",
        "/\\evil.example",
        "javascript:alert(1)",
        "moderation/",
        "http:/evil.example",
    ],
)
def test_next_that_leaves_the_site_is_ignored(client, moderator, target):
    response = sign_in(client, moderator, next_url=target)
    assert response.headers["Location"] == "/moderation/"


def test_banned_user_cannot_sign_in_and_sees_the_same_message(app, client, moderator):
    with app.app_context():
        user = db.session.scalar(db.select(User).where(User.email == moderator))
        user.status = UserStatus.BANNED
        db.session.commit()
    response = sign_in(client, moderator)
    assert response.status_code == 401
    assert FAILED in response.get_data(as_text=True)
    assert client.get("/moderation/").status_code == 302


def test_a_session_of_a_user_banned_later_stops_working(app, client, moderator):
    assert sign_in(client, moderator).status_code == 302
    with app.app_context():
        user = db.session.scalar(db.select(User).where(User.email == moderator))
        user.status = UserStatus.BANNED
        db.session.commit()
    response = client.get("/moderation/")
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/auth/login")


def test_sign_in_without_csrf_token_is_refused(client, moderator):
    response = client.post("/auth/login", data={"email": moderator, "password": PASSWORD})
    assert response.status_code == 403
    assert client.get("/moderation/").status_code == 302


def test_sign_out_is_a_post_with_csrf_and_ends_the_session(client, moderator):
    sign_in(client, moderator)
    assert client.get("/auth/logout").status_code == 405
    assert client.post("/auth/logout").status_code == 403
    assert client.get("/moderation/").status_code == 200
    token = csrf_token(client, "/moderation/")
    response = client.post("/auth/logout", data={"csrf_token": token})
    assert response.status_code == 302
    assert client.get("/moderation/").status_code == 302


def test_signed_in_staff_visiting_the_login_page_goes_to_the_dashboard(client, moderator):
    sign_in(client, moderator)
    response = client.get("/auth/login")
    assert response.status_code == 302
    assert response.headers["Location"] == "/moderation/"


def test_overlong_credentials_are_refused_with_the_same_message(client, moderator):
    token = csrf_token(client)
    response = client.post(
        "/auth/login",
        data={"email": moderator + "x" * 5000, "password": "p" * 5000, "csrf_token": token},
    )
    assert response.status_code == 401
    assert FAILED in response.get_data(as_text=True)


def test_an_account_banned_from_every_site_cannot_sign_in(app, client):
    make_site(app)
    make_user(app, "admin@example.org", "Admin", Role.ADMIN)
    reader_id = make_user(app, "reader@example.org", "Reader")
    with app.app_context():
        admin = db.session.scalar(db.select(User).where(User.email == "admin@example.org"))
        ban_author(AuthorRef(user_id=reader_id), admin, scope="everywhere", reason="spam ring")
    response = sign_in(client, "reader@example.org")
    assert response.status_code == 401
    assert FAILED in response.get_data(as_text=True)


def test_a_suspension_or_one_site_ban_does_not_stop_signing_in(app, client):
    make_site(app)
    make_user(app, "mod@example.org", "Mod", Role.MODERATOR, ("news",))
    reader_id = make_user(app, "reader@example.org", "Reader")
    with app.app_context():
        mod = db.session.scalar(db.select(User).where(User.email == "mod@example.org"))
        news_account = AuthorRef(user_id=reader_id, site_slug="news")
        ban_author(news_account, mod, scope="site")
        suspend_author(news_account, mod, days=3)
    response = sign_in(client, "reader@example.org")
    assert response.status_code == 302
    assert response.headers["Location"] == "/"


def test_the_sign_in_prompt_shows_on_the_sign_in_page_not_later(client, moderator):
    response = client.get("/moderation/audit")
    assert response.headers["Location"] == "/auth/login?next=%2Fmoderation%2Faudit"
    assert "Sign in to continue." in client.get("/auth/login").get_data(as_text=True)
    sign_in(client, moderator, next_url="/moderation/audit")
    assert "Sign in to continue." not in client.get("/moderation/audit").get_data(as_text=True)
