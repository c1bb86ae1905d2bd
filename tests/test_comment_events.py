"""Comment events (app.services.comment_events): announced after the commit, once, by name."""

from __future__ import annotations

import pytest

from app.extensions import db
from app.models import User
from app.services import comment_events, freshness
from app.services.moderation.actions import moderate_comment
from tests.factories import make_site, make_user, post_ok


@pytest.fixture
def heard(app):
    events: list[tuple[str, int]] = []

    def listener(name: str, comment_id: int) -> None:
        events.append((name, comment_id))

    comment_events.listen(listener)
    yield events
    comment_events._listeners.remove(listener)


def test_posting_editing_reporting_and_moderating_are_announced(app, client, heard):
    make_site(app, premod=True)
    admin_id = make_user(app, "admin@example.org", "Una Admin", role="admin")
    comment = post_ok(client, body="First words")
    assert heard == [("comment.created", comment["id"])]
    with app.app_context():
        moderate_comment(comment["id"], "approve", db.session.get(User, admin_id))
    assert heard[-1] == ("comment.approved", comment["id"])
    response = client.post(
        f"/api/v1/comments/{comment['id']}/reports",
        json={"reason": "spam"},
        headers={"Origin": "http://localhost"},
    )
    assert response.status_code in (200, 201), response.get_json()
    assert heard[-1] == ("comment.reported", comment["id"])
    with app.app_context():
        moderate_comment(comment["id"], "spam", db.session.get(User, admin_id))
        moderate_comment(comment["id"], "reject", db.session.get(User, admin_id))
    assert heard[-2:] == [("comment.spam", comment["id"]), ("comment.rejected", comment["id"])]


def test_a_rolled_back_change_is_never_announced(app, heard):
    make_site(app)
    with app.app_context():
        comment_events.record("comment.created", _unsaved_comment())
        db.session.rollback()
        db.session.commit()
    assert heard == []


def test_an_unknown_event_name_is_refused(app):
    with app.app_context(), pytest.raises(ValueError):
        comment_events.record("comment.exploded", _unsaved_comment())


def _unsaved_comment():
    from app.models import Comment

    return Comment()


def test_a_failing_delivery_stops_neither_the_answer_nor_the_other_work(
    app, client, heard, monkeypatch
):
    def publish_fails(_events):
        raise ConnectionError("the live-event broker is down")

    make_site(app)
    monkeypatch.setattr(freshness.WORK, "deliver", publish_fails)  # runs before comment events
    comment = post_ok(client)  # 201, though publishing its live event failed after the commit
    assert heard == [("comment.created", comment["id"])]
