"""Delivering e-mail in the background: a rendered message travels to a job (app.jobs).

``queue_message`` is the ``Mailer.queue`` of the web side (app/web/mail.py): the message is
rendered in the request, then ``send_message`` delivers it on a worker (with Redis) or after
the response (without). An SMTP failure raises, so the job system retries it with back-off.
"""

from __future__ import annotations

import base64
from email.message import EmailMessage
from pathlib import Path

from flask import current_app

from app.jobs import enqueue
from app.services.mail import Mailer, message_from_bytes


def configured_mailer(*, queued: bool) -> Mailer:
    """The mailer of PARLEY_SMTP_URL / PARLEY_MAIL_FROM (else instance/outbox); ``queued``:
    deliveries go through a job instead of the calling process."""
    config = current_app.config
    return Mailer(
        smtp_url=config.get("PARLEY_SMTP_URL"),
        mail_from=config.get("PARLEY_MAIL_FROM"),
        outbox=Path(current_app.instance_path) / "outbox",
        queue=queue_message if queued else None,
    )


def queue_message(message: EmailMessage) -> None:
    enqueue(send_message, base64.b64encode(bytes(message)).decode("ascii"))


def send_message(raw: str) -> None:
    """The job: deliver one already rendered message (raises on SMTP failure: retried)."""
    configured_mailer(queued=False).deliver(message_from_bytes(base64.b64decode(raw)))
