"""POST-only forms that change things: one comment, a selection, an author.

Each view reads the form, makes one service call (which checks the moderator's rights on the
comment's site, records the audit entry and commits), flashes what happened and redirects back
(303) to the local page the form came from.
"""

from __future__ import annotations

from flask import flash, redirect, request
from werkzeug.wrappers import Response

from app.dashboard import bp, staff_member
from app.dashboard.forms import (
    back_to,
    form_choice,
    form_ids,
    form_int,
    form_text,
)
from app.limits import MODERATION_REASON_MAX, SUSPEND_DAYS_MAX
from app.services import authors
from app.services.moderation import actions as comment_actions

COMMENT_ACTIONS = comment_actions.ACTIONS
BULK_ACTIONS = tuple(comment_actions.STATUS_ACTIONS)  # the status changes, offered in bulk
AUTHOR_ACTIONS = authors.AUTHOR_ACTIONS
PAST_TENSE = {
    "approve": "Approved",
    "reject": "Rejected",
    "spam": "Marked as spam",
    "restore": "Restored",
    "feature": "Featured",
    "unfeature": "Unfeatured",
}
MAX_SUSPENSION_DAYS = SUSPEND_DAYS_MAX


@bp.post("/comments/<id:comment_id>")
def moderate_comment(comment_id: int) -> Response:
    action = form_choice("action", COMMENT_ACTIONS)
    reason = form_text("reason", MODERATION_REASON_MAX)
    destination = back_to()
    comment_actions.moderate_comment(comment_id, action, staff_member(), reason=reason)
    flash(f"{PAST_TENSE[action]} comment #{comment_id}.")
    return redirect(destination, 303)


@bp.post("/comments/bulk")
def bulk_moderate() -> Response:
    action = form_choice("action", BULK_ACTIONS)
    ids = form_ids()
    reason = form_text("reason", MODERATION_REASON_MAX)
    destination = back_to()
    comment_actions.bulk_moderate(ids, action, staff_member(), reason=reason)
    plural = "" if len(ids) == 1 else "s"
    flash(f"{PAST_TENSE[action]} {len(ids)} comment{plural}.")
    return redirect(destination, 303)


@bp.post("/comments/<id:comment_id>/author")
def moderate_author(comment_id: int) -> Response:
    """Ban (this site or, for admins, every site), suspend, trust or reset a comment's author.

    Acting through a comment works for guests too (they are known by browser id and address).
    """
    destination = back_to("dashboard.show_comment", comment_id=comment_id)
    _act_on_author(authors.AuthorRef(comment_id=comment_id))
    return redirect(destination, 303)


@bp.post("/users/<id:user_id>")
def moderate_account(user_id: int) -> Response:
    """The same actions on an account, on the site chosen in the form (or every site)."""
    site_slug = form_text("site", 64)
    destination = back_to("dashboard.show_author", user_id=user_id, site=site_slug)
    _act_on_author(authors.AuthorRef(user_id=user_id, site_slug=site_slug))
    return redirect(destination, 303)


def _act_on_author(ref: authors.AuthorRef) -> None:
    action = form_choice("action", AUTHOR_ACTIONS)
    reason = form_text("reason", MODERATION_REASON_MAX)
    scope = "everywhere" if request.form.get("scope") == "global" else "site"
    where = "on every site." if scope == "everywhere" else "on this site."
    if action == "ban":
        status = authors.ban_author(ref, staff_member(), scope, reason)
        message = f"Banned {status.name} {where}"
    elif action == "suspend":
        days = form_int("days", 1, MAX_SUSPENSION_DAYS)
        status = authors.suspend_author(ref, staff_member(), scope, reason, days)
        message = f"Suspended {status.name} for {days} day{'' if days == 1 else 's'} {where}"
    elif action == "trust":
        status = authors.trust_author(ref, staff_member(), reason)
        message = f"{status.name} is trusted: their comments skip pre-moderation."
    else:
        status = authors.reset_author(ref, staff_member(), reason)
        message = f"{status.name} is back to normal."
    flash(message)
