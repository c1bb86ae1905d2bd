"""``flask sites webhooks ...``: a site's webhooks and their delivery log (docs/webhooks.md)."""

from __future__ import annotations

import click
from flask import current_app

from app.cli import sites_cli
from app.command_group import CommandGroup
from app.models import Webhook
from app.services import webhooks as webhook_service
from app.services.comment_events import EVENTS
from app.webhook_jobs import enqueue_delivery

webhooks_cli = CommandGroup("webhooks", help="Signed webhooks of a site's comment events.")
sites_cli.add_command(webhooks_cli)


def describe(webhook: Webhook) -> str:
    state = "enabled" if webhook.enabled else f"disabled ({webhook.disabled_reason or '-'})"
    rotating = " rotating" if webhook.previous_secret else ""
    return (
        f"{webhook.id}\t{webhook.url}\t{state}\t{','.join(webhook.events)}\t"
        f"secret {webhook_service.shown_secret(webhook.secret)}{rotating}"
    )


@webhooks_cli.command("add")
@click.argument("slug")
@click.argument("url")
@click.option("--secret", required=True, help="Shared secret the deliveries are signed with.")
@click.option(
    "--event",
    "events",
    multiple=True,
    type=click.Choice(EVENTS),
    help="An event to send (repeatable; default: every event).",
)
def add_webhook(slug: str, url: str, secret: str, events: tuple[str, ...]) -> None:
    """Send site SLUG's comment events to URL, signed with --secret."""
    webhook = webhook_service.add_webhook(
        slug,
        url,
        secret,
        events,
        allow_private=current_app.config["PARLEY_WEBHOOK_ALLOW_PRIVATE"],
    )
    click.echo(f"Added webhook {webhook.id} of {slug}: {webhook.url} ({', '.join(webhook.events)})")


@webhooks_cli.command("list")
@click.argument("slug")
def list_webhooks(slug: str) -> None:
    """List site SLUG's webhooks: id, URL, state, events, the secret's first characters."""
    hooks = webhook_service.list_webhooks(slug)
    for webhook in hooks:
        click.echo(describe(webhook))
    click.echo(f"{len(hooks)} webhook(s)")


@webhooks_cli.command("remove")
@click.argument("slug")
@click.argument("webhook_id", type=int)
def remove_webhook(slug: str, webhook_id: int) -> None:
    """Remove webhook WEBHOOK_ID of site SLUG and its delivery log."""
    webhook_service.remove_webhook(slug, webhook_id)
    click.echo(f"Removed webhook {webhook_id} of {slug}")


@webhooks_cli.command("enable")
@click.argument("slug")
@click.argument("webhook_id", type=int)
@click.option("--off", is_flag=True, help="Disable it instead.")
def enable_webhook(slug: str, webhook_id: int, off: bool) -> None:
    """Enable webhook WEBHOOK_ID again (after it was disabled), or disable it with --off."""
    webhook = webhook_service.set_enabled(slug, webhook_id, not off)
    click.echo(describe(webhook))


@webhooks_cli.command("rotate")
@click.argument("slug")
@click.argument("webhook_id", type=int)
@click.option("--secret", required=True, help="The new secret.")
@click.option(
    "--keep-hours",
    type=click.FloatRange(0, 24 * 30),
    default=webhook_service.ROTATION_HOURS,
    show_default=True,
    help="How long deliveries are also signed with the old secret (0: not at all).",
)
def rotate_secret(slug: str, webhook_id: int, secret: str, keep_hours: float) -> None:
    """Sign webhook WEBHOOK_ID's deliveries with a new secret (and the old one for a while)."""
    webhook = webhook_service.rotate_secret(slug, webhook_id, secret, keep_hours=keep_hours)
    click.echo(describe(webhook))


@webhooks_cli.command("deliveries")
@click.argument("slug")
@click.argument("webhook_id", type=int)
def list_deliveries(slug: str, webhook_id: int) -> None:
    """The latest deliveries of webhook WEBHOOK_ID: id, event, webhook-id, status, attempts,
    last response code, latency and error."""
    deliveries = webhook_service.list_deliveries(slug, webhook_id)
    for d in deliveries:
        latency = f"{d.last_latency_ms} ms" if d.last_latency_ms is not None else "-"
        click.echo(
            f"{d.id}\t{d.event_type}\t{d.event_id}\t{d.status.value}\t{d.attempts}\t"
            f"{d.last_response_code or '-'}\t{latency}\t{d.last_error or ''}"
        )
    click.echo(f"{len(deliveries)} deliveries")


@webhooks_cli.command("redeliver")
@click.argument("slug")
@click.argument("webhook_id", type=int)
@click.argument("delivery_id", type=int)
def redeliver(slug: str, webhook_id: int, delivery_id: int) -> None:
    """Send delivery DELIVERY_ID again (same webhook-id and body)."""
    delivery = webhook_service.redeliver(slug, webhook_id, delivery_id)
    enqueue_delivery(delivery.id)
    click.echo(f"Redelivering {delivery.id} ({delivery.event_id})")
