"""What services that send mail need from the request side: the mailer, links' base, the key."""

from __future__ import annotations

from pathlib import Path

from flask import current_app

from app.services.mail import Mailer
from app.services.reader_accounts import Links
from app.web.serializers import public_base_url


def mailer() -> Mailer:
    """The mailer configured by PARLEY_SMTP_URL / PARLEY_MAIL_FROM (else instance/outbox)."""
    config = current_app.config
    return Mailer(
        smtp_url=config.get("PARLEY_SMTP_URL"),
        mail_from=config.get("PARLEY_MAIL_FROM"),
        outbox=Path(current_app.instance_path) / "outbox",
    )


def account_links() -> Links:
    return Links(public_base_url(), current_app.secret_key, mailer())
