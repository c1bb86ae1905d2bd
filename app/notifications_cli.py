"""``flask notifications``: what periodic timers run (docs/notifications.md has the units)."""

from __future__ import annotations

import click
from flask import Flask

from app.command_group import CommandGroup
from app.notification_jobs import mail_setup
from app.services.moderator_alerts import send_digests
from app.services.reply_mail import due_batches, send_batch

notifications_cli = CommandGroup("notifications", help="Reply e-mails and alerts that are due.")


@notifications_cli.command("send-due")
def send_due() -> None:
    """Mail every batch of replies whose window has ended (run every minute or few)."""
    setup = mail_setup()
    sent = 0
    for batch_id in due_batches(setup):
        if send_batch(batch_id, setup) is None:
            sent += 1
    click.echo(f"{sent} reply batch(es) handled")


@notifications_cli.command("digests")
def digests() -> None:
    """Mail moderators' hourly and daily digests that are due (run every few minutes)."""
    click.echo(f"{send_digests(mail_setup())} digest(s) sent")


def register_notifications_cli(app: Flask) -> None:
    app.cli.add_command(notifications_cli)
