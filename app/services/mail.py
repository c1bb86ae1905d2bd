"""Outgoing e-mail: the one place Parley sends mail from.

``PARLEY_SMTP_URL`` picks the transport: ``smtp://user:pass@host:port`` (plain, port 25 by
default), ``smtp+starttls://...`` (STARTTLS, port 587) or ``smtps://...`` (TLS, port 465);
``PARLEY_MAIL_FROM`` is the sender. Without ``PARLEY_SMTP_URL`` each message is written to
``instance/outbox/<time>-<random>.eml`` and logged, so development needs no mail server.

Every message has a plain-text and an HTML part, rendered from ``templates/mail/NAME.txt``
and ``NAME.html``; the HTML template is autoescaped, so readers' names and anything else they
typed reach the HTML part as text. Header values never contain user text beyond the
recipient's address (validated) and fixed subjects, and ``EmailMessage`` refuses newlines in
headers anyway.

Only verified addresses get mail (``send_to_user``), except the verification message itself:
Parley never mails an address its owner has not confirmed.

Rendering happens in the caller; delivery is a background job when the mailer has a ``queue``
(app/web/mail.py gives it ``app.mail_jobs.queue_message``): the rendered message travels to a
worker, which calls ``deliver`` and lets an SMTP failure raise so the job is retried.
"""

from __future__ import annotations

import logging
import secrets
import smtplib
import ssl
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from email import policy
from email.message import EmailMessage
from email.parser import BytesParser
from email.utils import formataddr, formatdate, make_msgid, parseaddr
from pathlib import Path
from typing import Any, cast
from urllib.parse import unquote, urlsplit

from jinja2 import Environment, FileSystemLoader, select_autoescape

from app.models import User

SMTP_TIMEOUT = 10
DEFAULT_FROM = "Parley <parley@localhost>"
SCHEMES = {"smtp": 25, "smtp+starttls": 587, "smtps": 465}
TEMPLATES = Path(__file__).resolve().parents[2] / "templates" / "mail"
# Autoescaped for .html only: the plain-text part shows what readers typed as they typed it.
templates = Environment(
    loader=FileSystemLoader(TEMPLATES), autoescape=select_autoescape(["html"]), auto_reload=False
)
log = logging.getLogger(__name__)
# Long header values (List-Unsubscribe's URL) stay one line: the default policy would fold an
# unbreakable value into RFC 2047 encoded words, which mail clients do not read as a URL.
POLICY = policy.default.clone(max_line_length=998)


@dataclass(frozen=True, slots=True)
class SmtpSettings:
    scheme: str
    host: str
    port: int
    username: str | None
    password: str | None


def parse_smtp_url(url: str) -> SmtpSettings:
    """``PARLEY_SMTP_URL`` as settings; ValueError for an unknown scheme or no host."""
    parts = urlsplit(url)
    if parts.scheme not in SCHEMES or not parts.hostname:
        raise ValueError("PARLEY_SMTP_URL must be smtp://, smtp+starttls:// or smtps://HOST[:PORT]")
    return SmtpSettings(
        scheme=parts.scheme,
        host=parts.hostname,
        port=parts.port or SCHEMES[parts.scheme],
        username=unquote(parts.username) if parts.username else None,
        password=unquote(parts.password) if parts.password else None,
    )


@dataclass(frozen=True, slots=True)
class Mailer:
    """Where mail goes: ``smtp_url`` (None: .eml files in ``outbox``), from ``mail_from``."""

    smtp_url: str | None
    mail_from: str | None
    outbox: Path
    # Hands a rendered message to a background job; None delivers in the calling process.
    queue: Callable[[EmailMessage], None] | None = None

    def sender(self, name: str | None = None) -> str:
        """``PARLEY_MAIL_FROM``, shown as ``name`` when given (a site's name, a display name)."""
        configured = self.mail_from or DEFAULT_FROM
        if not name:
            return configured
        clean = " ".join("".join(ch for ch in name if ch.isprintable()).split())
        return formataddr((clean, parseaddr(configured)[1]))

    def build(
        self,
        to: str,
        subject: str,
        template: str,
        context: dict[str, Any],
        *,
        sender_name: str | None = None,
        headers: Mapping[str, str] | None = None,
    ) -> EmailMessage:
        message = EmailMessage(policy=POLICY)
        message["From"] = self.sender(sender_name)
        message["To"] = to
        message["Subject"] = subject
        message["Date"] = formatdate(localtime=False)
        message["Message-ID"] = make_msgid(domain="parley.local")
        for name, value in (headers or {}).items():
            message[name] = value
        message.set_content(templates.get_template(f"{template}.txt").render(**context))
        html = templates.get_template(f"{template}.html").render(**context)
        message.add_alternative(html, subtype="html")
        return message

    def deliver(self, message: EmailMessage) -> None:
        """Send through SMTP when configured, else write an .eml file to the outbox."""
        if not self.smtp_url:
            self.outbox.mkdir(parents=True, exist_ok=True)
            path = self.outbox / f"{time.strftime('%Y%m%dT%H%M%S')}-{secrets.token_hex(4)}.eml"
            path.write_bytes(bytes(message))
            log.info("mail to %s (%s) written to %s", message["To"], message["Subject"], path)
            return
        settings = parse_smtp_url(self.smtp_url)
        if settings.scheme == "smtps":
            client: smtplib.SMTP = smtplib.SMTP_SSL(
                settings.host,
                settings.port,
                timeout=SMTP_TIMEOUT,
                context=ssl.create_default_context(),
            )
        else:
            client = smtplib.SMTP(settings.host, settings.port, timeout=SMTP_TIMEOUT)
        with client:
            if settings.scheme == "smtp+starttls":
                client.starttls(context=ssl.create_default_context())
            if settings.username:
                client.login(settings.username, settings.password or "")
            client.send_message(message)

    def send(self, to: str, subject: str, template: str, **context: Any) -> None:
        """Render one message here and deliver it (through the queue when there is one)."""
        message = self.build(to, subject, template, context)
        if self.queue is None:
            self.deliver(message)
        else:
            self.queue(message)

    def send_to_user(self, user: User, subject: str, template: str, **context: Any) -> bool:
        """Mail ``user`` at their verified address; False (nothing sent) when there is none."""
        if not user.email or user.email_verified_at is None:
            return False
        self.send(user.email, subject, template, user=user, **context)
        return True


def message_from_bytes(raw: bytes) -> EmailMessage:
    """A message as ``bytes(message)`` wrote it (what a mail job carries)."""
    # policy.default makes the parser build EmailMessage objects.
    return cast(EmailMessage, BytesParser(policy=POLICY).parsebytes(raw))
