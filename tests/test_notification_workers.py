"""Acceptance: reply e-mails through Redis-backed jobs and two real ``flask --app wsgi worker``
processes on PostgreSQL, delivered to a real SMTP server (aiosmtpd) started by the test. Each
reply is mailed once although two workers race for the jobs; a burst is batched by a delayed
job; unsubscribing and the guest double opt-in work as without Redis
(tests/test_notifications.py)."""

from __future__ import annotations

import os
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
import redis

from app import create_app
from app.extensions import db
from app.models import Role
from app.services.moderator_alerts import set_alerts
from app.services.site_settings import apply_site_settings
from app.services.users import get_user_by_email
from tests.conftest import REDIS_URL, _truncate_all, base_config, require_or_skip
from tests.dashboard_support import csrf_token
from tests.factories import make_site
from tests.mail_support import Inbox, dispose, eventually, make_mail_app, parts
from tests.notification_support import (
    account,
    alice_and_bob,
    moderate,
    opt_in_path,
    post,
    unsubscribe_path,
    wants_replies,
    whole,
)
from tests.worker_processes import worker_processes

BATCH_MINUTES = 0.05  # 3 s


@pytest.fixture
def web(postgres_url, smtp, tmp_path):
    if not REDIS_URL:
        require_or_skip("this test needs PARLEY_TEST_REDIS_URL, e.g. redis://127.0.0.1:6379/15")
    redis.Redis.from_url(REDIS_URL).flushdb()  # the test's own Redis database
    plain = create_app(base_config(postgres_url, tmp_path))
    plain.instance_path = str(tmp_path)
    with plain.app_context():
        _truncate_all(plain)
        db.engine.dispose()
    app = make_mail_app(
        plain,
        smtp[1],
        PARLEY_REDIS_URL=REDIS_URL,
        PARLEY_REPLY_MAIL_BATCH_MINUTES=BATCH_MINUTES,
    )
    yield app
    dispose(app)


@contextmanager
def workers(app, count: int, workdir: Path) -> Iterator[None]:
    env = {
        **os.environ,
        "PARLEY_DATABASE_URL": app.config["SQLALCHEMY_DATABASE_URI"],
        "PARLEY_REDIS_URL": REDIS_URL,
        "PARLEY_SECRET_KEY": app.config["SECRET_KEY"],
        "PARLEY_SMTP_URL": app.config["PARLEY_SMTP_URL"],
        "PARLEY_MAIL_FROM": app.config["PARLEY_MAIL_FROM"],
        "PARLEY_PUBLIC_URL": app.config["PARLEY_PUBLIC_URL"],
        "PARLEY_REPLY_MAIL_BATCH_MINUTES": str(BATCH_MINUTES),
        "PARLEY_TOXICITY": "off",
    }
    with worker_processes(env, count, workdir):
        yield


def settle(inbox: Inbox, count: int) -> None:
    """Wait for ``count`` messages, then a little longer to see that no more arrive."""
    assert eventually(lambda: len(inbox.messages) >= count), [m["To"] for m in inbox.messages]
    time.sleep(1.0)
    assert len(inbox.messages) == count, [(m["To"], m["Subject"]) for m in inbox.messages]


def test_two_workers_mail_each_visible_reply_once_and_batch_a_burst(web, smtp, tmp_path):
    inbox, _ = smtp
    make_site(web, "news", name="Daily News")
    make_site(web, "held", name="Held News", premod=True)
    client = web.test_client()
    mod = account(web, "mod@example.org", "Mod", Role.MODERATOR)
    alice, bob = alice_and_bob(web)
    with workers(web, 2, tmp_path):
        # Sent once, never for one's own reply.
        top = post(client, "Top.", alice)
        post(client, "Bob's reply: <script>alert(1)</script> <b>bold</b>", bob, parent_id=top["id"])
        post(client, "Alice to herself.", alice, parent_id=top["id"])
        settle(inbox, 1)
        first = inbox.last("alice@example.org")
        text, html = parts(first)
        assert "<script>alert(1)</script> <b>bold</b>" in text
        assert "&lt;script&gt;alert(1)&lt;/script&gt; &lt;b&gt;bold&lt;/b&gt;" in html
        assert "<script>" not in html and "<b>bold" not in html
        assert "bob@example.org" not in whole(first)
        assert first["From"] == "Daily News <comments@news.example>"

        # A held reply: nothing until approved, then once.
        held_top = post(client, "On the held site.", alice, site="held")
        moderate(client, mod, held_top["id"], "approve")
        held = post(client, "Held reply.", bob, site="held", parent_id=held_top["id"])
        time.sleep(1.0)
        assert len(inbox.messages) == 1
        moderate(client, mod, held["id"], "approve")
        settle(inbox, 2)
        assert "Held reply." in parts(inbox.messages[1])[0]

        # A burst in one thread: one mail at once, the rest together when the window ends.
        burst_top = post(client, "Burst me.", bob)
        post(client, "Burst 1.", alice, parent_id=burst_top["id"])
        # Mailed before the rest are posted: two workers could otherwise take two replies'
        # jobs at once, and either may be the one mailed at once.
        assert eventually(lambda: len(inbox.messages) >= 3)
        for number in range(2, 5):
            post(client, f"Burst {number}.", alice, parent_id=burst_top["id"])
        settle(inbox, 3)
        assert eventually(lambda: len(inbox.messages) == 4, timeout=BATCH_MINUTES * 60 + 15)
        settle(inbox, 4)
        to_bob = inbox.to("bob@example.org")
        assert [m["Subject"] for m in to_bob] == [
            "New reply to your comment",
            "3 new replies to your comment",
        ]
        batch = parts(to_bob[1])[0]
        assert all(f"Burst {n}." in batch for n in (2, 3, 4))

        # One-click unsubscribe with the header's URL, no sign-in.
        path = unsubscribe_path(first)
        done = web.test_client().post(path, data={"List-Unsubscribe": "One-Click"})
        assert done.status_code == 200
        assert wants_replies(web, "alice@example.org") is False
        post(client, "After unsubscribing.", bob, parent_id=top["id"])

        # A guest: only the confirmation until confirmed, then reply mail.
        guest = {"author_name": "Carol", "author_email": "carol@example.org"}
        asked = post(client, "Guest here.", notify_replies=True, **guest)
        dave = post(client, "Dave's own.", author_name="Dave", author_email="dave@example.org")
        post(client, "To Dave, who never asked.", bob, parent_id=dave["id"])
        settle(inbox, 5)
        confirmation = inbox.last("carol@example.org")
        assert confirmation["Subject"] == "Confirm reply e-mails"
        post(client, "Too early.", bob, parent_id=asked["id"])
        time.sleep(1.0)
        assert len(inbox.messages) == 5
        browser = web.test_client()
        opt_in = opt_in_path(confirmation)
        assert (
            browser.post(opt_in, data={"csrf_token": csrf_token(browser, opt_in)}).status_code
            == 200
        )
        post(client, "Now it counts.", bob, parent_id=asked["id"])
        settle(inbox, 6)
        assert inbox.to("dave@example.org") == []
        latest = inbox.last("carol@example.org")
        assert "Now it counts." in parts(latest)[0] and "Too early." not in parts(latest)[0]

        # A moderator's immediate alert, then the author alert, through the workers too.
        with web.app_context():
            apply_site_settings("held", {"author_alerts": True}, None)
            set_alerts(get_user_by_email("mod@example.org"), {"held": "immediately"})
        waiting = post(client, "Waiting for a moderator.", bob, site="held")
        settle(inbox, 7)
        assert inbox.last("mod@example.org")["Subject"] == "Moderation: 1 new item"
        moderate(client, mod, waiting["id"], "approve")
        settle(inbox, 8)
        assert inbox.last("bob@example.org")["Subject"] == "Your comment is published"
    assert len(inbox.to("alice@example.org")) == 2  # nothing after unsubscribing
