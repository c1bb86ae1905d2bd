"""What services that send mail need from the request side: the mailer, links' base, the key."""

from __future__ import annotations

from flask import current_app

from app.mail_jobs import configured_mailer
from app.services.mail import Mailer
from app.services.reader_accounts import Links
from app.web.serializers import public_base_url


def mailer() -> Mailer:
    """The mailer configured by PARLEY_SMTP_URL / PARLEY_MAIL_FROM (else instance/outbox),
    rendering here and delivering in a background job (app.mail_jobs)."""
    return configured_mailer(queued=True)


def account_links() -> Links:
    return Links(public_base_url(), current_app.secret_key, mailer())
