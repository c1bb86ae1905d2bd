"""One comment rendered like the frame's own list, for live.js to insert when a reader asks to
see the new comments a live update announced (the frame's one renderer of comments)."""

from __future__ import annotations

import secrets

from flask import Response, render_template

from app.services.live_comments import load_announced_comment
from app.web.viewer import current_viewer
from app.widget import bp
from app.widget.frame import MAX_INDENT, frame_response, read_options, template_context


@bp.get("/embed/thread/comment/<id:comment_id>")
def show_announced_comment(comment_id: int) -> Response:
    options = read_options()
    viewer = current_viewer()
    page, comment = load_announced_comment(options.site, options.article, comment_id, viewer)
    parent = comment.parent
    html = render_template(
        "widget/announced.html",
        **template_context(options, page, viewer),
        node=page.comments[0],
        level=min(comment.depth, MAX_INDENT),
        parent_name=parent_name(parent) if comment.depth > MAX_INDENT else None,
    )
    return frame_response(html, page.site, secrets.token_urlsafe(16))


def parent_name(parent) -> str | None:
    if parent is None:
        return None
    return parent.user.name if parent.user is not None else (parent.guest_name or "Guest")
