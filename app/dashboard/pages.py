"""Rendering a dashboard page: the page's own data plus the navigation (queues with live counts)."""

from __future__ import annotations

from typing import Any

from flask import g, render_template

from app.dashboard import staff_member
from app.models import Site
from app.services import staff
from app.services.moderation.queues import COUNTED_QUEUES, QUEUES, queue_counts
from app.services.permissions import powers_of
from app.services.site_settings import effective_settings
from app.services.webhook_sending import disabled_webhooks

# The navigation: the queues to work (with counts), then the decided comments.
HISTORY = tuple(queue for queue in QUEUES if queue not in COUNTED_QUEUES)
QUEUE_TITLES = {queue: queue.capitalize() for queue in QUEUES}  # "Pending", "Reported", ...


def moderated_sites() -> list[Site]:
    """The sites the signed-in moderator covers, by name (once per request)."""
    if "dashboard_sites" not in g:
        g.dashboard_sites = staff.sites_moderated_by(staff_member())
    return g.dashboard_sites


def render_page(template: str, *, site_slug: str | None = None, **context: Any) -> str:
    """Render ``template`` inside the dashboard layout.

    The counts in the navigation are the queues of the current site (or of every site the
    moderator covers), fresh on every page: three indexed COUNT queries.
    """
    sites = moderated_sites()
    powers = powers_of(staff_member())
    return render_template(
        template,
        site_slug=site_slug,
        nav_counts=queue_counts(staff_member(), site_slug=site_slug),
        nav_sites=sites,
        reject_reasons={s.slug: effective_settings(s)["reject_reasons"] for s in sites},
        queues=COUNTED_QUEUES,
        history=HISTORY,
        queue_titles=QUEUE_TITLES,
        may=powers,
        # Admins see every webhook disabled by failures until it is enabled or removed.
        webhook_alerts=disabled_webhooks() if powers["manage_webhooks"] else [],
        **context,
    )
