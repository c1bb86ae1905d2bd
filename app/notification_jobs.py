"""Reply e-mails, author alerts and moderators' alerts as background jobs, started by comment
events.

Two comment-event listeners only enqueue ``moderator_alert_mail`` and ``reader_mail``, each
only for events that may mail someone (app.services.mail_triggers), keyed by event and
comment, so a repeated event adds nothing while a job waits; each job decides whom to mail
(app.services.reply_mail, app.services.moderator_alerts) and records what was sent, so a
retry never mails twice. A batch that must wait for its window becomes a delayed job with
Redis (``enqueue_in``); without Redis it waits in the database for ``flask notifications
send-due``, which also catches anything a lost delayed job left behind.
"""

from __future__ import annotations

from datetime import timedelta

from flask import current_app, has_request_context, request

from app.jobs import enqueue, enqueue_in
from app.mail_jobs import configured_mailer
from app.services import comment_events
from app.services.mail_triggers import alert_may_be_due, reader_mail_may_be_due
from app.services.moderator_alerts import note_queue_item
from app.services.reply_mail import Later, alert_author, announce_reply, send_batch
from app.services.reply_subscriptions import MailSetup, ask_for_confirmation


def base_url() -> str:
    """PARLEY_PUBLIC_URL, else this request's host; outside a request, localhost (set
    PARLEY_PUBLIC_URL in production: docs/notifications.md)."""
    configured = current_app.config.get("PARLEY_PUBLIC_URL")
    if configured:
        return configured.rstrip("/")
    if has_request_context():
        return request.host_url.rstrip("/")
    return "http://localhost"


def mail_setup(base: str | None = None) -> MailSetup:
    minutes = float(current_app.config.get("PARLEY_REPLY_MAIL_BATCH_MINUTES", 10))
    return MailSetup(
        mailer=configured_mailer(queued=False),
        base_url=(base or base_url()).rstrip("/"),
        secret_key=current_app.secret_key or "",
        batch_window=timedelta(minutes=minutes),
    )


# Moderators' alerts and readers' mail are separate jobs, each enqueued by its own listener:
# a mailbox that keeps failing on one side never holds the other back.


def enqueue_moderator_alert(name: str, comment_id: int) -> None:
    key = f"alert:{name}:{comment_id}"
    enqueue(moderator_alert_mail, name, comment_id, base_url(), key=key)


def enqueue_reader_mail(name: str, comment_id: int) -> None:
    enqueue(reader_mail, name, comment_id, base_url(), key=f"mail:{name}:{comment_id}")


def moderator_alert_mail(name: str, comment_id: int, base: str) -> None:
    """The job: moderators' immediate alerts (digests keep the item for later)."""
    note_queue_item(name, comment_id, mail_setup(base))


def reader_mail(name: str, comment_id: int, base: str) -> None:
    """The job: a new guest's opt-in confirmation, the reply e-mail, the author alert."""
    setup = mail_setup(base)
    if name == "comment.created":
        ask_for_confirmation(comment_id, setup)
    if name == "comment.approved":
        alert_author(comment_id, setup)
    schedule(announce_reply(comment_id, setup), base)


def send_reply_batch(batch_id: int, base: str) -> None:
    """The delayed job: mail a batch whose window has ended (or wait again)."""
    schedule(send_batch(batch_id, mail_setup(base)), base)


def schedule(later: Later | None, base: str) -> None:
    if later is not None:
        # A second past the window's end, so the batch is surely due when the job runs.
        enqueue_in(
            later.seconds + 1,
            send_reply_batch,
            later.batch_id,
            base,
            key=f"reply-batch:{later.batch_id}",
        )


def install_notifications() -> None:
    comment_events.listen(enqueue_moderator_alert, when=alert_may_be_due)
    comment_events.listen(enqueue_reader_mail, when=reader_mail_may_be_due)
