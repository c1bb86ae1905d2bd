"""What happened: one comment with its author and audit trail, one author, the audit log."""

from __future__ import annotations

from app.dashboard import bp, staff_member
from app.dashboard.forms import cursor_arg, int_arg, text_arg
from app.dashboard.pages import render_page
from app.dashboard.queues import next_page_url
from app.limits import QUEUE_PAGE_MAX
from app.services import authors
from app.services.moderation.audit_log import audit_log
from app.services.moderation.queues import queue_item


@bp.get("/comments/<id:comment_id>")
def show_comment(comment_id: int) -> str:
    """One comment as in the queue, its author's standing, and every decision taken on it."""
    item = queue_item(comment_id, staff_member())
    author = authors.author_status(authors.AuthorRef(comment_id=comment_id), staff_member())
    trail = audit_log(staff_member(), comment_id=comment_id, limit=QUEUE_PAGE_MAX)
    return render_page(
        "dashboard/comment.html",
        site_slug=item.site_slug,
        title=f"Comment #{comment_id}",
        item=item,
        author=author,
        trail=trail,
    )


@bp.get("/users/<id:user_id>")
def show_author(user_id: int) -> str:
    """An account's history and standing, and the decisions about it on the moderator's sites.

    Without ``site`` it is for admins and all-site moderators; a moderator of some sites names
    the site (the links from their queues and audit log do).
    """
    site_slug = text_arg("site", 64)
    ref = authors.AuthorRef(user_id=user_id, site_slug=site_slug)
    author = authors.author_status(ref, staff_member())
    trail = audit_log(staff_member(), user_id=user_id, cursor=cursor_arg())
    return render_page(
        "dashboard/author.html",
        site_slug=site_slug,
        title=author.name,
        author=author,
        trail=trail,
        next_url=next_page_url(trail.next_cursor),
    )


@bp.get("/audit")
def show_audit() -> str:
    """The audit log, newest first, filterable by site, action, comment and user."""
    filters = {
        "site_slug": text_arg("site", 64),
        "action": text_arg("action", 40),
        "comment_id": int_arg("comment"),
        "user_id": int_arg("user"),
    }
    trail = audit_log(staff_member(), **filters, cursor=cursor_arg())
    return render_page(
        "dashboard/audit.html",
        site_slug=filters["site_slug"],
        title="Audit log",
        filters=filters,
        trail=trail,
        next_url=next_page_url(trail.next_cursor),
    )
