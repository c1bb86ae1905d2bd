"""The replies a capped thread left out under one comment, rendered like the frame's list.

The frame shows ``PARLEY_REPLY_PREVIEW`` replies under each top-level comment; its "Show N more
replies" button loads the rest from here, page by page (``app/services/reply_pages.py``).
"""

from __future__ import annotations

import secrets

from flask import Response, current_app, render_template, request

from app.services.errors import ValidationError
from app.services.reply_pages import load_replies
from app.web.viewer import current_viewer
from app.widget import bp
from app.widget.frame import frame_response, read_options, template_context


@bp.get("/embed/thread/replies")
def show_more_replies() -> Response:
    options = read_options()
    cursor = request.args.get("cursor") or ""
    if not cursor:
        raise ValidationError("the cursor query parameter is required", "invalid_cursor")
    viewer = current_viewer()
    page = load_replies(
        options.site, options.article, viewer, cursor, current_app.config["PARLEY_PAGE_SIZE"]
    )
    html = render_template("widget/replies.html", **template_context(options, page, viewer))
    return frame_response(html, page.site, secrets.token_urlsafe(16))
