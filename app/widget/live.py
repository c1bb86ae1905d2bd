"""One comment rendered like the frame's own list, for live.js to insert when a reader asks to
see the new comments a live update announced."""

from __future__ import annotations

import secrets

from flask import Response

from app.services.live_comments import load_announced_comment
from app.web.viewer import current_viewer
from app.widget import bp
from app.widget.comment_items import render_comment_items
from app.widget.frame import frame_response, read_options


@bp.get("/embed/thread/comment/<id:comment_id>")
def show_announced_comment(comment_id: int) -> Response:
    options = read_options()
    viewer = current_viewer()
    page, comment = load_announced_comment(options.site, options.article, comment_id, viewer)
    html = render_comment_items(options, page, viewer, [comment])
    return frame_response(html, page.site, secrets.token_urlsafe(16))
