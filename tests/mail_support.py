"""Shared by the e-mail tests: a real SMTP server (aiosmtpd) that keeps what it receives, an
app whose mail goes to it, and a test client that finishes each request as a server does."""

from __future__ import annotations

import email
import time
from collections.abc import Callable
from email.message import Message
from typing import Any

from aiosmtpd.controller import Controller
from flask import Flask
from flask.testing import FlaskClient

from app import create_app
from app.extensions import db
from tests.conftest import base_config
from tests.private_servers import free_port
from tests.widget_support import install_guest_pages


def start_smtp() -> tuple[Inbox, int, Controller]:
    inbox = Inbox()
    port = free_port()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    return inbox, port, controller


class Inbox:
    """aiosmtpd handler keeping every message it receives."""

    def __init__(self) -> None:
        self.messages: list[Message] = []
        self.refused: set[str] = set()  # mailboxes this server says do not exist
        self.busy_once: set[str] = set()  # mailboxes refused once, then accepted

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):  # noqa: N802
        if address in self.busy_once:
            self.busy_once.discard(address)
            return "450 4.2.1 mailbox busy, try again later"
        if address in self.refused:
            return "550 5.1.1 mailbox unavailable"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 - aiosmtpd's name
        self.messages.append(email.message_from_bytes(envelope.content))
        return "250 OK"

    def last(self, to: str) -> Message:
        found = self.to(to)
        assert found, f"no message to {to}: {[m['To'] for m in self.messages]}"
        return found[-1]

    def to(self, address: str) -> list[Message]:
        return [m for m in self.messages if m["To"] == address]

    def wait_for(self, count: int, timeout: float = 20.0) -> list[Message]:
        """Every message once at least ``count`` arrived (workers deliver in the background)."""
        deadline = time.monotonic() + timeout
        while len(self.messages) < count and time.monotonic() < deadline:
            time.sleep(0.05)
        return list(self.messages)


class ClosingClient(FlaskClient):
    """Closes each response before returning it, as a server does once the body is sent, so
    the work a request leaves for after its response (jobs without Redis) has run."""

    def open(self, *args: Any, **kwargs: Any):
        kwargs.setdefault("buffered", True)
        return super().open(*args, **kwargs)


def mail_config(app: Flask, port: int, **extra: Any) -> dict[str, Any]:
    return {
        **base_config(app.config["SQLALCHEMY_DATABASE_URI"], app.instance_path),
        "PARLEY_SMTP_URL": f"smtp://127.0.0.1:{port}",
        "PARLEY_MAIL_FROM": "Parley <comments@news.example>",
        "PARLEY_PUBLIC_URL": "http://localhost",
        **extra,
    }


def make_mail_app(app: Flask, port: int, **extra: Any) -> Flask:
    """The test app's database, with mail going to the SMTP server on ``port``."""
    mailing = create_app(mail_config(app, port, **extra))
    mailing.instance_path = app.instance_path
    mailing.test_client_class = ClosingClient
    install_guest_pages(mailing)
    return mailing


def dispose(mailing: Flask) -> None:
    with mailing.app_context():
        db.session.remove()
        db.engine.dispose()


def parts(message: Message) -> tuple[str, str]:
    text = html = ""
    for part in message.walk():
        if part.get_content_type() == "text/plain":
            text = part.get_payload(decode=True).decode()
        elif part.get_content_type() == "text/html":
            html = part.get_payload(decode=True).decode()
    return text, html


def eventually(check: Callable[[], bool], timeout: float = 20.0) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if check():
            return True
        time.sleep(0.05)
    return check()
