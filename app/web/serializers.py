"""Explicit allowlists of the fields readers get. Emails and IPs are never among them.

Each serializer returns the ``TypedDict`` its answer is declared as (``app/web/answers.py``,
the same declaration the OpenAPI document is generated from); at run time they are plain
dicts, encoded by orjson.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import orjson
from flask import Response, current_app, request

from app.services.avatars import absolute_avatar, avatar_path, avatar_url
from app.services.comment_rows import BADGES, CommentNode
from app.services.editing import editable_until
from app.services.identity import Viewer
from app.services.reply_pages import ReplyPage
from app.services.threads import ArticleInfo, ThreadPage
from app.services.viewer_state import ViewerState
from app.web import answers


def iso(dt: datetime | None) -> str | None:
    """``2026-11-25T14:03:00Z`` (UTC, seconds precision), or None."""
    if dt is None:
        return None
    if dt.tzinfo is not UTC:
        dt = dt.astimezone(UTC)
    # isoformat is about three times faster than strftime; a thread page formats hundreds.
    return dt.isoformat(timespec="seconds")[:19] + "Z"


def json_response(data: Any, status: int = 200, headers: dict[str, str] | None = None) -> Response:
    """A JSON response encoded with orjson (UTF-8), for the large and frequent reader answers.

    A 1,000-comment thread is close to 1 MB of JSON: the standard library's encoder spends
    milliseconds on it, orjson a tenth of that (docs/benchmarks.md).
    """
    return Response(orjson.dumps(data), status, headers, mimetype="application/json")


def public_base_url() -> str:
    """Absolute base for links in API answers: PARLEY_PUBLIC_URL, else this request's host."""
    return (current_app.config.get("PARLEY_PUBLIC_URL") or request.host_url).rstrip("/")


def comment_json(node: CommentNode, base: str) -> answers.Comment:
    return {
        "id": node.id,
        "parent_id": node.parent_id,
        "author": {
            "name": node.author_name,
            "avatar_url": absolute_avatar(base, node.avatar_path),
            "badge": node.badge,
        },
        "html": node.html,
        "created_at": iso(node.created_at),
        "edited_at": iso(node.edited_at),
        "status": node.status,
        "score": node.score,
        "featured": node.featured,
        **(own_comment_json(node) if node.own else {}),
        "replies": [comment_json(reply, base) for reply in node.replies],
    }


def own_comment_json(node: CommentNode) -> answers.CommentExtras:
    """Extra fields on the viewer's own comments: until when they may edit or delete it."""
    until = editable_until(node.created_at, current_app.config["PARLEY_EDIT_WINDOW_SECONDS"])
    return {"own": True, "editable_until": iso(until)}


def viewer_json(viewer: Viewer, state: ViewerState, base: str) -> answers.Viewer:
    """The current reader as the widget shows them, and what they reacted and voted."""
    user = viewer.user
    return {
        "name": user.name if user else None,
        "avatar_url": avatar_url(base, user) if user else base + avatar_path(None, None),
        "badge": (BADGES.get(user.role) or user.sso_badge) if user else None,
        "signed_in": user is not None,
        "kind": user.kind if user else "guest",
        "reaction": state.reaction.value if state.reaction else None,
        "votes": {str(comment_id): value for comment_id, value in state.votes.items()},
    }


def article_json(article: ArticleInfo) -> answers.Article:
    return {
        "key": article.key,
        "title": article.title,
        "url": article.url,
        "comment_count": article.comment_count,
        "closed": article.closed,
        "reactions": article.reactions,
    }


def capped_comment_json(node: CommentNode, base: str) -> answers.Comment:
    """A top-level comment of a read with a replies cap: what it left out, and where it resumes."""
    data = comment_json(node, base)
    data["more_replies"] = node.more_replies
    data["replies_cursor"] = node.replies_cursor
    return data


def thread_json(
    page: ThreadPage,
    viewer: Viewer | None = None,
    state: ViewerState | None = None,
    replies_capped: bool = False,
) -> answers.Thread:
    base = public_base_url()
    top_level = capped_comment_json if replies_capped else comment_json
    data: answers.Thread = {
        "article": article_json(page.article),
        "comments": [top_level(node, base) for node in page.comments],
        "next_cursor": page.next_cursor,
    }
    if viewer is not None:
        data["viewer"] = viewer_json(viewer, state or ViewerState(), base)
    return data


def replies_json(
    page: ReplyPage, viewer: Viewer | None = None, state: ViewerState | None = None
) -> answers.ReplyPage:
    base = public_base_url()
    data: answers.ReplyPage = {
        "comments": [comment_json(node, base) for node in page.comments],
        "more_replies": page.more_replies,
        "next_cursor": page.next_cursor,
    }
    if viewer is not None:
        data["viewer"] = viewer_json(viewer, state or ViewerState(), base)
    return data
