"""A site's webhooks for admins: add, enable or disable, remove, the delivery log, redeliver.

The services refuse anyone but an admin (``require_admin``: a 403 page for moderators). The
receiver's address is checked against PARLEY_WEBHOOK_ALLOW_PRIVATE here as on the command line.
"""

from __future__ import annotations

from flask import current_app, flash, redirect, request, url_for
from werkzeug.wrappers import Response

from app.dashboard import bp, staff_member
from app.dashboard.forms import form_choice, form_text
from app.dashboard.pages import render_page
from app.limits import WEBHOOK_EVENTS_MAX, WEBHOOK_SECRET_MAX, WEBHOOK_URL_MAX
from app.services import webhooks as webhook_service
from app.services.comment_events import EVENTS
from app.services.errors import ValidationError
from app.webhook_jobs import enqueue_delivery

WEBHOOK_ACTIONS = ("enable", "disable", "remove")


def _form_events() -> list[str]:
    chosen = request.form.getlist("events")
    if len(chosen) > WEBHOOK_EVENTS_MAX or any(name not in EVENTS for name in chosen):
        raise ValidationError("choose the events from the list", "invalid_events")
    return chosen


@bp.get("/sites/<site_slug>/webhooks")
def list_webhooks(site_slug: str) -> str:
    return render_page(
        "dashboard/webhooks.html",
        site_slug=site_slug,
        title="Webhooks",
        webhooks=webhook_service.list_webhooks(site_slug, staff_member()),
        events=EVENTS,
        shown_secret=webhook_service.shown_secret,
    )


@bp.post("/sites/<site_slug>/webhooks")
def add_webhook(site_slug: str) -> Response:
    webhook = webhook_service.add_webhook(
        site_slug,
        form_text("url", WEBHOOK_URL_MAX),
        form_text("secret", WEBHOOK_SECRET_MAX),
        _form_events(),
        allow_private=current_app.config["PARLEY_WEBHOOK_ALLOW_PRIVATE"],
        actor=staff_member(),
    )
    flash(f"Added webhook {webhook.id}: {webhook.url}")
    return redirect(url_for("dashboard.list_webhooks", site_slug=site_slug), 303)


@bp.post("/sites/<site_slug>/webhooks/<id:webhook_id>")
def change_webhook(site_slug: str, webhook_id: int) -> Response:
    action = form_choice("action", WEBHOOK_ACTIONS)
    if action == "remove":
        webhook_service.remove_webhook(site_slug, webhook_id, staff_member())
        flash(f"Removed webhook {webhook_id}.")
    else:
        webhook_service.set_enabled(site_slug, webhook_id, action == "enable", staff_member())
        flash(f"Webhook {webhook_id} {action}d.")
    return redirect(url_for("dashboard.list_webhooks", site_slug=site_slug), 303)


@bp.get("/sites/<site_slug>/webhooks/<id:webhook_id>")
def show_deliveries(site_slug: str, webhook_id: int) -> str:
    webhook = webhook_service.get_webhook(site_slug, webhook_id, staff_member())
    return render_page(
        "dashboard/webhook_deliveries.html",
        site_slug=site_slug,
        title=f"Webhook {webhook.id}",
        webhook=webhook,
        deliveries=webhook_service.list_deliveries(site_slug, webhook_id, staff_member()),
    )


@bp.post("/sites/<site_slug>/webhooks/<id:webhook_id>/deliveries/<id:delivery_id>")
def redeliver(site_slug: str, webhook_id: int, delivery_id: int) -> Response:
    delivery = webhook_service.redeliver(site_slug, webhook_id, delivery_id, staff_member())
    enqueue_delivery(delivery.id)
    flash(f"Delivery {delivery.id} ({delivery.event_type}) is being sent again.")
    return redirect(
        url_for("dashboard.show_deliveries", site_slug=site_slug, webhook_id=webhook_id), 303
    )
