"""POST /api/v1/comments/<id>/reports: one report per reader; enough reporters hide a comment."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from app.extensions import db
from app.models import AuditEntry, Comment, CommentStatus, Report, Site
from app.services.comments import change_status
from tests.factories import bearer, make_site, make_token, make_user, post_ok
from tests.test_openapi import served_spec
from tests.widget_support import (
    Browser,
    assert_errors_are_documented,
    guest_pages,  # noqa: F401 - autouse fixture
    rate_limited_app,
    sso_headers_refused,
)


def report(client, comment_id, reason="spam", note=None, **kwargs):
    payload = {"reason": reason} if note is None else {"reason": reason, "note": note}
    return client.post(f"/api/v1/comments/{comment_id}/reports", json=payload, **kwargs)


def comment_state(app, comment_id) -> tuple[str, int, list[str], int]:
    """Status, report_count, reasons, and the article's visible count."""
    with app.app_context():
        comment = db.session.get(Comment, comment_id)
        return (
            comment.status.value,
            comment.report_count,
            comment.reasons,
            comment.article.comment_count,
        )


def set_threshold(app, threshold: int) -> None:
    with app.app_context():
        site = db.session.scalar(select(Site).where(Site.slug == "news"))
        site.settings = {**(site.settings or {}), "report_threshold": threshold}
        db.session.commit()


@pytest.fixture
def comment_id(app, client) -> int:
    make_site(app)
    return post_ok(client, body="Buy cheap pills")["id"]


def test_first_report_is_recorded_and_counted(app, comment_id):
    reader = Browser(app)
    response = report(reader, comment_id, "abuse", note="  Insults   a reader\u200b ")
    assert response.status_code == 201
    body = response.get_json()
    assert body == {
        "id": body["id"],
        "comment_id": comment_id,
        "reason": "abuse",
        "status": "recorded",
    }
    assert comment_state(app, comment_id) == ("approved", 1, [], 1)
    with app.app_context():
        stored = db.session.get(Report, body["id"])
        assert stored.reason.value == "abuse"
        assert stored.reporter.startswith("g:")
        assert stored.note.startswith("Insults") and stored.note.endswith("reader")


def test_repeat_report_by_the_same_reader_is_200_and_changes_nothing(app, comment_id):
    reader = Browser(app)
    first = report(reader, comment_id, "spam").get_json()
    again = report(reader, comment_id, "other", note="changed my mind")
    assert again.status_code == 200
    assert again.get_json() == first
    assert comment_state(app, comment_id)[1] == 1
    with app.app_context():
        reports = db.session.scalars(select(Report)).all()
        assert [(r.reason.value, r.note) for r in reports] == [("spam", None)]


def test_cookie_less_clients_report_once_per_ip_address(app, client, comment_id):
    assert report(client, comment_id).status_code == 201
    assert report(client, comment_id).status_code == 200
    other = report(client, comment_id, environ_base={"REMOTE_ADDR": "198.51.100.9"})
    assert other.status_code == 201
    assert comment_state(app, comment_id)[1] == 2


def test_reports_from_enough_readers_hide_the_comment_pending_review(app, client, comment_id):
    set_threshold(app, 2)
    report(Browser(app), comment_id)
    assert comment_state(app, comment_id) == ("approved", 1, [], 1)
    report(Browser(app), comment_id, "abuse")
    assert comment_state(app, comment_id) == ("pending", 2, ["reports"], 0)
    thread = client.get("/api/v1/threads?site=news&article=a1").get_json()
    assert thread["comments"] == []
    assert thread["article"]["comment_count"] == 0
    with app.app_context():
        entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "rule_reports"))
        assert (entry.before_status, entry.after_status) == ("approved", "pending")
        assert entry.actor_id is None
        assert "2 readers" in entry.reason


def test_default_threshold_is_three_distinct_readers(app, comment_id):
    readers = [Browser(app) for _ in range(3)]
    report(readers[0], comment_id)
    report(readers[0], comment_id)  # a repeat is not a second reader
    report(readers[1], comment_id)
    assert comment_state(app, comment_id)[0] == "approved"
    report(readers[2], comment_id)
    assert comment_state(app, comment_id) == ("pending", 3, ["reports"], 0)


def test_a_comment_approved_again_after_reports_is_not_hidden_by_more(app, comment_id):
    set_threshold(app, 1)
    report(Browser(app), comment_id)
    with app.app_context():
        change_status(db.session.get(Comment, comment_id), CommentStatus.APPROVED, action="approve")
        db.session.commit()
    report(Browser(app), comment_id)
    assert comment_state(app, comment_id) == ("approved", 2, ["reports"], 1)


def test_pending_comment_can_be_reported_and_keeps_its_status(app, client):
    make_site(app, premod=True)
    make_user(app)
    author = bearer(make_token(app, "reader@example.org"))
    held = post_ok(client, body="waiting", headers=author)["id"]
    set_threshold(app, 1)
    assert report(client, held, headers=author).status_code == 201  # only its author sees it
    assert comment_state(app, held) == ("pending", 1, ["premod", "reports"], 0)
    with app.app_context():
        assert (
            db.session.scalar(select(AuditEntry).where(AuditEntry.action == "rule_reports")) is None
        )


@pytest.mark.parametrize("status", [CommentStatus.DELETED, CommentStatus.SPAM])
def test_removed_or_missing_comments_cannot_be_reported(app, client, comment_id, status):
    with app.app_context():
        change_status(db.session.get(Comment, comment_id), status, action="test")
        db.session.commit()
    for target in (comment_id, 999_999):
        response = report(client, target)
        assert response.status_code == 404
        assert response.get_json()["error"]["code"] == "unknown_comment"
    with app.app_context():
        assert db.session.scalars(select(Report)).all() == []


@pytest.mark.parametrize(
    ("payload", "code"),
    [
        ({"reason": "boring"}, "invalid_reason"),
        ({"reason": None}, "invalid_reason"),
        ({}, "invalid_reason"),
        ({"reason": "spam", "note": "x" * 501}, "invalid_note"),
        ({"reason": "spam", "note": 5}, "invalid_note"),
    ],
)
def test_bad_reports_are_refused(app, client, comment_id, payload, code):
    response = client.post(f"/api/v1/comments/{comment_id}/reports", json=payload)
    assert response.status_code == 400
    assert response.get_json()["error"]["code"] == code
    assert comment_state(app, comment_id)[1] == 0


def test_note_of_500_characters_is_accepted(app, client, comment_id):
    assert report(client, comment_id, note="n" * 500).status_code == 201


def test_every_documented_error_occurs_and_fits_the_spec(app, client, comment_id):
    guest = Browser(app)
    spec = served_spec(client)
    url = f"/api/v1/comments/{comment_id}/reports"
    limit = app.config["MAX_CONTENT_LENGTH"]
    cases = [
        report(client, comment_id, "boring"),
        report(client, comment_id, note="x" * 501),
        client.post(url, data="[]", content_type="application/json"),
        client.post(url, data="reason=spam"),
        client.post(url, data="x" * (limit + 1), content_type="application/json"),
        report(client, comment_id, headers=bearer("pk_unknown")),
        report(guest.client, comment_id, headers={"X-Parley-Frame": "1"}),
        report(client, comment_id, environ_base={"REMOTE_ADDR": ""}),
        report(client, 999_999),
        *(report(client, comment_id, headers=h) for h in sso_headers_refused(app)),
        report(client, comment_id),
        report(client, comment_id),
    ]
    path = "/api/v1/comments/{comment_id}/reports"
    assert_errors_are_documented(spec, path, "post", cases)
    assert [r.status_code for r in cases[-2:]] == [201, 200]


def test_reports_are_rate_limited_per_ip_address_for_guests(app):
    with rate_limited_app(app, PARLEY_REPORT_RATE="2/minute") as limited:
        make_site(limited)
        client = limited.test_client()
        ids = [post_ok(client, body=f"Comment {n}")["id"] for n in range(3)]
        # Fresh guest browsers on one address share the address's counter.
        one_address = "127.0.0.1"
        answers = [
            report(Browser(limited, one_address), comment_id).status_code for comment_id in ids
        ]
        assert answers == [201, 201, 429]
