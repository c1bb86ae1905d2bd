"""The one renderer of comments the frame adds to its page one by one, with the frame's own
comment macro (templates/widget/_comment.html): a comment a live update announced (live.py) and
the reader's own comments on the shared page (reader_state.py)."""

from __future__ import annotations

from collections.abc import Sequence

from flask import render_template

from app.models import Comment
from app.services.comment_rows import node_for_author
from app.services.identity import Viewer
from app.services.threads import ThreadPage
from app.services.viewer_state import ViewerState, load_viewer_state
from app.widget.frame import MAX_INDENT, FrameOptions, template_context


def render_comment_items(
    options: FrameOptions,
    page: ThreadPage,
    viewer: Viewer,
    comments: Sequence[Comment],
    state: ViewerState | None = None,
) -> str:
    """``<ol>`` of these comments as ``viewer`` sees them, without their replies: each ``<li>``
    at its level (``data-level``), under its parent (``data-parent``); past the indent cap,
    flat and marked "in reply to NAME". The viewer's own read as their author is answered: one
    the rules removed is pending, with no text."""
    items = [
        {
            "node": node_for_author(comment, viewer),
            "level": min(comment.depth, MAX_INDENT),
            "parent_name": parent_name(comment.parent) if comment.depth > MAX_INDENT else None,
        }
        for comment in comments
    ]
    if state is None:
        state = load_viewer_state(page.article.id, [comment.id for comment in comments], viewer)
    return render_template(
        "widget/comment_items.html", **template_context(options, page, viewer, state), items=items
    )


def parent_name(parent: Comment | None) -> str | None:
    if parent is None:
        return None
    return parent.user.name if parent.user is not None else (parent.guest_name or "Guest")
