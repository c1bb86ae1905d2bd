"""``/embed/thread/state``: what is the reader's own on the page every guest shares
(app.widget.shared_frame), in one small private answer that frame.js applies: the session's CSRF
token, their reaction, votes and reports, and their own comments rendered as the frame renders
them (pending ones with their text; the edit window; no vote or report buttons on them).

Never cached (``private, no-store``); it reads only the frame's own session cookie, so another
page cannot learn anything from it that it could not post itself.
"""

from __future__ import annotations

from flask import Response
from flask_wtf.csrf import generate_csrf

from app.services.reader_state import load_reader_state
from app.services.threads import ThreadPage
from app.web.caching import PRIVATE
from app.web.serializers import json_response
from app.web.viewer import current_viewer
from app.widget import bp
from app.widget.comment_items import render_comment_items
from app.widget.frame import read_options


@bp.get("/embed/thread/state")
def show_reader_state() -> Response:
    options = read_options()
    viewer = current_viewer()
    found = load_reader_state(options.site, options.article, viewer)
    page = ThreadPage(found.site, found.article, [], None)
    state = found.state
    response = json_response(
        {
            "csrf_token": generate_csrf(),
            "reaction": state.reaction.value if state.reaction else None,
            "votes": {str(comment_id): value for comment_id, value in state.votes.items()},
            "reported": sorted(state.reported),
            "own": render_comment_items(options, page, viewer, found.own, state)
            if found.own
            else "",
        }
    )
    response.headers["Cache-Control"] = PRIVATE
    return response
