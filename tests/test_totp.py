"""Staff one-time passwords: enrolling, signing in with a code or a recovery code, and a site
that requires them."""

from __future__ import annotations

import re

import pyotp
from sqlalchemy import select

from app.extensions import db
from app.models import Role, User
from app.services.site_settings import apply_site_settings
from tests.dashboard_support import PASSWORD, csrf_token
from tests.factories import make_site, make_user
from tests.identity_support import FrameReader
from tests.widget_support import guest_pages  # noqa: F401 - autouse fixture

SECRET_TEXT = re.compile(r"Secret: <code>([A-Z2-7]+)</code>")


def login(client, code: str | None = None):
    form = {"email": "mod@example.org", "password": PASSWORD, "csrf_token": csrf_token(client)}
    if code is not None:
        form["code"] = code
    return client.post("/auth/login", data=form)


def enroll(app) -> tuple[str, list[str]]:
    """Turn TOTP on for mod@example.org through the pages; (secret, recovery codes)."""
    client = app.test_client()
    assert login(client).status_code == 302
    token = csrf_token(client, "/auth/totp")
    page = client.post("/auth/totp", data={"action": "start", "csrf_token": token})
    secret = SECRET_TEXT.search(page.get_data(as_text=True)).group(1)
    wrong = client.post(
        "/auth/totp", data={"action": "confirm", "code": "000000", "csrf_token": token}
    )
    assert wrong.status_code == 400
    done = client.post(
        "/auth/totp",
        data={"action": "confirm", "code": pyotp.TOTP(secret).now(), "csrf_token": token},
    )
    codes = re.findall(
        r"<li><code>([0-9a-f]{8}-[0-9a-f]{8})</code></li>", done.get_data(as_text=True)
    )
    assert len(codes) == 10
    return secret, codes


def test_with_totp_on_a_password_alone_no_longer_signs_in(app):
    make_site(app)
    make_user(app, "mod@example.org", "Mod", role=Role.MODERATOR)
    secret, codes = enroll(app)
    client = app.test_client()
    asked = login(client)
    assert asked.status_code == 401 and 'name="code"' in asked.get_data(as_text=True)
    assert login(client, "123456").status_code == 401
    assert login(client, pyotp.TOTP(secret).now()).status_code == 302
    assert client.get("/moderation/").status_code == 200


def test_a_recovery_code_works_once(app):
    make_site(app)
    make_user(app, "mod@example.org", "Mod", role=Role.MODERATOR)
    _, codes = enroll(app)
    assert login(app.test_client(), codes[0]).status_code == 302
    assert login(app.test_client(), codes[0]).status_code == 401
    with app.app_context():
        user = db.session.scalar(select(User).where(User.email == "mod@example.org"))
        assert len(user.totp_recovery_hashes) == 9
        assert codes[1] not in str(user.totp_recovery_hashes)  # stored hashed


def test_the_frame_sign_in_asks_for_the_code_too(app):
    make_site(app)
    make_user(app, "mod@example.org", "Mod", role=Role.MODERATOR)
    secret, _ = enroll(app)
    reader = FrameReader(app)
    asked = reader.sign_in("mod@example.org", PASSWORD)
    assert asked.status_code == 401 and ">One-time code</label>" in asked.get_data(as_text=True)
    done = reader.submit(
        "signin", email="mod@example.org", password=PASSWORD, code=pyotp.TOTP(secret).now()
    )
    assert done.status_code == 303 and reader.me().get_json()["name"] == "Mod"


def test_a_site_requiring_totp_sends_its_staff_to_enroll_first(app):
    make_site(app)
    make_user(app, "mod@example.org", "Mod", role=Role.MODERATOR, sites=("news",))
    with app.app_context():
        apply_site_settings("news", {"require_staff_totp": True}, None)
    client = app.test_client()
    assert login(client).status_code == 302
    response = client.get("/moderation/")
    assert response.status_code == 302 and response.headers["Location"].endswith("/auth/totp")
    assert "requires one-time passwords" in client.get("/auth/totp").get_data(as_text=True)
    secret, _ = enroll(app)
    enrolled = app.test_client()
    assert login(enrolled, pyotp.TOTP(secret).now()).status_code == 302
    assert enrolled.get("/moderation/").status_code == 200
    assert "Turn off" not in enrolled.get("/auth/totp").get_data(as_text=True)
    token = csrf_token(enrolled, "/moderation/")
    off = enrolled.post(
        "/auth/totp",
        data={"action": "disable", "code": pyotp.TOTP(secret).now(), "csrf_token": token},
    )
    assert off.status_code == 400  # the site requires it


def test_readers_have_no_totp_page(app):
    make_site(app)
    make_user(app, "mod@example.org", "Reader")
    client = app.test_client()
    assert login(client).status_code == 302
    assert client.get("/auth/totp").status_code == 403
