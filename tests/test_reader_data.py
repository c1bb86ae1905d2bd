"""A reader's own data: download it, delete the account; avatars that reveal no account id."""

from __future__ import annotations

import hashlib
import io

from PIL import Image
from sqlalchemy import select

from app.extensions import db
from app.models import AuditEntry, Comment, Role, User, UserStatus
from app.services.site_settings import apply_site_settings
from tests.factories import make_site, make_user, post_ok
from tests.identity_support import STRONG, FrameReader
from tests.widget_support import guest_pages  # noqa: F401 - autouse fixture


def reader_with_history(app) -> tuple[FrameReader, dict, dict]:
    make_site(app)
    other = post_ok(app.test_client(), body="Someone else's")
    reader = FrameReader(app)
    reader.sign_up()
    body = {"site": "news", "article": "a1", "body": "Mine, **bold**"}
    mine = reader.api("POST", "/api/v1/comments", json=body).get_json()
    assert (
        reader.api("POST", f"/api/v1/comments/{other['id']}/votes", json={"value": 1}).status_code
        < 300
    )
    assert reader.api("POST", "/api/v1/reactions", json={**body, "kind": "love"}).status_code < 300
    report = {"reason": "spam", "note": "ads"}
    assert (
        reader.api("POST", f"/api/v1/comments/{other['id']}/reports", json=report).status_code < 300
    )
    return reader, mine, other


def test_download_my_data_has_account_comments_votes_reactions_reports(app):
    reader, mine, other = reader_with_history(app)
    response = reader.api("GET", "/api/v1/me/data")
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "private, no-store"
    assert "attachment" in response.headers["Content-Disposition"]
    data = response.get_json()
    assert data["account"]["email"] == "ada@example.org" and data["account"]["name"] == "Ada"
    assert [(c["id"], c["body"], c["site"]) for c in data["comments"]] == [
        (mine["id"], "Mine, **bold**", "news")
    ]
    assert [(v["comment_id"], v["value"]) for v in data["votes"]] == [(other["id"], 1)]
    assert [(r["article"], r["kind"]) for r in data["reactions"]] == [("a1", "love")]
    assert [(r["comment_id"], r["reason"], r["note"]) for r in data["reports"]] == [
        (other["id"], "spam", "ads")
    ]
    assert FrameReader(app).api("GET", "/api/v1/me/data").status_code == 401


def test_delete_my_account_keeps_comments_as_deleted_user_and_ends_everything(app):
    make_user(app, "mod@example.org", "Mod", role=Role.MODERATOR)
    reader, mine, other = reader_with_history(app)
    wrong = reader.api("DELETE", "/api/v1/me", json={"password": "nope"})
    assert wrong.status_code == 401 and wrong.get_json()["error"]["code"] == "wrong_password"
    assert reader.api("DELETE", "/api/v1/me", json={"password": STRONG}).status_code == 204
    assert reader.me().status_code == 401
    assert FrameReader(app).sign_in().status_code == 401
    thread = app.test_client().get("/api/v1/threads?site=news&article=a1").get_json()
    names = {c["id"]: c["author"]["name"] for c in thread["comments"]}
    assert names[mine["id"]] == "[deleted user]"
    with app.app_context():
        user = db.session.scalar(select(User).where(User.status == UserStatus.DELETED))
        assert (user.email, user.password_hash, user.name) == (None, None, "[deleted user]")
        others = db.session.get(Comment, other["id"])
        assert (others.score, others.report_count) == (0, 0)
        entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "account_deleted"))
        assert entry.target_user_id == user.id and entry.site_id is not None
    # A new account may take the freed address.
    assert FrameReader(app).sign_up(name="Ada again").status_code == 303


def test_delete_my_account_removes_comments_where_the_site_says_so(app):
    reader, mine, _ = reader_with_history(app)
    with app.app_context():
        apply_site_settings("news", {"deleted_account_comments": "remove"}, None)
    assert reader.api("DELETE", "/api/v1/me", json={"password": STRONG}).status_code == 204
    thread = app.test_client().get("/api/v1/threads?site=news&article=a1").get_json()
    assert mine["id"] not in {c["id"] for c in thread["comments"]}
    assert thread["article"]["comment_count"] == 1


def test_avatar_tokens_and_uploaded_names_reveal_no_account_id(app):
    make_site(app)
    reader = FrameReader(app)
    reader.sign_up()
    account = reader.me().get_json()
    unkeyed = hashlib.sha256(f"u:{account['id']}".encode()).hexdigest()[:20]
    assert unkeyed not in account["avatar_url"]
    image = io.BytesIO()
    Image.new("RGB", (64, 64), "teal").save(image, "PNG")
    upload = reader.client.put(
        "/api/v1/me/avatar",
        data={"file": (io.BytesIO(image.getvalue()), "me.png")},
        headers={"X-Parley-Frame": "1", "X-CSRFToken": reader.csrf},
        content_type="multipart/form-data",
    )
    url = upload.get_json()["avatar_url"]
    name = url.rsplit("/", 1)[1]
    assert not name.startswith(f"{account['id']}-") and len(name) == len("x" * 32 + ".webp")
    served = reader.client.get(url.removeprefix("http://localhost"))
    assert served.status_code == 200
    served.close()


def test_profile_name_and_reply_preference(app):
    make_site(app)
    make_user(app, "mod@example.org", "Jane Doe", role=Role.MODERATOR)
    reader = FrameReader(app)
    reader.sign_up()
    changed = reader.api(
        "PATCH", "/api/v1/me", json={"name": "Ada L.", "reply_notifications": False}
    )
    assert changed.get_json()["name"] == "Ada L."
    assert changed.get_json()["reply_notifications"] is False
    taken = reader.api("PATCH", "/api/v1/me", json={"name": "jane  DOE"})
    assert taken.status_code == 400 and taken.get_json()["error"]["code"] == "reserved_name"


def test_profile_page_in_the_frame_saves_downloads_and_deletes(app):
    make_site(app)
    reader = FrameReader(app)
    reader.sign_up()
    body = {"site": "news", "article": "a1", "body": "A comment of mine"}
    reader.api("POST", "/api/v1/comments", json=body)
    page = reader.client.get(f"/embed/account/profile?{reader.query}").get_data(as_text=True)
    assert "A comment of mine" in page and 'value="Ada"' in page
    saved = reader.client.post(
        f"/embed/account/profile?{reader.query}",
        data={"name": "Ada Lovelace", "csrf_token": reader.csrf},
    )
    assert saved.status_code == 200 and "Saved." in saved.get_data(as_text=True)
    assert reader.me().get_json()["reply_notifications"] is False  # the box was left unticked
    data = reader.client.get(f"/embed/account/data?{reader.query}")
    assert "attachment" in data.headers["Content-Disposition"]
    assert data.get_json()["account"]["name"] == "Ada Lovelace"
    gone = reader.client.post(
        f"/embed/account/delete?{reader.query}",
        data={"password": STRONG, "csrf_token": reader.csrf},
    )
    assert gone.status_code == 303 and reader.me().status_code == 401
    guest = FrameReader(app).client.get(f"/embed/account/profile?{reader.query}")
    assert guest.status_code == 303  # guests are sent back to the thread
