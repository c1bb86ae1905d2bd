"""A comment event becomes a background job only when the job may have something to do.

Each job costs a worker its queue bookkeeping even when it mails or calls no one, so the
listeners ask first (app.services.mail_triggers, webhook_sending.event_has_receivers). These
tests read what waits in Redis after real posts: nothing for a top-level comment on a quiet
site; the reader mail for a visible reply or a guest's subscription; the moderators' alert for a
held comment where a moderator asked for alerts; the webhook fan-out where a webhook listens.
"""

from __future__ import annotations

import pytest
import redis
from rq import Queue

from app.extensions import db
from app.jobs import QUEUE_NAME
from app.services import comment_events
from app.services import webhooks as webhook_service
from app.services.moderator_alerts import set_alerts
from app.services.users import get_user_by_email
from tests.conftest import REDIS_URL, require_or_skip
from tests.factories import make_site, make_user, post_ok


@pytest.fixture
def queued_app(app):
    if not REDIS_URL:
        require_or_skip("job tests need PARLEY_TEST_REDIS_URL, e.g. redis://127.0.0.1:6379/15")
    redis.Redis.from_url(REDIS_URL).flushdb()  # the tests' own Redis database
    from app.redis_store import init_redis

    app.config.update(PARLEY_REDIS_URL=REDIS_URL, PARLEY_WEBHOOK_ALLOW_PRIVATE=True)
    init_redis(app)
    return app


def waiting(app) -> list[str]:
    """The task of each job waiting in the queue, then empty it."""
    connection = redis.Redis.from_url(REDIS_URL)
    queue = Queue(QUEUE_NAME, connection=connection)
    tasks = sorted(job.description.rsplit(":", 1)[-1] for job in queue.jobs)
    connection.flushdb()
    return tasks


def add_webhook(app, event: str) -> None:
    """A webhook of news that receives ``event`` only (on a closed port: never delivered to)."""
    with app.app_context():
        url = f"http://127.0.0.1:9/{event}"
        webhook_service.add_webhook("news", url, "whsec_" + "A" * 32, [event], allow_private=True)


def test_a_top_level_comment_on_a_quiet_site_makes_no_job(queued_app, client):
    make_site(queued_app)
    post_ok(client, body="Nobody to tell")
    assert waiting(queued_app) == []


def test_a_visible_reply_makes_the_reader_mail_job_only(queued_app, client):
    make_site(queued_app)
    parent = post_ok(client, body="The parent")
    waiting(queued_app)
    post_ok(client, body="An answer", parent_id=parent["id"])
    assert waiting(queued_app) == ["reader_mail"]


def test_a_guest_asking_for_replies_makes_the_confirmation_job(queued_app, client):
    make_site(queued_app)
    post_ok(client, body="Tell me", author_email="guest@mail.example", notify_replies=True)
    assert waiting(queued_app) == ["reader_mail"]


def test_a_held_comment_alerts_only_where_a_moderator_asked(queued_app, client):
    make_site(queued_app, premod=True)
    make_user(queued_app, "mod@example.org", "Mo", role="moderator", sites=("news",))
    post_ok(client, body="Held, no one asked")
    assert waiting(queued_app) == []
    with queued_app.app_context():
        set_alerts(get_user_by_email("mod@example.org"), {"news": "immediately"})
    post_ok(client, body="Held, a moderator asked")
    assert waiting(queued_app) == ["moderator_alert_mail"]


def test_a_report_alerts_where_a_moderator_asked_and_a_published_comment_does_not(
    queued_app, client
):
    make_site(queued_app)
    make_user(queued_app, "mod@example.org", "Mo", role="moderator", sites=("news",))
    with queued_app.app_context():
        set_alerts(get_user_by_email("mod@example.org"), {"news": "hourly"})
    published = post_ok(client, body="Published at once: no queue item")
    assert waiting(queued_app) == []
    response = client.post(
        f"/api/v1/comments/{published['id']}/reports",
        json={"reason": "spam"},
        headers={"Origin": "http://localhost"},
    )
    assert response.status_code in (200, 201), response.get_json()
    assert waiting(queued_app) == ["moderator_alert_mail"]


def test_a_webhook_listening_to_the_event_makes_the_fan_out_job(queued_app, client):
    make_site(queued_app)
    add_webhook(queued_app, "comment.edited")
    post_ok(client, body="Not an event that webhook wants")
    assert waiting(queued_app) == []
    add_webhook(queued_app, "comment.created")
    post_ok(client, body="This one it wants")
    assert waiting(queued_app) == ["fan_out_event"]


def test_a_failing_condition_still_announces_the_event(app, client):
    make_site(app)
    heard: list[str] = []

    def listener(name: str, comment_id: int) -> None:
        heard.append(name)

    def broken(name, comment) -> bool:
        raise RuntimeError("the condition broke")

    comment_events.listen(listener, when=broken)
    try:
        post_ok(client, body="Still announced")
    finally:
        comment_events._listeners.remove(listener)
        comment_events._conditions.pop(listener)
    assert heard == ["comment.created"]
    with app.app_context():
        assert db.session.scalar(db.select(db.func.count()).select_from(db.text("comments"))) == 1


def test_a_database_error_before_the_commit_fails_the_write_instead_of_losing_it(app, client):
    """On PostgreSQL a failed statement aborts the transaction, and a COMMIT then rolls it back
    without an error: a listener's database error must fail the request, never answer 201."""
    heard: list[str] = []

    def listener(name: str, comment_id: int, frozen=None) -> None:
        heard.append(name)

    def broken(name, comment) -> None:
        db.session.execute(db.text("SELECT no_such_column FROM comments"))

    make_site(app)
    comment_events.listen(listener, freeze=broken)
    try:
        response = client.post(
            "/api/v1/comments",
            json={"site": "news", "article": "a1", "body": "Not lost", "author_name": "Ann"},
            headers={"Origin": "https://news.example"},
        )
    finally:
        comment_events._listeners.remove(listener)
        comment_events._freezers.pop(listener)
    assert response.status_code >= 500, response.get_json()
    assert heard == []
    with app.app_context():
        assert db.session.scalar(db.select(db.func.count()).select_from(db.text("comments"))) == 0
