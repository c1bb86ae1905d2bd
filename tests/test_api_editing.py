"""PATCH and DELETE /api/v1/comments/<id>: authors change their own comment within the window."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from sqlalchemy import select

from app.extensions import db
from app.models import (
    Article,
    AuditEntry,
    Ban,
    Comment,
    CommentStatus,
    Site,
    User,
    utcnow,
)
from app.services.identity import hash_guest_id
from app.services.site_settings import apply_site_settings
from tests.factories import bearer, make_site, make_token, make_user, post_ok
from tests.test_openapi import served_spec
from tests.widget_support import (
    Browser,
    assert_errors_are_documented,
    guest_pages,  # noqa: F401 - autouse fixture
    rate_limited_app,
)


@pytest.fixture
def author(app) -> dict[str, str]:
    make_site(app)
    make_user(app, "author@example.org", "Author")
    return bearer(make_token(app, "author@example.org"))


def edit(client, comment_id, body, **kwargs):
    return client.patch(f"/api/v1/comments/{comment_id}", json={"body": body}, **kwargs)


def delete(client, comment_id, **kwargs):
    return client.delete(f"/api/v1/comments/{comment_id}", **kwargs)


def age_comment(app, comment_id, seconds: int) -> None:
    with app.app_context():
        comment = db.session.get(Comment, comment_id)
        comment.created_at = utcnow() - timedelta(seconds=seconds)
        db.session.commit()


def update_article(app, key: str = "a1", **values) -> None:
    with app.app_context():
        article = db.session.scalar(select(Article).where(Article.key == key))
        for name, value in values.items():
            setattr(article, name, value)
        db.session.commit()


def stored(app, comment_id) -> Comment:
    with app.app_context():
        comment = db.session.get(Comment, comment_id)
        db.session.expunge(comment)
        return comment


def test_author_edits_within_the_window(app, client, author):
    created = post_ok(client, body="Frist!", headers=author)
    response = edit(client, created["id"], "First, *actually* <script>x</script>", headers=author)
    assert response.status_code == 200
    body = response.get_json()
    assert body["id"] == created["id"]
    assert "<em>actually</em>" in body["html"]
    assert "<script>" not in body["html"] and "&lt;script&gt;" in body["html"]
    assert body["edited_at"] is not None
    assert body["status"] == "approved"
    assert body["own"] is True
    until = datetime.fromisoformat(body["editable_until"])
    assert timedelta(minutes=14) < until - utcnow() <= timedelta(minutes=15)
    comment = stored(app, created["id"])
    assert comment.body_source == "First, *actually* <script>x</script>"
    assert comment.edited_at is not None
    shown = client.get("/api/v1/threads?site=news&article=a1").get_json()["comments"][0]
    assert shown["html"] == body["html"]
    assert "own" not in shown  # an anonymous reader is not the author


def test_guest_edits_and_deletes_their_own_comment_from_the_frame(app):
    make_site(app)
    guest, other = Browser(app), Browser(app)
    created = guest.comment("typo hree")
    assert edit(other, created["id"], "hijacked").status_code == 403
    assert edit(guest, created["id"], "typo here").get_json()["html"] == "<p>typo here</p>"
    mine = guest.thread()["comments"][0]
    assert mine["own"] is True and mine["editable_until"] is not None
    assert "own" not in other.thread()["comments"][0]
    response = delete(guest, created["id"])
    assert response.status_code == 200
    assert response.get_json() == {"id": created["id"], "status": "deleted"}
    assert guest.thread()["comments"] == []


def test_someone_else_cannot_edit_or_delete(app, client, author):
    created = post_ok(client, body="Mine", headers=author)
    make_user(app, "other@example.org", "Other")
    other = bearer(make_token(app, "other@example.org"))
    for response in (
        edit(client, created["id"], "Theirs", headers=other),
        delete(client, created["id"], headers=other),
        edit(client, created["id"], "Anonymous"),
        delete(client, created["id"]),
    ):
        assert response.status_code == 403
        assert response.get_json()["error"]["code"] == "not_your_comment"
    comment = stored(app, created["id"])
    assert (comment.body_source, comment.status) == ("Mine", CommentStatus.APPROVED)


def test_edit_and_delete_are_refused_after_the_window(app, client, author):
    created = post_ok(client, body="Old", headers=author)
    age_comment(app, created["id"], 15 * 60 + 1)
    for response in (
        edit(client, created["id"], "New", headers=author),
        delete(client, created["id"], headers=author),
    ):
        assert response.status_code == 403
        assert response.get_json()["error"]["code"] == "edit_window_closed"
    comment = stored(app, created["id"])
    assert (comment.body_source, comment.status) == ("Old", CommentStatus.APPROVED)
    mine = client.get("/api/v1/threads?site=news&article=a1", headers=author).get_json()
    assert mine["comments"][0]["own"] is True
    assert mine["comments"][0]["editable_until"] is None


def test_edit_window_follows_the_configuration(app, client, author):
    app.config["PARLEY_EDIT_WINDOW_SECONDS"] = 60
    created = post_ok(client, body="Quick", headers=author)
    assert edit(client, created["id"], "Still quick", headers=author).status_code == 200
    age_comment(app, created["id"], 61)
    assert edit(client, created["id"], "Too late", headers=author).status_code == 403


def test_edit_runs_the_rules_again_and_can_hold_the_comment(app, client, author):
    created = post_ok(client, body="Fine words", headers=author)
    update_article(app, premod=True)
    response = edit(client, created["id"], "Now held for review", headers=author)
    assert response.get_json()["status"] == "pending"
    comment = stored(app, created["id"])
    assert comment.status == CommentStatus.PENDING
    assert "premod" in comment.reasons
    anonymous = client.get("/api/v1/threads?site=news&article=a1").get_json()
    assert anonymous["comments"] == []
    assert anonymous["article"]["comment_count"] == 0
    with app.app_context():
        entry = db.session.scalar(select(AuditEntry).where(AuditEntry.comment_id == created["id"]))
        assert (entry.action, entry.before_status, entry.after_status) == (
            "rule_hold",
            "approved",
            "pending",
        )


def test_editing_a_pending_comment_never_approves_it(app, client, author):
    with app.app_context():
        db.session.scalar(select(Site)).premod = True
        db.session.commit()
    created = post_ok(client, body="Held", headers=author)
    with app.app_context():
        db.session.scalar(select(Site)).premod = False
        db.session.commit()
    assert (
        edit(client, created["id"], "Still held", headers=author).get_json()["status"] == "pending"
    )


def test_delete_keeps_replies_under_a_placeholder(app, client, author):
    parent = post_ok(client, body="Parent", headers=author)
    reply = post_ok(client, body="Reply", parent_id=parent["id"])
    response = delete(client, parent["id"], headers=author)
    assert response.get_json() == {"id": parent["id"], "status": "deleted"}
    thread = client.get("/api/v1/threads?site=news&article=a1").get_json()
    placeholder = thread["comments"][0]
    assert (placeholder["status"], placeholder["author"]["name"]) == ("deleted", "[deleted]")
    assert [r["id"] for r in placeholder["replies"]] == [reply["id"]]
    assert thread["article"]["comment_count"] == 1
    with app.app_context():
        entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "delete_own"))
        assert entry.comment_id == parent["id"]
        assert entry.actor_id is not None
    again = delete(client, parent["id"], headers=author)
    assert again.status_code == 200
    assert (
        client.get("/api/v1/threads?site=news&article=a1").get_json()["article"]["comment_count"]
        == 1
    )
    assert edit(client, parent["id"], "Back", headers=author).status_code == 404


@pytest.mark.parametrize("body", ["", "   ", None, 5, "x" * 10_001])
def test_bad_bodies_are_refused(app, client, author, body):
    created = post_ok(client, body="Keep me", headers=author)
    response = edit(client, created["id"], body, headers=author)
    assert response.status_code == 400
    assert response.get_json()["error"]["code"] == "invalid_body"
    assert stored(app, created["id"]).body_source == "Keep me"


def test_closed_thread_and_banned_author_cannot_edit(app, client, author):
    created = post_ok(client, body="Before", headers=author)
    update_article(app, closed=True)
    closed = edit(client, created["id"], "After", headers=author)
    assert closed.get_json()["error"]["code"] == "thread_closed"
    update_article(app, closed=False)
    with app.app_context():
        # A ban row (a banned *status* ends the account's tokens: docs/identity.md).
        db.session.add(Ban(user_id=db.session.scalar(select(User)).id, reason="test"))
        db.session.commit()
    banned = edit(client, created["id"], "After", headers=author)
    assert banned.status_code == 403
    assert banned.get_json()["error"]["code"] == "banned"
    assert stored(app, created["id"]).body_source == "Before"


def nudged_edit(app, client, comment_id: int, headers: dict):
    """An abusive edit on a site with the toxicity nudge on: 422 toxicity_nudge."""
    with app.app_context():
        apply_site_settings("news", {"toxicity_nudge": 0.6}, None)
    answer = edit(client, comment_id, "You are a fucking idiot", headers=headers)
    with app.app_context():
        apply_site_settings("news", {"toxicity_nudge": "off"}, None)
    return answer


def test_every_documented_error_occurs_and_fits_the_spec(app, client, author):
    guest = Browser(app)
    spec = served_spec(client)
    own = post_ok(client, body="Mine", headers=author)["id"]
    old = post_ok(client, body="Old", headers=author)["id"]
    age_comment(app, old, 3600)
    on_closed = post_ok(client, body="Closing", article="a2", headers=author)["id"]
    banned_guest = guest.comment("soon banned")["id"]
    url = f"/api/v1/comments/{own}"
    limit = app.config["MAX_CONTENT_LENGTH"]
    update_article(app, "a2", closed=True)
    with app.app_context():
        db.session.add(Ban(guest_key=hash_guest_id(guest.guest_id)))
        db.session.commit()
    patches = [
        client.patch(url, data="[]", content_type="application/json"),
        client.patch(url, data="body=x"),
        client.patch(url, data="x" * (limit + 1), content_type="application/json"),
        edit(client, own, "", headers=author),
        edit(client, own, "x", headers=bearer("pk_unknown")),
        edit(guest.client, own, "x", headers={"X-Parley-Frame": "1"}),
        edit(client, own, "x"),
        edit(client, old, "x", headers=author),
        edit(client, on_closed, "x", headers=author),
        edit(guest, banned_guest, "x"),
        edit(client, 999_999, "x", headers=author),
        client.patch(url, json={"body": "x", "confirm": 1}, headers=author),
        nudged_edit(app, client, own, author),
        edit(client, own, "Edited", headers=author),
    ]
    deletes = [
        delete(client, own, headers=bearer("pk_unknown")),
        delete(guest.client, own, headers={"X-Parley-Frame": "1"}),
        delete(client, own),
        delete(client, old, headers=author),
        delete(client, 999_999, headers=author),
        delete(client, own, headers=author),
    ]
    path = "/api/v1/comments/{comment_id}"
    assert_errors_are_documented(spec, path, "patch", patches)
    assert_errors_are_documented(spec, path, "delete", deletes)


def test_edits_and_deletes_are_rate_limited(app):
    with rate_limited_app(app, PARLEY_EDIT_RATE="2/minute") as limited:
        make_site(limited)
        guest = Browser(limited)
        created = guest.comment("Draft")
        answers = [edit(guest, created["id"], f"Draft {n}").status_code for n in range(3)]
        assert answers == [200, 200, 429]
        assert delete(guest, created["id"]).status_code == 200  # a counter of its own


def test_editing_a_held_comment_adds_the_new_reasons(app, client, author):
    with app.app_context():
        site = db.session.scalar(select(Site))
        site.premod = True
        site.settings = {"max_links": 1}
        db.session.commit()
    created = post_ok(client, body="Held", headers=author)
    links = "see https://a.example and https://b.example and https://c.example"
    assert edit(client, created["id"], links, headers=author).get_json()["status"] == "pending"
    reasons = stored(app, created["id"]).reasons
    assert reasons[0] == "premod"
    assert any(reason.startswith("links") for reason in reasons)


def test_author_gets_their_markdown_source_to_edit_within_the_window(app, client, author):
    body = "Two \\*literal\\* stars and **bold**"
    created = post_ok(client, body=body, headers=author)
    url = f"/api/v1/comments/{created['id']}/source"
    response = client.get(url, headers=author)
    assert response.status_code == 200
    assert response.get_json() == {"id": created["id"], "source": body}

    make_user(app, "other@example.org", "Other")
    other = client.get(url, headers=bearer(make_token(app, "other@example.org")))
    assert (other.status_code, other.get_json()["error"]["code"]) == (403, "not_your_comment")
    anonymous = client.get(url)
    assert anonymous.status_code == 403
    missing = client.get("/api/v1/comments/999999/source", headers=author)
    assert (missing.status_code, missing.get_json()["error"]["code"]) == (404, "unknown_comment")

    age_comment(app, created["id"], 15 * 60 + 1)
    late = client.get(url, headers=author)
    assert (late.status_code, late.get_json()["error"]["code"]) == (403, "edit_window_closed")
