"""Replies in pages: the ``replies`` cap of ``GET /api/v1/threads`` and the rest by cursor."""

from __future__ import annotations

from app.api.payloads.declare import (
    Operation,
    array,
    count,
    integer,
    obj,
    page_size,
    paths,
    string,
    whole_number_error,
)
from app.api.spec.common import OPTIONAL_AUTH, json_response, query, ref
from app.limits import ARTICLE_KEY_MAX, PAGE_SIZE, REPLIES_MAX

REPLIES_PARAMETER = query(
    "replies",
    "At most this many replies under each top-level comment (counted over its whole subtree, "
    "oldest first). Without it every reply comes, as the contract says. With it, each top-level "
    "comment also carries `more_replies` and `replies_cursor` for "
    "`GET /api/v1/threads/replies`.",
    integer(1, REPLIES_MAX),
)
INVALID_REPLIES = (400, "invalid_replies", whole_number_error("replies", 1, REPLIES_MAX))

SCHEMAS = {
    "ReplyPage": obj(
        {
            "comments": array(ref("Comment")),
            "more_replies": count("Replies still to come under this top-level comment."),
            "next_cursor": string(nullable=True, description="Null on the last page."),
        },
        required=["comments", "more_replies", "next_cursor"],
        description=(
            "Replies after a cursor, oldest first. Each comment's `parent_id` is a comment of an "
            "earlier page (or of the thread read) or of this one: attach it there. Its own "
            "replies on this page are nested under it."
        ),
    )
}

EXTENDS = {
    "Comment": {
        "more_replies": count(
            "With the `replies` cap, on top-level comments: replies left out of this answer."
        ),
        "replies_cursor": string(
            nullable=True,
            description=(
                "With the `replies` cap, on top-level comments: the cursor for "
                "`GET /api/v1/threads/replies`, or null when none were left out."
            ),
        ),
    }
}

GET_REPLIES = Operation(
    "get",
    "/api/v1/threads/replies",
    "get_replies",
    "The replies a capped thread read left out under one comment",
    tags=("reader",),
    description=(
        "Follow a top-level comment's `replies_cursor` (from `GET /api/v1/threads` with "
        "`replies`), then each page's `next_cursor`, with the same site and article. "
        "Costs the same whatever the number of replies."
    ),
    security=OPTIONAL_AUTH,
    parameters=[
        query("site", "The site's slug.", string(), required=True),
        query(
            "article", "The article's key.", string(ARTICLE_KEY_MAX, min_length=1), required=True
        ),
        query(
            "cursor",
            "`replies_cursor` of a top-level comment or `next_cursor` of a page.",
            string(),
            required=True,
        ),
        query(
            "limit",
            f"Replies per page (default PARLEY_PAGE_SIZE, {PAGE_SIZE}).",
            page_size(REPLIES_MAX),
        ),
    ],
    responses={"200": json_response("The page.", ref("ReplyPage"))},
    errors=(
        "invalid_site",
        "invalid_article",
        (400, "invalid_limit", whole_number_error("limit", 1, REPLIES_MAX)),
        (400, "invalid_cursor", "`cursor` is missing or not a replies cursor"),
        "invalid_token",
        "unknown_site",
    ),
)

PATHS = paths(GET_REPLIES)
