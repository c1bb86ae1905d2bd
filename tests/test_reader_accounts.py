"""Readers' accounts inside the widget frame: sign up, sign in, sign out, and what they end."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import func, select

from app.extensions import db
from app.models import User, UserSession
from app.services.users import is_email_address
from tests.factories import make_site, make_user
from tests.identity_support import FrameReader
from tests.widget_support import (
    guest_pages,  # noqa: F401 - autouse fixture
    rate_limited_app,
)


def thread_html(reader: FrameReader) -> str:
    return reader.client.get(f"/embed/thread?{reader.query}").get_data(as_text=True)


def test_creating_an_account_signs_in_at_once_and_the_frame_shows_the_name(app):
    make_site(app)
    reader = FrameReader(app)
    page = reader.page("signup").get_data(as_text=True)
    for label in ("Name", "Email", "Password"):
        assert f">{label}</label>" in page
    assert ">Create account</button>" in page
    response = reader.sign_up()
    assert response.status_code == 303
    assert response.headers["Location"] == f"/embed/thread?{reader.query}"
    assert reader.me().get_json()["name"] == "Ada"
    html = thread_html(reader)
    assert 'class="me">Ada</b>' in html and ">Sign out</button>" in html
    assert 'name="author_name"' not in html  # the comment form asks for no name
    with app.app_context():
        user = db.session.scalar(select(User).where(User.email == "ada@example.org"))
        assert user.password_hash.startswith("scrypt:")
        assert user.email_verified_at is None
        session_row = db.session.scalar(select(UserSession).where(UserSession.user_id == user.id))
        assert session_row.channel == "frame"


def test_signed_in_reader_posts_as_themselves(app):
    make_site(app)
    reader = FrameReader(app)
    reader.sign_up()
    body = {"site": "news", "article": "a1", "body": "As myself"}
    comment = reader.api("POST", "/api/v1/comments", json=body).get_json()
    assert comment["author"]["name"] == "Ada"
    assert "/avatars/i/" in comment["author"]["avatar_url"]


def test_sign_in_page_has_the_contract_labels_and_a_wrong_password_gets_one_message(app):
    make_site(app)
    FrameReader(app).sign_up()
    reader = FrameReader(app)
    page = reader.page("signin").get_data(as_text=True)
    assert ">Email</label>" in page and ">Password</label>" in page
    assert ">Sign in</button>" in page
    wrong = reader.sign_in(password="not-the-password-1")
    unknown = reader.sign_in(email="nobody@example.org")
    assert wrong.status_code == unknown.status_code == 401
    message = "That email and password do not match an account."
    assert message in wrong.get_data(as_text=True) and message in unknown.get_data(as_text=True)
    assert reader.me().status_code == 401
    assert reader.sign_in().status_code == 303
    assert reader.me().get_json()["name"] == "Ada"


def test_a_replayed_cookie_after_sign_out_is_anonymous(app):
    make_site(app)
    reader = FrameReader(app)
    reader.sign_up()
    old_cookie = reader.frame_cookie()
    assert reader.sign_out().status_code == 303
    assert reader.me().status_code == 401
    replay = FrameReader(app)
    replay.client.set_cookie("parley_frame", old_cookie)
    assert replay.me().status_code == 401
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(UserSession)) == 0


def test_signing_up_with_a_taken_address_looks_the_same_and_reveals_nothing(app):
    make_site(app)
    make_user(app, "taken@example.org", "Owner")
    first = FrameReader(app).sign_up(name="Newcomer", email="taken@example.org")
    second = FrameReader(app).sign_up(name="Newcomer", email="free@example.org")
    assert first.status_code == second.status_code == 303
    assert first.headers["Location"] == second.headers["Location"]
    with app.app_context():
        owner = db.session.scalar(select(User).where(User.email == "taken@example.org"))
        assert owner.name == "Owner"  # untouched
        newcomers = db.session.scalars(select(User).where(User.name == "Newcomer")).all()
        assert sorted(str(u.email) for u in newcomers) == ["None", "free@example.org"]


def test_weak_passwords_and_staff_names_are_refused_at_sign_up(app):
    make_site(app)
    make_user(app, "mod@example.org", "Jane Doe", role="moderator")
    reader = FrameReader(app)
    for password in ("short", "Password2024!", "qwertyuiop", "ada-ada-ada"):
        response = reader.sign_up(password=password)
        assert response.status_code == 400, password
    taken = reader.sign_up(name="Jаne Doe (staff)")  # Cyrillic "а"
    assert taken.status_code == 400
    assert "belongs to a moderator" in taken.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(select(User.id).where(User.email == "ada@example.org")) is None


def test_sign_in_is_throttled_per_account_whatever_the_address(app):
    make_site(app)
    FrameReader(app).sign_up()
    with rate_limited_app(app) as limited:
        answers = []
        for n in range(11):
            reader = FrameReader(limited, REMOTE_ADDR=f"198.51.100.{n}")
            answers.append(reader.sign_in(password=f"wrong-password-{n}").status_code)
        assert answers == [401] * 10 + [429]
        # Even the right password waits now, from yet another address...
        late = FrameReader(limited, REMOTE_ADDR="203.0.113.77").sign_in()
        assert late.status_code == 429
        # ...and an address with no account is throttled exactly alike (no enumeration).
        ghost = [
            FrameReader(limited, REMOTE_ADDR=f"192.0.2.{n}")
            .sign_in(email="ghost@example.org", password=f"wrong-{n}-password")
            .status_code
            for n in range(11)
        ]
        assert ghost == [401] * 10 + [429]


def test_sign_in_is_throttled_per_address(app):
    make_site(app)
    with rate_limited_app(app) as limited:
        reader = FrameReader(limited, REMOTE_ADDR="198.51.100.9")
        codes = [
            reader.sign_in(email=f"user{n}@example.org", password="x" * 12).status_code
            for n in range(21)
        ]
        assert codes == [401] * 20 + [429]


def test_a_members_only_frame_leads_readers_to_sign_in(app):
    make_site(app, "members", allow_guests=False)
    reader = FrameReader(app, site="members")
    html = thread_html(reader)
    assert "Sign in to comment on this site." in html
    assert ">Sign in</button>" in html and ">Create account</button>" in html
    assert 'action="/embed/account/signin"' in html
    reader.sign_up()
    body = {"site": "members", "article": "a1", "body": "Members only"}
    assert reader.api("POST", "/api/v1/comments", json=body).status_code == 201


def test_password_reset_request_answers_the_same_for_any_address(app):
    make_site(app)
    make_user(app, "known@example.org", "Known")
    known = FrameReader(app).submit("reset", email="known@example.org")
    unknown = FrameReader(app).submit("reset", email="unknown@example.org")
    assert known.status_code == unknown.status_code == 200

    def page(response) -> str:  # each browser's session has its own CSRF token
        return re.sub(r'name="csrf-token" content="[^"]+"', "", response.get_data(as_text=True))

    assert page(known) == page(unknown)


@pytest.mark.parametrize(
    ("text", "taken"),
    [
        ("ann@example.org", True),
        ("a" * 64 + "@example.org", True),
        ("a" * 65 + "@example.org", False),
        ("ann@example.org\n", False),  # a line end is not part of an address
        ("ann@example", False),
        ("ann@@example.org", False),
        ("ann @example.org", False),
        ("ann@" + "e" * 247 + ".org", False),  # 255 characters: over EMAIL_MAX
    ],
)
def test_the_one_email_rule(text, taken):
    assert is_email_address(text) is taken
