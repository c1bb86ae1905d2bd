"""Abuse boundaries: guest bans by address, report and vote stuffing with minted guest ids,
and reports that would reveal comments held for moderation."""

from __future__ import annotations

from sqlalchemy import select

from app.extensions import db
from app.models import Comment, Site
from app.services import authors
from tests.dashboard_support import signed_in, user
from tests.factories import bearer, make_site, make_token, make_user, post_comment, post_ok
from tests.test_api_avatar import image_bytes, upload
from tests.test_openapi import assert_matches_documented_response
from tests.widget_support import (
    Browser,
    guest_pages,  # noqa: F401 - autouse fixture
    rate_limited_app,
)

SHARED = "203.0.113.9"  # one newsroom NAT, or a proxy without PARLEY_TRUSTED_PROXIES


def on_shared_address(client):
    client.environ_base["REMOTE_ADDR"] = SHARED
    return client


def comment_by(app, email: str, name: str, role: str = "reader") -> tuple[int, dict]:
    make_user(app, email, name, role)
    headers = bearer(make_token(app, email))
    return post_ok(app.test_client(), body=f"By {name}", headers=headers)["id"], headers


def report(client, comment_id: int, **kwargs):
    return client.post(f"/api/v1/comments/{comment_id}/reports", json={"reason": "spam"}, **kwargs)


def set_threshold(app, threshold: int) -> None:
    with app.app_context():
        site = db.session.scalar(select(Site).where(Site.slug == "news"))
        site.settings = {**(site.settings or {}), "report_threshold": threshold}
        db.session.commit()


def status_of(app, comment_id: int) -> str:
    with app.app_context():
        return db.session.get(Comment, comment_id).status.value


def test_the_address_part_of_a_guest_ban_stops_guests_only(app):
    make_site(app)
    make_user(app, "admin@example.org", "Admin", "admin")
    make_user(app, "reader@example.org", "Reader")
    guest = Browser(app, SHARED)
    banned = guest.comment("spam spam")
    with app.app_context():
        authors.ban_author(
            authors.AuthorRef(banned["id"]), user("admin@example.org"), "site", "spammer"
        )
    # Guests on that address, with or without a cookie, are refused...
    assert (
        Browser(app, SHARED)
        .post(
            "/api/v1/comments",
            json={"site": "news", "article": "a1", "body": "hi", "author_name": "New"},
        )
        .status_code
        == 403
    )
    cookieless = on_shared_address(app.test_client())
    assert post_comment(cookieless, body="hi").status_code == 403
    # ...but signed-in readers and staff behind the same address are not.
    for email in ("reader@example.org", "admin@example.org"):
        headers = bearer(make_token(app, email))
        response = post_comment(on_shared_address(app.test_client()), body="hi", headers=headers)
        assert response.status_code == 201, (email, response.get_json())
    # A guest on another address is not concerned either.
    assert Browser(app).comment("elsewhere")["status"] == "approved"


def test_the_ban_form_says_how_far_an_address_ban_reaches(app, world):
    guest_comment = post_ok(app.test_client(), body="guest", author_name="Guest G")
    page = signed_in(app, "admin@example.org").get(f"/moderation/comments/{guest_comment['id']}")
    text = page.get_data(as_text=True)
    assert "data-ip-ban-reach" in text
    assert "never readers who are signed in, nor staff" in text
    account_comment, _article = world.fresh_comment()
    account_page = signed_in(app, "admin@example.org").get(
        f"/moderation/comments/{account_comment}"
    )
    assert "data-ip-ban-reach" not in account_page.get_data(as_text=True)


def test_guests_on_one_address_count_once_towards_hiding_a_comment(app):
    make_site(app)
    target, _headers = comment_by(app, "author@example.org", "Author")
    for _ in range(5):  # five fresh guest identities, one address
        assert report(Browser(app, SHARED), target).status_code == 201
    assert status_of(app, target) == "approved"
    report(Browser(app), target)
    report(Browser(app), target)
    assert status_of(app, target) == "pending"  # three distinct addresses


def test_accounts_count_one_each_whatever_their_address(app):
    make_site(app)
    set_threshold(app, 2)
    target, _headers = comment_by(app, "author@example.org", "Author")
    for n in range(2):
        make_user(app, f"r{n}@example.org", f"R{n}")
        headers = bearer(make_token(app, f"r{n}@example.org"))
        assert (
            report(on_shared_address(app.test_client()), target, headers=headers).status_code == 201
        )
    assert status_of(app, target) == "pending"


def test_comments_by_staff_are_never_hidden_by_reports(app):
    make_site(app)
    set_threshold(app, 1)
    for role in ("moderator", "admin"):
        target, _headers = comment_by(app, f"{role}@example.org", role.title(), role)
        for _ in range(3):
            report(Browser(app), target)
        assert status_of(app, target) == "approved"
        with app.app_context():
            comment = db.session.get(Comment, target)
            assert comment.report_count == 3 and "reports" in comment.reasons


def test_reporting_a_comment_the_caller_cannot_see_is_like_a_missing_one(app):
    make_site(app, premod=True)
    held, author = comment_by(app, "author@example.org", "Author")
    assert status_of(app, held) == "pending"
    for client in (app.test_client(), Browser(app).client):
        hidden = report(client, held)
        missing = report(client, 999_999)
        assert hidden.status_code == missing.status_code == 404
        assert hidden.get_json()["error"]["code"] == missing.get_json()["error"]["code"]
    assert report(app.test_client(), held, headers=author).status_code == 201


def test_guest_votes_count_once_per_address(app):
    make_site(app)
    target, _headers = comment_by(app, "author@example.org", "Author")
    path = f"/api/v1/comments/{target}/votes"
    for _ in range(4):
        answer = Browser(app, SHARED).post(path, json={"value": 1}).get_json()
        assert answer["mine"] == 1
    assert answer["score"] == 1
    assert Browser(app).post(path, json={"value": 1}).get_json()["score"] == 2
    make_user(app, "reader@example.org", "Reader")
    headers = bearer(make_token(app, "reader@example.org"))
    voted = on_shared_address(app.test_client()).post(path, json={"value": 1}, headers=headers)
    assert voted.get_json()["score"] == 3
    with app.app_context():
        assert db.session.get(Comment, target).score == 3


def test_avatar_uploads_are_rate_limited_per_account(app):
    with rate_limited_app(
        app, PARLEY_AVATAR_RATE="2/minute", PARLEY_MEDIA_DIR=f"{app.instance_path}/media"
    ) as limited:
        make_user(limited, "pic@example.org", "Pic")
        make_user(limited, "other@example.org", "Other")
        token = make_token(limited, "pic@example.org")
        answers = [upload(limited.test_client(), image_bytes(), token) for _ in range(3)]
        assert [a.status_code for a in answers] == [200, 200, 429]
        assert answers[-1].get_json()["error"]["code"] == "rate_limited"
        assert "Retry-After" in answers[-1].headers
        spec = limited.test_client().get("/api/v1/openapi.json").get_json()
        assert_matches_documented_response(spec, "/api/v1/me/avatar", "put", answers[-1])
        # Another account is counted apart.
        other = make_token(limited, "other@example.org")
        assert upload(limited.test_client(), image_bytes(), other).status_code == 200
