"""Queue pages (pending, reported, spam), history (approved, rejected), search, one comment."""

from __future__ import annotations

from flask import abort, redirect, request, url_for
from werkzeug.wrappers import Response

from app.dashboard import bp, staff_member
from app.dashboard.actions import BULK_ACTIONS
from app.dashboard.forms import cursor_arg, date_arg, text_arg
from app.dashboard.pages import QUEUE_TITLES, render_page
from app.limits import PAGE_SIZE, SITE_SLUG_MAX
from app.models import CommentStatus
from app.services.moderation.queues import QUEUES, list_queue
from app.services.moderation.search import search_comments


@bp.get("/")
def index() -> str:
    """The landing page: the pending queue of every site the moderator covers."""
    return show_queue("pending")


@bp.get("/sites")
def choose_site() -> Response:
    """The site switcher's target: that site's pending queue, or every site's."""
    slug = text_arg("site", SITE_SLUG_MAX)
    if slug is None:
        return redirect(url_for("dashboard.index"))
    return redirect(url_for("dashboard.show_queue", queue="pending", site_slug=slug))


@bp.get("/queue/<queue>")
@bp.get("/sites/<site_slug>/queue/<queue>")
def show_queue(queue: str, site_slug: str | None = None) -> str:
    if queue not in QUEUES:
        abort(404)
    sort = text_arg("sort", 16) or "default"
    page = list_queue(queue, staff_member(), site_slug=site_slug, cursor=cursor_arg(), sort=sort)
    return render_page(
        "dashboard/queue.html",
        site_slug=site_slug,
        queue=queue,
        sort=sort,
        title=QUEUE_TITLES[queue],
        page=page,
        bulk_actions=BULK_ACTIONS,
        next_url=next_page_url(page.next_cursor),
    )


@bp.get("/search")
@bp.get("/sites/<site_slug>/search")
def search(site_slug: str | None = None) -> str:
    filters = {  # each checked by the search itself, as for the API
        "text": text_arg("q"),
        "author": text_arg("author"),
        "article": text_arg("article"),
        "status": text_arg("status"),
        "date_from": date_arg("from"),
        "date_to": date_arg("to"),
    }
    page = search_comments(
        staff_member(), **filters, site_slug=site_slug, cursor=cursor_arg(), limit=PAGE_SIZE
    )
    return render_page(
        "dashboard/search.html",
        site_slug=site_slug,
        filters=filters,
        statuses=[status.value for status in CommentStatus],
        page=page,
        bulk_actions=BULK_ACTIONS,
        next_url=next_page_url(page.next_cursor),
    )


def next_page_url(cursor: str | None) -> str | None:
    """This page's address with ``cursor`` swapped in, or None on the last page."""
    if cursor is None:
        return None
    args = request.args.to_dict()
    args["cursor"] = cursor
    return url_for(request.endpoint, **(request.view_args or {}), **args)
