"""Replies in pages: the ``replies`` cap of ``GET /api/v1/threads`` and the rest by cursor."""

from __future__ import annotations

from app.api.spec.common import OPTIONAL_AUTH, errors, json_response, query, ref
from app.limits import ARTICLE_KEY_MAX, PAGE_SIZE, REPLIES_MAX

REPLIES_PARAMETER = query(
    "replies",
    "At most this many replies under each top-level comment (counted over its whole subtree, "
    "oldest first). Without it every reply comes, as the contract says. With it, each top-level "
    "comment also carries `more_replies` and `replies_cursor` for "
    "`GET /api/v1/threads/replies`.",
    {"type": "integer", "minimum": 1, "maximum": REPLIES_MAX},
)
INVALID_REPLIES = (400, "invalid_replies", "`replies` is not a whole number from 1 to 500")

SCHEMAS = {
    "ReplyPage": {
        "type": "object",
        "description": (
            "Replies after a cursor, oldest first. Each comment's `parent_id` is a comment of an "
            "earlier page (or of the thread read) or of this one: attach it there. Its own "
            "replies on this page are nested under it."
        ),
        "required": ["comments", "more_replies", "next_cursor"],
        "properties": {
            "comments": {"type": "array", "items": ref("Comment")},
            "more_replies": {
                "type": "integer",
                "minimum": 0,
                "description": "Replies still to come under this top-level comment.",
            },
            "next_cursor": {"type": ["string", "null"], "description": "Null on the last page."},
        },
    }
}

EXTENDS = {
    "Comment": {
        "more_replies": {
            "type": "integer",
            "minimum": 0,
            "description": (
                "With the `replies` cap, on top-level comments: replies left out of this answer."
            ),
        },
        "replies_cursor": {
            "type": ["string", "null"],
            "description": (
                "With the `replies` cap, on top-level comments: the cursor for "
                "`GET /api/v1/threads/replies`, or null when none were left out."
            ),
        },
    }
}

PATHS = {
    "/api/v1/threads/replies": {
        "get": {
            "operationId": "get_replies",
            "tags": ["reader"],
            "summary": "The replies a capped thread read left out under one comment",
            "description": (
                "Follow a top-level comment's `replies_cursor` (from `GET /api/v1/threads` with "
                "`replies`), then each page's `next_cursor`, with the same site and article. "
                "Costs the same whatever the number of replies."
            ),
            "security": OPTIONAL_AUTH,
            "parameters": [
                query("site", "The site's slug.", {"type": "string"}, required=True),
                query(
                    "article",
                    "The article's key.",
                    {"type": "string", "minLength": 1, "maxLength": ARTICLE_KEY_MAX},
                    required=True,
                ),
                query(
                    "cursor",
                    "`replies_cursor` of a top-level comment or `next_cursor` of a page.",
                    {"type": "string"},
                    required=True,
                ),
                query(
                    "limit",
                    "Replies per page (default PARLEY_PAGE_SIZE, 50).",
                    {"type": "integer", "minimum": 1, "maximum": REPLIES_MAX, "default": PAGE_SIZE},
                ),
            ],
            "responses": {
                "200": json_response("The page.", ref("ReplyPage")),
                **errors(
                    "invalid_site",
                    "invalid_article",
                    (400, "invalid_limit", "`limit` is not a whole number from 1 to 500"),
                    (400, "invalid_cursor", "`cursor` is missing or not a replies cursor"),
                    "invalid_token",
                    "unknown_site",
                ),
            },
        }
    }
}
