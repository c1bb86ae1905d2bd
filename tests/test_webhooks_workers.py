"""Acceptance: webhooks through Redis with two real ``flask --app wsgi worker`` processes and a
gunicorn master on PostgreSQL. Comments posted at once over HTTP each give exactly one signed
``comment.created`` delivery; every other event follows; a receiver that fails first gets the
same ``webhook-id`` again; no e-mail or IP address is in any body."""

from __future__ import annotations

import json
import os
import time
from concurrent.futures import ThreadPoolExecutor
from contextlib import ExitStack
from pathlib import Path

import pytest
import redis
from sqlalchemy import func, select

from app import create_app
from app.extensions import db
from app.models import DeliveryStatus, Role, WebhookDelivery
from app.services import webhooks as webhook_service
from app.services.comment_events import EVENTS
from tests.conftest import REDIS_URL, _truncate_all, base_config, require_or_skip
from tests.factories import bearer, make_site, make_token, make_user
from tests.live_server import call, gunicorn_master
from tests.webhook_receiver import receiver, verify
from tests.worker_processes import worker_processes

ROOT = Path(__file__).resolve().parent.parent
SECRET = "two-workers-webhook-secret"
POSTS = 20


@pytest.fixture
def shared(postgres_url, tmp_path, monkeypatch):
    """PostgreSQL (emptied) and the tests' Redis database, a site, a moderator and a reader."""
    if not REDIS_URL:
        require_or_skip("this test needs PARLEY_TEST_REDIS_URL, e.g. redis://127.0.0.1:6379/15")
    redis.Redis.from_url(REDIS_URL).flushdb()
    # Every process of this test (gunicorn, workers) reads these.
    monkeypatch.setenv("PARLEY_WEBHOOK_ALLOW_PRIVATE", "on")
    monkeypatch.setenv("PARLEY_WEBHOOK_RETRY_INTERVALS", "1,1,1,1,1")
    app = create_app(base_config(postgres_url, tmp_path))
    with app.app_context():
        _truncate_all(app)
    make_site(app, "news")
    make_user(app, "mod@example.org", "Mod", Role.MODERATOR)
    make_user(app, "reader@example.org", "Reader")
    tokens = {e: make_token(app, e) for e in ("mod@example.org", "reader@example.org")}
    yield app, tokens
    with app.app_context():
        db.session.remove()
        db.engine.dispose()


def worker_env(database_url: str) -> dict[str, str]:
    return {
        **os.environ,
        "PARLEY_DATABASE_URL": database_url,
        "PARLEY_REDIS_URL": REDIS_URL,
        "PARLEY_SECRET_KEY": "multiprocess-test-secret",
    }


def add_webhook(app, url: str, *events: str) -> int:
    with app.app_context():
        return webhook_service.add_webhook("news", url, SECRET, events, allow_private=True).id


def post(base: str, index: int, reader_token: str) -> dict:
    payload = {"site": "news", "article": "a1", "body": f"comment number {index}"}
    headers = {"Origin": "https://news.example"}
    if index % 3 == 0:
        headers["Authorization"] = f"Bearer {reader_token}"  # an account with an e-mail
    else:
        payload |= {"author_name": f"Guest {index}", "author_email": f"guest{index}@mail.example"}
    status, _headers, content = call(base + "/api/v1/comments", "POST", payload, headers)
    assert status == 201, content
    return json.loads(content)


def test_two_workers_deliver_each_event_once_signed_and_retry_with_the_same_id(shared, tmp_path):
    app, tokens = shared
    database_url = app.config["SQLALCHEMY_DATABASE_URI"]
    with ExitStack() as stack:
        hook = stack.enter_context(receiver())
        flaky = stack.enter_context(receiver(fail_first=1))
        add_webhook(app, hook.url)
        add_webhook(app, flaky.url, "comment.created")
        stack.enter_context(worker_processes(worker_env(database_url), 2, tmp_path))
        base = stack.enter_context(gunicorn_master(database_url, tmp_path))

        with ThreadPoolExecutor(max_workers=POSTS) as pool:
            posted = list(
                pool.map(lambda i: post(base, i, tokens["reader@example.org"]), range(POSTS))
            )
        created = hook.wait_for(POSTS, timeout=60)
        retried = flaky.wait_for(2 * POSTS, timeout=60)

        ids = sorted(c["id"] for c in posted)
        mod = {"Authorization": f"Bearer {tokens['mod@example.org']}"}
        reader = {"Authorization": f"Bearer {tokens['reader@example.org']}"}
        guest_comment, own = posted[1]["id"], posted[0]["id"]  # 0: with the reader's token
        for action in ("reject", "approve", "spam"):
            status, _h, content = call(
                f"{base}/api/v1/moderation/comments/{guest_comment}",
                "POST",
                {"action": action},
                mod,
            )
            assert status == 200, content
        for method, path, body, headers in (
            ("PATCH", f"/api/v1/comments/{own}", {"body": "edited"}, reader),
            ("POST", f"/api/v1/comments/{own}/reports", {"reason": "spam"}, mod),
            ("DELETE", f"/api/v1/comments/{own}", None, reader),
        ):
            status, _h, content = call(base + path, method, body, headers)
            assert status in (200, 201, 204), content
        everything = hook.wait_for(POSTS + len(EVENTS) - 1, timeout=60)
        time.sleep(2)  # anything duplicated would arrive by now
        everything = hook.wait_for(0)
        retried = flaky.wait_for(0)

    # 1. Each event once, each signed (library and hand HMAC), with its own webhook-id.
    bodies = [verify(SECRET, r) for r in everything]
    types = [b["type"] for b in bodies]
    assert types.count("comment.created") == POSTS
    assert sorted(t for t in types if t != "comment.created") == sorted(EVENTS[1:])
    assert len({r.id for r in everything}) == len(everything) == POSTS + len(EVENTS) - 1
    created_ids = sorted(
        b["data"]["comment"]["id"] for b in bodies if b["type"] == "comment.created"
    )
    assert created_ids == ids  # 4. exactly the 20 comments: none lost, none twice
    assert len(created) >= POSTS
    # 2. The receiver that failed first got every webhook-id twice, signed both times.
    assert len(retried) == 2 * POSTS
    per_id: dict[str, int] = {}
    for r in retried:
        verify(SECRET, r)
        per_id[r.id] = per_id.get(r.id, 0) + 1
    assert set(per_id.values()) == {2} and len(per_id) == POSTS
    # 3. No e-mail or IP address in any body.
    for r in everything + retried:
        text = r.body.decode()
        assert "@" not in text and "mail.example" not in text and "127.0.0.1" not in text
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(WebhookDelivery)) == (
            POSTS + len(EVENTS) - 1 + POSTS
        )
        statuses = set(db.session.scalars(select(WebhookDelivery.status)))
        assert statuses == {DeliveryStatus.SUCCEEDED}


@pytest.fixture
def redis_app(app):
    """The test's app with jobs in the tests' Redis database (a worker runs them in-process)."""
    if not REDIS_URL:
        require_or_skip("this test needs PARLEY_TEST_REDIS_URL, e.g. redis://127.0.0.1:6379/15")
    redis.Redis.from_url(REDIS_URL).flushdb()
    from app.redis_store import init_redis

    app.config.update(PARLEY_REDIS_URL=REDIS_URL, PARLEY_WEBHOOK_RETRY_INTERVALS=[1, 1, 1, 1])
    init_redis(app)
    make_site(app, "news")
    return app


def run_worker(app) -> None:
    from rq import SimpleWorker

    from app.jobs import job_queue

    with app.app_context():
        queue = job_queue()
        SimpleWorker([queue], connection=queue.connection).work(burst=True, with_scheduler=True)


def test_with_redis_a_private_address_is_refused_when_the_worker_delivers(redis_app):
    app = redis_app
    with receiver() as hook:
        add_webhook(app, hook.url)  # added while allowed (or DNS said public then)
        app.config["PARLEY_WEBHOOK_ALLOW_PRIVATE"] = False
        answer = app.test_client().post(
            "/api/v1/comments",
            json={"site": "news", "article": "a1", "body": "hi", "author_name": "Ann"},
            headers={"Origin": "https://news.example"},
        )
        assert answer.status_code == 201
        run_worker(app)
        assert hook.wait_for(1, timeout=1) == []
        with app.app_context():
            [delivery] = db.session.scalars(select(WebhookDelivery))
            assert delivery.status == DeliveryStatus.FAILED and delivery.attempts == 1
            assert "loopback, private or link-local" in delivery.last_error
        app.config["PARLEY_WEBHOOK_ALLOW_PRIVATE"] = True  # the setting on: it goes through
        runner = app.test_cli_runner()
        again = runner.invoke(args=["sites", "webhooks", "redeliver", "news", "1", "1"])
        assert again.exit_code == 0, again.output
        run_worker(app)
        [received] = hook.wait_for(1)
    verify(SECRET, received)
    with app.app_context():
        assert db.session.get(WebhookDelivery, 1).status == DeliveryStatus.SUCCEEDED


def test_with_redis_a_failing_receiver_is_retried_by_the_worker_after_the_delay(redis_app):
    app = redis_app
    app.config["PARLEY_WEBHOOK_ALLOW_PRIVATE"] = True
    with receiver(fail_first=2) as hook:
        add_webhook(app, hook.url)
        answer = app.test_client().post(
            "/api/v1/comments",
            json={"site": "news", "article": "a1", "body": "hi", "author_name": "Ann"},
            headers={"Origin": "https://news.example"},
        )
        assert answer.status_code == 201
        deadline = time.monotonic() + 20
        while len(hook.wait_for(0)) < 3 and time.monotonic() < deadline:
            run_worker(app)
            time.sleep(0.3)
        received = hook.wait_for(3)
    assert len(received) == 3 and len({r.id for r in received}) == 1
    for r in received:
        verify(SECRET, r)
    with app.app_context():
        [delivery] = db.session.scalars(select(WebhookDelivery))
        assert delivery.status == DeliveryStatus.SUCCEEDED and delivery.attempts == 3


def test_each_body_holds_the_comment_as_its_event_left_it_though_the_job_runs_later(redis_app):
    """The fan-out jobs run only after the comment was rejected and approved again: each body
    still shows the status its event gave (a comment.rejected never says approved)."""
    app = redis_app
    app.config["PARLEY_WEBHOOK_ALLOW_PRIVATE"] = True
    make_user(app, "mod@example.org", "Mod", Role.MODERATOR)
    moderator = bearer(make_token(app, "mod@example.org"))
    client = app.test_client()
    with receiver() as hook:
        add_webhook(app, hook.url)
        answer = client.post(
            "/api/v1/comments",
            json={"site": "news", "article": "a1", "body": "hi", "author_name": "Ann"},
            headers={"Origin": "https://news.example"},
        )
        assert answer.status_code == 201
        comment_id = answer.get_json()["id"]
        for action in ("reject", "approve"):
            moderated = client.post(
                f"/api/v1/moderation/comments/{comment_id}",
                json={"action": action},
                headers=moderator,
            )
            assert moderated.status_code == 200, moderated.get_json()
        run_worker(app)
        received = hook.wait_for(3)
    statuses = {r.json["type"]: r.json["data"]["comment"]["status"] for r in received}
    assert statuses == {
        "comment.created": "approved",
        "comment.rejected": "rejected",
        "comment.approved": "approved",
    }
