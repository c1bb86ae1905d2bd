"""E-mail through a real SMTP server started by the test (aiosmtpd), and the outbox fallback:
address verification and password reset, end to end."""

from __future__ import annotations

import email
import re
import time
from email.message import Message
from pathlib import Path

import redis
from itsdangerous import TimestampSigner, URLSafeTimedSerializer
from sqlalchemy import select

from app.extensions import db
from app.models import User
from app.services.email_links import password_fingerprint
from tests.conftest import REDIS_URL, require_or_skip
from tests.dashboard_support import PASSWORD, csrf_token
from tests.factories import make_site, make_user
from tests.identity_support import STRONG, FrameReader
from tests.mail_support import dispose, make_mail_app, parts
from tests.private_servers import free_port

LINK = re.compile(r"http://localhost/auth/(?:verify|reset)/[\w.\-]+")


def link_in(message: Message) -> str:
    text, _ = parts(message)
    match = LINK.search(text)
    assert match, text
    return match.group(0).removeprefix("http://localhost")


def reset_with(client, path: str, password: str):
    return client.post(path, data={"password": password, "csrf_token": csrf_token(client, path)})


def test_password_reset_end_to_end_through_smtp_and_the_link_works_once(mail_app, smtp):
    inbox, _ = smtp
    make_site(mail_app)
    make_user(mail_app, "reader@example.org", "Reader")
    FrameReader(mail_app).submit("reset", email="reader@example.org")
    message = inbox.last("reader@example.org")
    assert message["Subject"] == "Reset your Parley password"
    assert message["From"] == "Parley <comments@news.example>"
    path = link_in(message)
    client = mail_app.test_client()
    assert client.get(path).status_code == 200
    weak = reset_with(client, path, "password123")
    assert weak.status_code == 400
    done = reset_with(client, path, "brand-new-kettle-9")
    assert done.status_code == 200 and "Password changed" in done.get_data(as_text=True)
    assert FrameReader(mail_app).sign_in("reader@example.org", PASSWORD).status_code == 401
    assert (
        FrameReader(mail_app).sign_in("reader@example.org", "brand-new-kettle-9").status_code == 303
    )
    used = mail_app.test_client().get(path)
    assert used.status_code == 400 and "already used" in used.get_data(as_text=True)


def test_an_expired_reset_link_is_refused(mail_app):
    make_user(mail_app, "reader@example.org", "Reader")

    class HourAndAHalfAgo(TimestampSigner):
        def get_timestamp(self) -> int:
            return int(time.time()) - 5400

    with mail_app.app_context():
        user = db.session.scalar(select(User).where(User.email == "reader@example.org"))
        old = URLSafeTimedSerializer(
            mail_app.secret_key, salt="parley-reset", signer=HourAndAHalfAgo
        ).dumps({"u": user.id, "p": password_fingerprint(user)})
    response = mail_app.test_client().get(f"/auth/reset/{old}")
    assert response.status_code == 400 and "expired" in response.get_data(as_text=True)
    forged = mail_app.test_client().get(f"/auth/reset/{old[:-2]}xx")
    assert forged.status_code == 400


def test_sign_up_sends_only_a_verification_until_the_address_is_confirmed(mail_app, smtp):
    inbox, _ = smtp
    make_site(mail_app)
    reader = FrameReader(mail_app)
    reader.sign_up(name="Ada <b>Lovelace</b>", email="ada@example.org")
    verification = inbox.last("ada@example.org")
    assert verification["Subject"] == "Confirm your e-mail address"
    text, html = parts(verification)
    assert "Ada <b>Lovelace</b>" in text  # plain text stays as typed
    assert "Ada &lt;b&gt;Lovelace&lt;/b&gt;" in html and "<b>Lovelace" not in html
    # A reset asked for an unconfirmed address sends the verification again, nothing else.
    FrameReader(mail_app).submit("reset", email="ada@example.org")
    assert [m["Subject"] for m in inbox.messages] == ["Confirm your e-mail address"] * 2
    confirmed = mail_app.test_client().get(link_in(verification))
    assert confirmed.status_code == 200 and "confirmed" in confirmed.get_data(as_text=True)
    FrameReader(mail_app).submit("reset", email="ada@example.org")
    assert inbox.last("ada@example.org")["Subject"] == "Reset your Parley password"


def test_signing_up_with_a_taken_address_mails_its_owner_not_the_newcomer(mail_app, smtp):
    inbox, _ = smtp
    make_site(mail_app)
    make_user(mail_app, "owner@example.org", "Owner")
    FrameReader(mail_app).sign_up(name="Newcomer", email="owner@example.org")
    message = inbox.last("owner@example.org")
    assert message["Subject"] == "Someone tried to sign up with your address"
    assert len(inbox.messages) == 1


def test_without_smtp_messages_are_written_to_the_outbox(app):
    make_site(app)
    make_user(app, "reader@example.org", "Reader")
    FrameReader(app).submit("reset", email="reader@example.org")
    outbox = list((Path(app.instance_path) / "outbox").glob("*.eml"))
    assert len(outbox) == 1
    message = email.message_from_bytes(outbox[0].read_bytes())
    assert message["To"] == "reader@example.org"
    assert "/auth/reset/" in parts(message)[0]


def test_changing_the_address_takes_effect_when_the_new_mailbox_confirms(mail_app, smtp):
    inbox, _ = smtp
    make_site(mail_app)
    make_user(mail_app, "taken@example.org", "Owner")
    reader = FrameReader(mail_app)
    reader.sign_up(email="old@example.org")
    wrong = reader.api("POST", "/api/v1/me/email", json={"password": "x", "email": "n@example.org"})
    assert wrong.status_code == 401
    change = {"password": STRONG, "email": "new@example.org"}
    assert reader.api("POST", "/api/v1/me/email", json=change).status_code == 202
    taken = reader.api("POST", "/api/v1/me/email", json={**change, "email": "taken@example.org"})
    assert taken.status_code == 202 and taken.get_json() == {"status": "verification_sent"}
    assert (
        inbox.last("taken@example.org")["Subject"] == "Someone tried to sign up with your address"
    )
    assert reader.me().get_json()["email"] == "old@example.org"  # nothing changes yet
    confirmed = mail_app.test_client().get(link_in(inbox.last("new@example.org")))
    assert confirmed.status_code == 200
    account = reader.me().get_json()
    assert account["email"] == "new@example.org" and account["email_verified"] is True


def test_a_message_the_smtp_server_refused_is_retried_by_the_job_system(app, smtp, tmp_path):
    """Delivery is a job: an SMTP failure raises, the job is retried, and once the server
    answers again (``jobs retry``) the already rendered message arrives."""
    if not REDIS_URL:
        require_or_skip("job tests need PARLEY_TEST_REDIS_URL, e.g. redis://127.0.0.1:6379/15")
    redis.Redis.from_url(REDIS_URL).flushdb()
    inbox, port = smtp
    closed = free_port()  # nothing listens here
    mailing = make_mail_app(
        app, closed, PARLEY_REDIS_URL=REDIS_URL, PARLEY_JOB_RETRY_INTERVALS=[0, 0]
    )
    try:
        make_site(mailing)
        make_user(mailing, "reader@example.org", "Reader")
        FrameReader(mailing).submit("reset", email="reader@example.org")
        runner = mailing.test_cli_runner()
        assert runner.invoke(args=["worker", "--burst"]).exit_code == 0
        failed = runner.invoke(args=["jobs", "failed"])
        assert "app.mail_jobs:send_message" in failed.output
        assert "ConnectionRefusedError" in failed.output
        job_id = failed.output.split("\t", 1)[0].strip()
        mailing.config["PARLEY_SMTP_URL"] = f"smtp://127.0.0.1:{port}"
        assert runner.invoke(args=["jobs", "retry", job_id]).exit_code == 0
        assert runner.invoke(args=["worker", "--burst"]).exit_code == 0
        assert inbox.last("reader@example.org")["Subject"] == "Reset your Parley password"
    finally:
        dispose(mailing)
