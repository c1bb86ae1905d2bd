"""A moderator's e-mail alerts: how often to hear of new pending and reported items, per site."""

from __future__ import annotations

from flask import flash, redirect, request, url_for
from werkzeug.wrappers import Response

from app.dashboard import bp, staff_member
from app.dashboard.pages import render_page
from app.limits import SITE_SLUG_MAX
from app.services.moderator_alerts import FREQUENCIES, alert_choices, set_alerts

FIELD_PREFIX = "alert-"


@bp.get("/alerts")
def edit_alerts() -> str:
    return render_page(
        "dashboard/alerts.html",
        title="E-mail alerts",
        choices=alert_choices(staff_member()),
        frequencies=FREQUENCIES,
        prefix=FIELD_PREFIX,
    )


@bp.post("/alerts")
def save_alerts() -> Response:
    """Every ``alert-<site slug>`` field of the form (the service checks slugs and values)."""
    choices = {
        name.removeprefix(FIELD_PREFIX): request.form.get(name, "")
        for name in request.form
        if name.startswith(FIELD_PREFIX) and len(name) <= len(FIELD_PREFIX) + SITE_SLUG_MAX
    }
    set_alerts(staff_member(), choices)
    flash("Alert settings saved.")
    return redirect(url_for("dashboard.edit_alerts"), 303)
