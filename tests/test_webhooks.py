"""Webhooks without Redis (deliveries run in the web process after the response), on SQLite and
PostgreSQL: the CLI, signatures, the body, retries, the private-address rule, rotation,
automatic disabling and redelivery. Real receivers on 127.0.0.1; tests/test_webhooks_workers.py
runs the same through Redis and two worker processes."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from sqlalchemy import select
from standardwebhooks import Webhook as StandardWebhook
from standardwebhooks.webhooks import WebhookVerificationError

from app import create_app
from app.extensions import db
from app.limits import WEBHOOK_SECRET_MAX, WEBHOOK_URL_MAX, WEBHOOKS_PER_SITE_MAX
from app.models import DeliveryStatus, Role, Webhook, WebhookDelivery
from app.services.comment_events import EVENTS
from tests.conftest import _truncate_all, base_config
from tests.factories import bearer, make_site, make_token, make_user, post_comment
from tests.private_servers import free_port
from tests.webhook_receiver import receiver, verify

SECRET = "whook-secret-for-tests-0123456789"


@pytest.fixture
def site(app):
    app.config["PARLEY_WEBHOOK_ALLOW_PRIVATE"] = True  # the receivers listen on 127.0.0.1
    app.config["PARLEY_WEBHOOK_RETRY_INTERVALS"] = [0, 0, 0, 0]  # five attempts, no waiting
    make_site(app, "news")
    make_user(app, "admin@example.org", "Admin", Role.ADMIN)
    return app


def add(runner, url: str, *extra: str, secret: str = SECRET):
    return runner.invoke(args=["sites", "webhooks", "add", "news", url, "--secret", secret, *extra])


def post(client, body: str = "Hello", **extra):
    response = post_comment(client, body, **extra)
    response.close()  # the jobs run once the response is closed
    assert response.status_code == 201, response.get_json()
    return response.get_json()


def deliveries(app) -> list[WebhookDelivery]:
    with app.app_context():
        return list(db.session.scalars(select(WebhookDelivery).order_by(WebhookDelivery.id)))


def test_cli_adds_lists_and_removes_webhooks(site, runner):
    added = add(runner, "https://hooks.example.net/parley", "--event", "comment.created")
    # hooks.example.net does not resolve here: the add is refused, never sent to the internet.
    assert added.exit_code != 0 and "does not resolve" in added.output
    with receiver() as hook:
        added = add(runner, hook.url, "--event", "comment.created", "--event", "comment.approved")
        assert added.exit_code == 0, added.output
        assert "Added webhook 1 of news" in added.output
        every = add(runner, hook.url)
        assert every.exit_code == 0, every.output
        listed = runner.invoke(args=["sites", "webhooks", "list", "news"])
        assert listed.exit_code == 0, listed.output
        lines = listed.output.splitlines()
        assert lines[0].startswith(f"1\t{hook.url}\tenabled\tcomment.created,comment.approved\t")
        assert lines[1].startswith(f"2\t{hook.url}\tenabled\t{','.join(EVENTS)}\t")
        assert SECRET not in listed.output  # only the secret's first characters are shown
        assert lines[-1] == "2 webhook(s)"
        removed = runner.invoke(args=["sites", "webhooks", "remove", "news", "1"])
        assert removed.exit_code == 0, removed.output
        again = runner.invoke(args=["sites", "webhooks", "remove", "news", "1"])
        assert again.exit_code != 0 and "has no webhook 1" in again.output
        listed = runner.invoke(args=["sites", "webhooks", "list", "news"])
        assert listed.output.splitlines()[-1] == "1 webhook(s)"


@pytest.mark.parametrize(
    ("url", "secret", "message"),
    [
        ("ftp://127.0.0.1/x", SECRET, "http:// or https://"),
        ("http://user:pw@127.0.0.1/x", SECRET, "no user name or password"),
        ("http://127.0.0.1/" + "x" * WEBHOOK_URL_MAX, SECRET, f"at most {WEBHOOK_URL_MAX}"),
        ("http://127.0.0.1/x", "short", "the secret must be"),
        ("http://127.0.0.1/x", "s" * (WEBHOOK_SECRET_MAX + 1), "the secret must be"),
    ],
)
def test_cli_refuses_bad_urls_and_secrets(site, runner, url, secret, message):
    result = add(runner, url, secret=secret)
    assert result.exit_code != 0
    assert message in result.output
    with site.app_context():
        assert db.session.scalar(select(Webhook)) is None


def test_cli_refuses_an_unknown_event_and_too_many_webhooks(site, runner):
    assert add(runner, "http://127.0.0.1:9/x", "--event", "comment.liked").exit_code != 0
    for _ in range(WEBHOOKS_PER_SITE_MAX):
        assert add(runner, "http://127.0.0.1:9/x").exit_code == 0
    result = add(runner, "http://127.0.0.1:9/x")
    assert result.exit_code != 0 and f"at most {WEBHOOKS_PER_SITE_MAX} webhooks" in result.output


@pytest.mark.parametrize(
    "url",
    [
        "http://127.0.0.1:8080/hook",
        "http://localhost/hook",
        "http://10.1.2.3/hook",
        "http://192.168.0.10/hook",
        "http://169.254.169.254/latest/meta-data",
        "http://[::1]/hook",
        "http://[::ffff:127.0.0.1]/hook",
        "https://0.0.0.0/hook",
    ],
)
def test_private_addresses_are_refused_unless_allowed(site, runner, url):
    site.config["PARLEY_WEBHOOK_ALLOW_PRIVATE"] = False
    refused = add(runner, url)
    assert refused.exit_code != 0
    assert "loopback, private or link-local" in refused.output
    site.config["PARLEY_WEBHOOK_ALLOW_PRIVATE"] = True
    assert add(runner, url).exit_code == 0


def test_the_setting_is_off_unless_turned_on(monkeypatch, tmp_path):
    from app.config import build_config

    monkeypatch.delenv("PARLEY_WEBHOOK_ALLOW_PRIVATE", raising=False)
    assert build_config(tmp_path, "k")["PARLEY_WEBHOOK_ALLOW_PRIVATE"] is False
    monkeypatch.setenv("PARLEY_WEBHOOK_ALLOW_PRIVATE", "on")
    assert build_config(tmp_path, "k")["PARLEY_WEBHOOK_ALLOW_PRIVATE"] is True


def test_without_redis_a_new_comment_is_delivered_signed_after_the_response(site, runner, client):
    with receiver() as hook:
        assert add(runner, hook.url).exit_code == 0
        answer = post_comment(
            client, "First!", article_title="A title", article_url="https://news.example/a1"
        )
        assert answer.status_code == 201
        assert hook.wait_for(1, timeout=0.5) == []  # nothing before the response is done
        answer.close()
        comment = answer.get_json()
        [received] = hook.wait_for(1)
    body = verify(SECRET, received)
    assert re.fullmatch(r"msg_[0-9a-f]{32}", received.id)
    assert received.headers["content-type"] == "application/json"
    assert received.path == "/hooks/parley"
    assert body["type"] == "comment.created"
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", body["timestamp"])
    assert body["data"]["site"] == "news"
    assert body["data"]["article"] == {
        "key": "a1",
        "title": "A title",
        "url": "https://news.example/a1",
    }
    sent = body["data"]["comment"]
    assert sent["id"] == comment["id"] and sent["status"] == "approved"
    assert sent["html"] == comment["html"] and sent["author"]["name"] == "Guest"
    assert set(sent) >= {"id", "parent_id", "author", "html", "created_at", "edited_at", "score"}
    [delivery] = deliveries(site)
    assert delivery.status == DeliveryStatus.SUCCEEDED and delivery.attempts == 1
    assert delivery.last_response_code == 204 and delivery.last_latency_ms is not None
    assert delivery.event_id == received.id


def test_a_signature_from_another_secret_does_not_verify(site, runner, client):
    with receiver() as hook:
        assert add(runner, hook.url).exit_code == 0
        post(client)
        [received] = hook.wait_for(1)
    with pytest.raises(WebhookVerificationError):
        StandardWebhook(b"another-secret-entirely").verify(received.body, received.headers)


def test_every_event_is_delivered_signed_in_process(site, runner, client):
    make_user(site, "mod@example.org", "Mod", Role.MODERATOR)
    make_user(site, "reader@example.org", "Reader")
    mod = bearer(make_token(site, "mod@example.org"))
    reader = bearer(make_token(site, "reader@example.org"))
    with receiver() as hook:
        assert add(runner, hook.url).exit_code == 0
        first = post(client, "by a reader", headers=reader)["id"]
        second = post(client, "by a guest")["id"]
        for action, target in (("reject", second), ("approve", second), ("spam", second)):
            answer = client.post(
                f"/api/v1/moderation/comments/{target}", json={"action": action}, headers=mod
            )
            answer.close()
            assert answer.status_code == 200, answer.get_json()
        for method, path, payload in (
            ("patch", f"/api/v1/comments/{first}", {"body": "edited"}),
            ("post", f"/api/v1/comments/{first}/reports", {"reason": "spam"}),
            ("delete", f"/api/v1/comments/{first}", None),
        ):
            headers = mod if path.endswith("reports") else reader
            answer = getattr(client, method)(path, json=payload, headers=headers)
            answer.close()
            assert answer.status_code in (200, 201, 204), answer.get_data(as_text=True)
        received = hook.wait_for(8)
    bodies = [verify(SECRET, r) for r in received]
    assert sorted(b["type"] for b in bodies) == sorted([*EVENTS, "comment.created"])
    assert len({r.id for r in received}) == 8
    by_type = {b["type"]: b["data"]["comment"] for b in bodies}
    assert by_type["comment.rejected"]["status"] == "rejected"
    assert by_type["comment.spam"]["status"] == "spam"
    assert by_type["comment.deleted"]["status"] == "deleted"
    assert by_type["comment.edited"]["html"] == "<p>edited</p>"


def test_no_email_or_ip_address_is_ever_in_a_body(site, runner, client):
    make_user(site, "reader@example.org", "Reader")
    reader = bearer(make_token(site, "reader@example.org"))
    with receiver() as hook:
        assert add(runner, hook.url).exit_code == 0
        post(client, "guest with mail", author_name="Gus", author_email="gus@example.com")
        post(client, "account", headers=reader)
        received = hook.wait_for(2)
    assert len(received) == 2
    for r in received:
        text = r.body.decode()
        assert "@" not in text, text  # neither address (nor any address) is sent
        assert "gus@example.com" not in text and "reader@example.org" not in text
        assert "127.0.0.1" not in text and "ip" not in r.json["data"]["comment"]


def test_a_failing_receiver_gets_the_same_webhook_id_again(site, runner, client):
    with receiver(fail_first=2) as hook:
        assert add(runner, hook.url).exit_code == 0
        post(client)
        received = hook.wait_for(3)
    assert len(received) == 3
    assert len({r.id for r in received}) == 1
    for r in received:
        verify(SECRET, r)
    [delivery] = deliveries(site)
    assert delivery.status == DeliveryStatus.SUCCEEDED and delivery.attempts == 3


def test_without_redis_a_delivery_gets_five_attempts_then_fails(site, runner, client):
    with receiver(fail_first=100) as hook:
        assert add(runner, hook.url).exit_code == 0
        post(client)
        received = hook.wait_for(6, timeout=3)
    assert len(received) == 5 and len({r.id for r in received}) == 1
    [delivery] = deliveries(site)
    assert delivery.status == DeliveryStatus.FAILED and delivery.attempts == 5
    assert delivery.last_response_code == 500 and "answered 500" in delivery.last_error


def test_the_address_is_checked_again_when_delivering(site, runner, client):
    with receiver() as hook:
        assert add(runner, hook.url).exit_code == 0
        site.config["PARLEY_WEBHOOK_ALLOW_PRIVATE"] = False  # as if DNS now pointed inside
        post(client)
        assert hook.wait_for(1, timeout=4) == []
    [delivery] = deliveries(site)
    assert delivery.status == DeliveryStatus.FAILED
    assert "private or link-local" in delivery.last_error
    assert delivery.last_response_code is None


def test_during_a_rotation_both_secrets_sign(site, runner, client):
    new_secret = "the-new-secret-after-rotation"
    with receiver() as hook:
        assert add(runner, hook.url).exit_code == 0
        rotated = runner.invoke(
            args=["sites", "webhooks", "rotate", "news", "1", "--secret", new_secret]
        )
        assert rotated.exit_code == 0, rotated.output
        assert "rotating" in rotated.output
        post(client)
        ended = runner.invoke(
            args=[
                "sites",
                "webhooks",
                "rotate",
                "news",
                "1",
                "--secret",
                SECRET,
                "--keep-hours",
                "0",
            ]
        )
        assert ended.exit_code == 0, ended.output
        post(client, "after")
        during, after = hook.wait_for(2)
    assert len(during.headers["webhook-signature"].split(" ")) == 2
    verify(SECRET, during)
    verify(new_secret, during)
    assert len(after.headers["webhook-signature"].split(" ")) == 1
    verify(SECRET, after)
    with pytest.raises(WebhookVerificationError):
        StandardWebhook(new_secret.encode()).verify(after.body, after.headers)


def test_a_webhook_is_disabled_after_failures_in_a_row_and_admins_are_told(site, runner, client):
    site.config["PARLEY_WEBHOOK_DISABLE_AFTER"] = 4
    with receiver(fail_first=100) as hook:
        assert add(runner, hook.url).exit_code == 0
        post(client, "one")  # the fourth failed attempt disables it: no fifth
        post(client, "two")  # nothing sent: it is disabled
        received = hook.wait_for(5, timeout=3)
    assert len(received) == 4
    with site.app_context():
        webhook = db.session.get(Webhook, 1)
        assert webhook.enabled is False
        assert "4 failed attempts in a row" in webhook.disabled_reason
    [delivery] = deliveries(site)  # none for "two"
    assert delivery.status == DeliveryStatus.FAILED and delivery.attempts == 4
    mails = list(Path(site.instance_path).glob("outbox/*.eml"))
    assert len(mails) == 1
    text = mails[0].read_text()
    assert "To: admin@example.org" in text and "was disabled" in text
    listed = runner.invoke(args=["sites", "webhooks", "list", "news"])
    assert "disabled (4 failed attempts in a row)" in listed.output
    assert runner.invoke(args=["sites", "webhooks", "enable", "news", "1"]).exit_code == 0
    with site.app_context():
        assert db.session.get(Webhook, 1).enabled is True


def test_redeliver_sends_the_same_event_again(site, runner, client):
    with receiver() as hook:
        assert add(runner, hook.url).exit_code == 0
        post(client)
        [first] = hook.wait_for(1)
        listed = runner.invoke(args=["sites", "webhooks", "deliveries", "news", "1"])
        assert listed.exit_code == 0, listed.output
        assert f"1\tcomment.created\t{first.id}\tsucceeded\t1\t204\t" in listed.output
        again = runner.invoke(args=["sites", "webhooks", "redeliver", "news", "1", "1"])
        assert again.exit_code == 0, again.output
        first_again, second = hook.wait_for(2)
    assert second.id == first.id and second.body == first.body
    verify(SECRET, second)
    [delivery] = deliveries(site)
    assert delivery.attempts == 2 and delivery.status == DeliveryStatus.SUCCEEDED


def test_a_webhook_only_gets_its_events(site, runner, client):
    with receiver() as hook:
        assert add(runner, hook.url, "--event", "comment.approved").exit_code == 0
        post(client)
        assert hook.wait_for(1, timeout=2) == []
    assert deliveries(site) == []


def test_a_host_name_is_resolved_checked_and_sent_as_the_host_header(site, runner, client):
    with receiver() as hook:
        by_name = hook.url.replace("127.0.0.1", "localhost")  # may resolve to ::1 first
        assert add(runner, by_name).exit_code == 0
        post(client)
        [received] = hook.wait_for(1)
    assert received.headers["host"] == by_name.split("/")[2]
    verify(SECRET, received)


def test_https_receivers_must_present_a_certificate_the_system_trusts(
    site, runner, client, tmp_path
):
    import ssl
    import subprocess
    import threading
    from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

    key, cert = tmp_path / "key.pem", tmp_path / "cert.pem"
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj",
         "/CN=127.0.0.1", "-keyout", str(key), "-out", str(cert)],
        check=True, capture_output=True,
    )  # fmt: skip
    requests = []

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self):  # noqa: N802
            requests.append(self.path)
            self.send_response(204)
            self.end_headers()

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(cert, key)
    server.socket = context.wrap_socket(server.socket, server_side=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        assert add(runner, f"https://127.0.0.1:{server.server_address[1]}/hook").exit_code == 0
        post(client)
    finally:
        server.shutdown()
        server.server_close()
    assert requests == []  # a self-signed certificate is not trusted: nothing was sent
    [delivery] = deliveries(site)
    assert delivery.status == DeliveryStatus.FAILED and delivery.attempts == 5
    assert "CERTIFICATE_VERIFY_FAILED" in delivery.last_error


def test_the_comment_sent_is_the_thread_apis_comment(site, runner, client):
    with receiver() as hook:
        assert add(runner, hook.url).exit_code == 0
        comment = post(client, "Same as the thread")
        [received] = hook.wait_for(1)
    thread = client.get("/api/v1/threads?site=news&article=a1").get_json()
    [shown] = [c for c in thread["comments"] if c["id"] == comment["id"]]
    sent = verify(SECRET, received)["data"]["comment"]
    assert sent == shown  # replies ([]: each reply is an event of its own), absolute avatar_url
    assert sent["replies"] == [] and sent["author"]["avatar_url"].startswith("http://localhost/")


@pytest.fixture
def unreachable_redis_app(database_url, tmp_path):
    """The webhook ``site`` app, with PARLEY_REDIS_URL set to a port where nothing listens."""
    config = base_config(database_url, tmp_path)
    config.update(
        PARLEY_REDIS_URL=f"redis://127.0.0.1:{free_port()}/0",
        PARLEY_WEBHOOK_ALLOW_PRIVATE=True,
        PARLEY_WEBHOOK_RETRY_INTERVALS=[0, 0, 0, 0],
    )
    app = create_app(config)
    if database_url.startswith("postgresql"):
        with app.app_context():
            _truncate_all(app)
    make_site(app, "news")
    yield app
    with app.app_context():
        db.session.remove()
        db.engine.dispose()


def test_with_redis_unreachable_an_acknowledged_comment_is_still_delivered(
    unreachable_redis_app,
):
    app = unreachable_redis_app
    with receiver(fail_first=1) as hook:
        assert add(app.test_cli_runner(), hook.url).exit_code == 0
        comment = post(app.test_client(), "Posted while Redis is away")
        received = hook.wait_for(2)  # the failed first attempt, then its retry, in process
    assert [verify(SECRET, r)["data"]["comment"]["id"] for r in received] == [comment["id"]] * 2
    assert received[0].id == received[1].id
    [delivery] = deliveries(app)
    assert delivery.status == DeliveryStatus.SUCCEEDED and delivery.attempts == 2


def test_each_event_carries_the_comment_as_that_event_left_it(site, runner, client, monkeypatch):
    """The fan-out jobs are held back (as a busy queue would) until the comment was edited,
    rejected and approved: each event's data still shows the comment as its own change left
    it. tests/test_webhooks_workers.py shows the same through Redis and a worker."""
    import app.webhook_jobs as webhook_jobs

    held: list[tuple] = []
    monkeypatch.setattr(webhook_jobs, "enqueue", lambda job, *args: held.append(args))
    make_user(site, "mod@example.org", "Mod", Role.MODERATOR)
    make_user(site, "reader@example.org", "Reader")
    mod = bearer(make_token(site, "mod@example.org"))
    reader = bearer(make_token(site, "reader@example.org"))
    assert add(runner, "http://127.0.0.1:9/held").exit_code == 0
    comment_id = post(client, "first words", headers=reader)["id"]
    steps = [
        ("patch", f"/api/v1/comments/{comment_id}", {"body": "second words"}, reader),
        ("post", f"/api/v1/moderation/comments/{comment_id}", {"action": "reject"}, mod),
        ("post", f"/api/v1/moderation/comments/{comment_id}", {"action": "approve"}, mod),
    ]
    for method, path, payload, headers in steps:
        answer = getattr(client, method)(path, json=payload, headers=headers)
        assert answer.status_code == 200, answer.get_json()

    shown = {name: data["comment"] for name, _id, _event, _at, _base, data in held}
    assert [name for name, *_ in held] == [
        "comment.created",
        "comment.edited",
        "comment.rejected",
        "comment.approved",
    ]
    assert shown["comment.created"]["html"] == "<p>first words</p>"
    assert shown["comment.created"]["edited_at"] is None
    assert shown["comment.edited"]["html"] == "<p>second words</p>"
    assert shown["comment.edited"]["status"] == "approved"
    assert shown["comment.rejected"]["status"] == "rejected"
    assert shown["comment.approved"]["status"] == "approved"
