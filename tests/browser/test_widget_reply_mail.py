"""A guest asks for reply e-mails from the frame's form: the box sends ``notify_replies`` with
the address, and the confirmation (double opt-in) reaches that address; without the box,
nothing is asked for and nothing is mailed."""

from __future__ import annotations

import email
import time
from email.message import Message
from pathlib import Path

from playwright.sync_api import expect


def outbox_messages(live_app, address: str) -> list[Message]:
    """Messages written to the live server's outbox (no SMTP server is configured) for
    ``address``."""
    outbox = Path(live_app.instance_path) / "outbox"
    found = []
    for path in sorted(outbox.glob("*.eml")) if outbox.exists() else []:
        message = email.message_from_bytes(path.read_bytes())
        if message["To"] == address:
            found.append(message)
    return found


def post_as_guest(frame, page, body: str, address: str, *, notify: bool) -> dict:
    form = frame.locator("#post")
    form.locator("textarea").fill(body)
    form.get_by_label("Name").fill("Gus")
    form.get_by_label("Email (optional, never shown)").fill(address)
    form.get_by_label("E-mail me replies").set_checked(notify)  # it stays as the reader left it
    with page.expect_request(lambda r: r.url.endswith("/api/v1/comments")) as posted:
        form.get_by_role("button", name="Post comment").click()
    expect(form.locator("textarea")).to_have_value("")
    return posted.value.post_data_json


def wait_for_mail(live_app, address: str) -> list[Message]:
    deadline = time.monotonic() + 5
    while time.monotonic() < deadline:
        found = outbox_messages(live_app, address)
        if found:
            return found
        time.sleep(0.1)
    return []


def test_the_reply_mail_box_asks_for_a_confirmation_and_nothing_without_it(page, widget, watch):
    site = widget.site()
    frame = widget.open(page, site, "mail-me").frame
    app = widget.live.app

    sent = post_as_guest(frame, page, "Tell me about replies", "gus@example.org", notify=True)
    assert sent["notify_replies"] is True and sent["author_email"] == "gus@example.org"
    (confirmation,) = wait_for_mail(app, "gus@example.org")
    assert confirmation["Subject"] == "Confirm reply e-mails"

    silent = post_as_guest(frame, page, "No mail please", "quiet@example.org", notify=False)
    assert "notify_replies" not in silent
    time.sleep(1)  # the confirmation above arrived within this time
    assert outbox_messages(app, "quiet@example.org") == []
