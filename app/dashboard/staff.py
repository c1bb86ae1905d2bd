"""Staff management for admins: who moderates which sites."""

from __future__ import annotations

from flask import flash, redirect, request, url_for
from werkzeug.wrappers import Response

from app.dashboard import bp, staff_member
from app.dashboard.forms import form_choice, form_text
from app.dashboard.pages import render_page
from app.limits import EMAIL_MAX, SITE_SLUG_MAX, STAFF_SITES_MAX
from app.models import Role
from app.services import staff
from app.services.errors import ValidationError

ROLES = tuple(role.value for role in Role)


def _form_sites() -> list[str]:
    slugs = request.form.getlist("sites")
    if len(slugs) > STAFF_SITES_MAX or any(len(slug) > SITE_SLUG_MAX for slug in slugs):
        raise ValidationError("choose the sites from the list", "invalid_sites")
    return slugs


@bp.get("/staff")
def list_staff() -> str:
    return render_page(
        "dashboard/staff.html",
        title="Staff",
        members=staff.list_staff(staff_member()),
        all_sites=staff.list_site_choices(staff_member()),
        roles=ROLES,
    )


@bp.post("/staff")
def add_staff() -> Response:
    """Make an existing account (found by email) a moderator or an admin."""
    role = form_choice("role", ROLES)
    email = form_text("email", EMAIL_MAX) or ""
    member = staff.set_staff_role(staff_member(), role, _form_sites(), email=email)
    flash(f"{member.name} is now {member.role}.")
    return redirect(url_for("dashboard.list_staff"), 303)


@bp.post("/staff/<id:user_id>")
def update_staff(user_id: int) -> Response:
    role = form_choice("role", ROLES)
    member = staff.set_staff_role(staff_member(), role, _form_sites(), user_id=user_id)
    flash(f"{member.name} is now {member.role}.")
    return redirect(url_for("dashboard.list_staff"), 303)
