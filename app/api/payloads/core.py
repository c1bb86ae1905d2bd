"""Payloads of the reader core: a thread and its comments, counts, and this document.

Posting a comment is ``posting``.

The wording follows ``docs/api.md``; the limits are ``app/limits.py``'s and the vocabularies the
services' own (tests/test_openapi.py checks every error the API returns is listed here).
"""

from __future__ import annotations

from app.api.payloads.declare import (
    Operation,
    array,
    boolean,
    choice,
    count,
    integer,
    obj,
    page_size,
    paths,
    string,
    timestamp,
    whole_number_error,
)
from app.api.payloads.replies import INVALID_REPLIES, REPLIES_PARAMETER
from app.api.spec.common import (
    ARTICLE_KEY,
    OPTIONAL_AUTH,
    SITE_SLUG,
    json_response,
    query,
    ref,
)
from app.limits import (
    ARTICLE_KEY_MAX,
    BADGE_MAX,
    COUNTS_KEYS_MAX,
    PAGE_SIZE,
    THREAD_PAGE_MAX,
)
from app.models import CommentStatus, ReactionKind
from app.services.threads import SORTS

NULLABLE_STRING = string(nullable=True)
REACTION_KINDS = tuple(kind.value for kind in ReactionKind)
# What a reader may see of a comment's status (removed comments read as deleted placeholders).
SHOWN_STATUSES = (CommentStatus.APPROVED, CommentStatus.PENDING, CommentStatus.DELETED)

ERROR = obj(
    {
        "error": obj(
            {"code": string(pattern="^[a-z][a-z0-9_]*$"), "message": string()},
            required=["code", "message"],
        )
    },
    required=["error"],
    description=(
        "Every error, under `/api/v1` and for every status. `code` is stable and meant for "
        "programs; `message` is a sentence for people that says what to fix."
    ),
)

AUTHOR = obj(
    {
        "name": string(description="Display name; `[deleted]` on a placeholder."),
        "avatar_url": string(
            format="uri",
            description=(
                "Absolute URL of the author's avatar: an uploaded image, or a generated "
                "identicon (`/avatars/i/<token>.svg`, derived from the account id or the "
                "guest's name, never from an email address; cacheable for a year)."
            ),
        ),
        "badge": string(
            BADGE_MAX,
            nullable=True,
            description=(
                "`moderator` for moderators, `staff` for admins, a publisher's SSO badge "
                "(e.g. `subscriber`) for its signed-in readers, else null."
            ),
        ),
    },
    required=["name", "avatar_url", "badge"],
    description="Who wrote a comment, as readers see it. Never an email or IP address.",
)

COMMENT = obj(
    {
        "id": integer(),
        "parent_id": integer(
            nullable=True,
            description=(
                "The comment this one is nested under; null for a top-level comment. A reply "
                "deeper than the nesting cap is attached to its deepest allowed ancestor."
            ),
        ),
        "author": ref("Author"),
        "html": string(
            description="Sanitized HTML rendered from the Markdown body: safe to insert."
        ),
        "created_at": timestamp(),
        "edited_at": timestamp(nullable=True),
        "status": choice(
            SHOWN_STATUSES,
            description=(
                "`pending` only on the viewer's own comments awaiting moderation; "
                "`deleted` only on placeholders."
            ),
        ),
        "score": integer(description="Up votes minus down votes."),
        "featured": boolean("Featured by a moderator."),
        "replies": array(ref("Comment")),
    },
    required=[
        "id",
        "parent_id",
        "author",
        "html",
        "created_at",
        "edited_at",
        "status",
        "score",
        "featured",
        "replies",
    ],
    description=(
        "A comment as a reader sees it, with its replies nested. A comment that was deleted, "
        "rejected or marked spam but has replies the reader can see stays in the tree as a "
        "placeholder: `status` `deleted`, author `[deleted]`, html `<p>[deleted]</p>`, "
        "score 0, not featured; without visible replies it is left out."
    ),
)

REACTION_COUNTS = {
    **obj(
        {kind: count() for kind in REACTION_KINDS},
        required=REACTION_KINDS,
        description="Readers' reactions to the article, by kind (all kinds present).",
    ),
    "additionalProperties": count(),
}

ARTICLE = obj(
    {
        "key": string(ARTICLE_KEY_MAX),
        "title": NULLABLE_STRING,
        "url": NULLABLE_STRING,
        "comment_count": count(
            "Approved comments (placeholders and pending ones not counted).",
        ),
        "closed": boolean(
            "True when a moderator closed comments on the article (posting may also be "
            "refused after the site's `close_after_days`, which this flag does not show)."
        ),
        "reactions": REACTION_COUNTS,
    },
    required=["key", "title", "url", "comment_count", "closed", "reactions"],
)

THREAD = obj(
    {
        "article": ref("Article"),
        "comments": {
            **array(ref("Comment")),
            "description": "Top-level comments of this page, each with all its replies.",
        },
        "next_cursor": string(
            nullable=True,
            description="Pass as `cursor` for the next page; null on the last page.",
        ),
    },
    required=["article", "comments", "next_cursor"],
)

COUNTS = obj(
    {
        "counts": {
            "type": "object",
            "description": "Approved comments per requested key; unknown articles count 0.",
            "additionalProperties": count(),
        }
    },
    required=["counts"],
)

SCHEMAS = {
    "Error": ERROR,
    "Author": AUTHOR,
    "Comment": COMMENT,
    "Article": ARTICLE,
    "Thread": THREAD,
    "Counts": COUNTS,
}

COMMENT_EXAMPLE = {
    "id": 42,
    "parent_id": None,
    "author": {
        "name": "Ada",
        "avatar_url": "https://comments.news.example/avatars/i/3f2a9c0d1e4b5a6c7d8e.svg",
        "badge": None,
    },
    "html": "<p>Good piece.</p>",
    "created_at": "2026-11-25T14:03:00Z",
    "edited_at": None,
    "status": "approved",
    "score": 3,
    "featured": False,
    "replies": [],
}

THREAD_EXAMPLE = {
    "article": {
        "key": "air-defence-drills-2026",
        "title": "Air-defence drills begin",
        "url": "https://news.example/air-defence-drills-2026",
        "comment_count": 1,
        "closed": False,
        "reactions": dict.fromkeys(REACTION_KINDS, 0),
    },
    "comments": [COMMENT_EXAMPLE],
    "next_cursor": None,
}

GET_THREAD = Operation(
    "get",
    "/api/v1/threads",
    "get_thread",
    "One page of an article's thread",
    tags=("reader",),
    description=(
        "Top-level comments sorted as asked, `limit` per page, each with all its "
        "replies (oldest first). Pages are keyset-paginated: follow `next_cursor` with "
        "the same `sort`. An unknown article is an empty thread (and is not created). "
        "The viewer's own pending comments are included; nobody else's are."
    ),
    security=OPTIONAL_AUTH,
    parameters=[
        query("site", "The site's slug.", SITE_SLUG, required=True),
        query("article", "The article's key.", ARTICLE_KEY, required=True),
        query(
            "sort",
            "Order of top-level comments: by time, or by score (ties: newest first).",
            choice(SORTS, default=SORTS[0]),
        ),
        query(
            "limit",
            f"Top-level comments per page (default PARLEY_PAGE_SIZE, {PAGE_SIZE}).",
            page_size(THREAD_PAGE_MAX),
        ),
        query("cursor", "`next_cursor` of the previous page, unchanged.", string()),
        REPLIES_PARAMETER,
    ],
    responses={"200": json_response("The page.", ref("Thread"), THREAD_EXAMPLE)},
    errors=(
        "invalid_site",
        "invalid_article",
        (400, "invalid_sort", f"`sort` is not {', '.join(SORTS[:-1])} or {SORTS[-1]}"),
        (400, "invalid_limit", whole_number_error("limit", 1, THREAD_PAGE_MAX)),
        (400, "invalid_cursor", "`cursor` was not made by this API for this `sort`"),
        INVALID_REPLIES,
        "invalid_token",
        "invalid_sso_token",
        "sso_token_expired",
        "unknown_site",
    ),
)

GET_COUNTS = Operation(
    "get",
    "/api/v1/counts",
    "get_counts",
    "Comment counts for many articles",
    tags=("reader",),
    description=(
        f"Approved-comment counts for up to {COUNTS_KEYS_MAX} article keys in one request. "
        "Public data: the answer carries `Access-Control-Allow-Origin: *`. Credentials are "
        "ignored."
    ),
    security=[{}],
    parameters=[
        query("site", "The site's slug.", SITE_SLUG, required=True),
        {
            **query(
                "article",
                f"An article key; repeat the parameter for each article (1 to {COUNTS_KEYS_MAX}).",
                array(ARTICLE_KEY, min_items=1, max_items=COUNTS_KEYS_MAX),
                required=True,
            ),
            "style": "form",
            "explode": True,
        },
    ],
    responses={
        "200": json_response(
            "The counts, keyed by article key.",
            ref("Counts"),
            {"counts": {"air-defence-drills-2026": 3, "budget-2027": 0}},
            headers={
                "Access-Control-Allow-Origin": {
                    "description": "Always `*`.",
                    "schema": {"const": "*"},
                }
            },
        )
    },
    errors=(
        "invalid_site",
        (400, "invalid_article", "no `article` parameter was given"),
        (400, "too_many_articles", f"more than {COUNTS_KEYS_MAX} `article` parameters"),
        "unknown_site",
    ),
)

GET_OPENAPI = Operation(
    "get",
    "/api/v1/openapi.json",
    "get_openapi_spec",
    "This OpenAPI 3.1 document",
    tags=("meta",),
    description="Readable from any origin (`Access-Control-Allow-Origin: *`).",
    security=[{}],
    responses={
        "200": json_response(
            "The OpenAPI document of Parley's API.",
            {"type": "object", "required": ["openapi", "info", "paths"]},
        )
    },
)

PATHS = paths(GET_THREAD, GET_COUNTS, GET_OPENAPI)

TAGS = [
    {"name": "reader", "description": "What news pages and readers use: threads, posting, counts."},
    {"name": "meta", "description": "About the API itself."},
]
