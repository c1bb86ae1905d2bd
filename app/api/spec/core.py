"""Reader endpoints of the core: threads, posting a comment, counts, and this document.

The wording follows ``docs/api.md``; the error lists follow ``app/api`` and ``app/services``
(tests/test_openapi.py checks that every error the API returns is listed on its operation).
"""

from __future__ import annotations

from app.api.spec.common import (
    ARTICLE_KEY,
    CONFIRM_PROPERTY,
    CSRF_HEADER,
    OPTIONAL_AUTH,
    SITE_SLUG,
    TOXICITY_ERRORS,
    errors,
    json_body,
    json_response,
    query,
    ref,
    with_nudge_guidelines,
)
from app.api.spec.replies import INVALID_REPLIES, REPLIES_PARAMETER
from app.limits import (
    ARTICLE_KEY_MAX,
    ARTICLE_TITLE_MAX,
    ARTICLE_URL_MAX,
    AUTHOR_NAME_MAX,
    BADGE_MAX,
    BODY_MAX,
    COUNTS_KEYS_MAX,
    EMAIL_MAX,
    PAGE_SIZE,
    THREAD_PAGE_MAX,
)

NULLABLE_STRING = {"type": ["string", "null"]}
REACTION_KINDS = ("like", "love", "haha", "wow", "sad", "angry")

SCHEMAS = {
    "Error": {
        "type": "object",
        "description": (
            "Every error, under `/api/v1` and for every status. `code` is stable and meant for "
            "programs; `message` is a sentence for people that says what to fix."
        ),
        "required": ["error"],
        "properties": {
            "error": {
                "type": "object",
                "required": ["code", "message"],
                "properties": {
                    "code": {"type": "string", "pattern": "^[a-z][a-z0-9_]*$"},
                    "message": {"type": "string"},
                },
            }
        },
    },
    "Author": {
        "type": "object",
        "description": "Who wrote a comment, as readers see it. Never an email or IP address.",
        "required": ["name", "avatar_url", "badge"],
        "properties": {
            "name": {
                "type": "string",
                "description": "Display name; `[deleted]` on a placeholder.",
            },
            "avatar_url": {
                "type": "string",
                "format": "uri",
                "description": (
                    "Absolute URL of the author's avatar: an uploaded image, or a generated "
                    "identicon (`/avatars/i/<token>.svg`, derived from the account id or the "
                    "guest's name, never from an email address; cacheable for a year)."
                ),
            },
            "badge": {
                "type": ["string", "null"],
                "maxLength": BADGE_MAX,
                "description": (
                    "`moderator` for moderators, `staff` for admins, a publisher's SSO badge "
                    "(e.g. `subscriber`) for its signed-in readers, else null."
                ),
            },
        },
    },
    "Comment": {
        "type": "object",
        "description": (
            "A comment as a reader sees it, with its replies nested. A comment that was deleted, "
            "rejected or marked spam but has replies the reader can see stays in the tree as a "
            "placeholder: `status` `deleted`, author `[deleted]`, html `<p>[deleted]</p>`, "
            "score 0, not featured; without visible replies it is left out."
        ),
        "required": [
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
        "properties": {
            "id": {"type": "integer"},
            "parent_id": {
                "type": ["integer", "null"],
                "description": (
                    "The comment this one is nested under; null for a top-level comment. A reply "
                    "deeper than the nesting cap is attached to its deepest allowed ancestor."
                ),
            },
            "author": ref("Author"),
            "html": {
                "type": "string",
                "description": "Sanitized HTML rendered from the Markdown body: safe to insert.",
            },
            "created_at": {"type": "string", "format": "date-time"},
            "edited_at": {"type": ["string", "null"], "format": "date-time"},
            "status": {
                "enum": ["approved", "pending", "deleted"],
                "description": (
                    "`pending` only on the viewer's own comments awaiting moderation; "
                    "`deleted` only on placeholders."
                ),
            },
            "score": {"type": "integer", "description": "Up votes minus down votes."},
            "featured": {"type": "boolean", "description": "Featured by a moderator."},
            "replies": {"type": "array", "items": ref("Comment")},
        },
    },
    "Article": {
        "type": "object",
        "required": ["key", "title", "url", "comment_count", "closed", "reactions"],
        "properties": {
            "key": {"type": "string", "maxLength": ARTICLE_KEY_MAX},
            "title": NULLABLE_STRING,
            "url": NULLABLE_STRING,
            "comment_count": {
                "type": "integer",
                "minimum": 0,
                "description": "Approved comments (placeholders and pending ones not counted).",
            },
            "closed": {
                "type": "boolean",
                "description": (
                    "True when a moderator closed comments on the article (posting may also be "
                    "refused after the site's `close_after_days`, which this flag does not show)."
                ),
            },
            "reactions": {
                "type": "object",
                "description": "Readers' reactions to the article, by kind (all kinds present).",
                "required": list(REACTION_KINDS),
                "properties": {kind: {"type": "integer", "minimum": 0} for kind in REACTION_KINDS},
                "additionalProperties": {"type": "integer", "minimum": 0},
            },
        },
    },
    "Thread": {
        "type": "object",
        "required": ["article", "comments", "next_cursor"],
        "properties": {
            "article": ref("Article"),
            "comments": {
                "type": "array",
                "description": "Top-level comments of this page, each with all its replies.",
                "items": ref("Comment"),
            },
            "next_cursor": {
                "type": ["string", "null"],
                "description": "Pass as `cursor` for the next page; null on the last page.",
            },
        },
    },
    "NewComment": {
        "type": "object",
        "required": ["site", "article", "body"],
        "properties": {
            "site": SITE_SLUG,
            "article": ARTICLE_KEY,
            "body": {
                "type": "string",
                "minLength": 1,
                "maxLength": BODY_MAX,
                "description": (
                    "Markdown source, 1 to 10,000 characters after trimming. Raw HTML is shown "
                    "as text."
                ),
            },
            "parent_id": {
                "type": ["integer", "null"],
                "description": "Reply to this comment (approved, or your own pending one).",
            },
            "author_name": {
                "type": "string",
                "minLength": 1,
                "maxLength": AUTHOR_NAME_MAX,
                "description": "Required for guests; ignored for signed-in and token callers.",
            },
            "author_email": {
                "type": "string",
                "format": "email",
                "maxLength": EMAIL_MAX,
                "description": "Guests only, optional, never shown to anyone but moderators.",
            },
            "article_title": {
                "type": "string",
                "maxLength": ARTICLE_TITLE_MAX,
                "description": "Stored when the article has no title yet.",
            },
            "article_url": {
                "type": "string",
                "format": "uri",
                "maxLength": ARTICLE_URL_MAX,
                "description": "http(s) URL, stored when the article has no URL yet.",
            },
            "confirm": CONFIRM_PROPERTY,
        },
    },
    "Counts": {
        "type": "object",
        "required": ["counts"],
        "properties": {
            "counts": {
                "type": "object",
                "description": "Approved comments per requested key; unknown articles count 0.",
                "additionalProperties": {"type": "integer", "minimum": 0},
            }
        },
    },
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

PATHS = {
    "/api/v1/threads": {
        "get": {
            "operationId": "get_thread",
            "tags": ["reader"],
            "summary": "One page of an article's thread",
            "description": (
                "Top-level comments sorted as asked, `limit` per page, each with all its "
                "replies (oldest first). Pages are keyset-paginated: follow `next_cursor` with "
                "the same `sort`. An unknown article is an empty thread (and is not created). "
                "The viewer's own pending comments are included; nobody else's are."
            ),
            "security": OPTIONAL_AUTH,
            "parameters": [
                query("site", "The site's slug.", SITE_SLUG, required=True),
                query(
                    "article",
                    "The article's key.",
                    ARTICLE_KEY,
                    required=True,
                ),
                query(
                    "sort",
                    "Order of top-level comments: by time, or by score (ties: newest first).",
                    {"enum": ["oldest", "newest", "top"], "default": "oldest"},
                ),
                query(
                    "limit",
                    "Top-level comments per page (default PARLEY_PAGE_SIZE, 50).",
                    {
                        "type": "integer",
                        "minimum": 1,
                        "maximum": THREAD_PAGE_MAX,
                        "default": PAGE_SIZE,
                    },
                ),
                query(
                    "cursor",
                    "`next_cursor` of the previous page, unchanged.",
                    {"type": "string"},
                ),
                REPLIES_PARAMETER,
            ],
            "responses": {
                "200": json_response(
                    "The page.",
                    ref("Thread"),
                    {
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
                    },
                ),
                **errors(
                    "invalid_site",
                    "invalid_article",
                    (400, "invalid_sort", "`sort` is not oldest, newest or top"),
                    (400, "invalid_limit", "`limit` is not a whole number from 1 to 500"),
                    (
                        400,
                        "invalid_cursor",
                        "`cursor` was not made by this API for this `sort`",
                    ),
                    INVALID_REPLIES,
                    "invalid_token",
                    "invalid_sso_token",
                    "sso_token_expired",
                    "unknown_site",
                ),
            },
        }
    },
    "/api/v1/comments": {
        "post": {
            "operationId": "create_comment",
            "tags": ["reader"],
            "summary": "Post a comment or a reply",
            "description": (
                "Guests give `author_name` (and optionally `author_email`); bearer-token and "
                "signed-in callers post as themselves. The article is created on first post. "
                "The answer's `status` is `approved` or `pending` as the site's moderation "
                "rules decide; a pending comment is visible only to its author. A comment the "
                "rules reject or mark spam is answered as a placeholder (`status` `deleted`) "
                "and never shown. Posting is rate limited per account, or per IP address for "
                "guests (staff are exempt; every request counts, accepted or not), and by the "
                "site's own `rate_limit_posts` setting."
            ),
            "security": OPTIONAL_AUTH,
            "parameters": [CSRF_HEADER],
            "requestBody": json_body(
                ref("NewComment"),
                {
                    "site": "daily-news",
                    "article": "air-defence-drills-2026",
                    "body": "Good piece.",
                    "author_name": "Ada",
                },
            ),
            "responses": {
                "201": json_response(
                    "The new comment.",
                    ref("Comment"),
                    COMMENT_EXAMPLE,
                    headers={
                        "X-RateLimit-Remaining": {
                            "description": "Posts left in the current window (when limits are on).",
                            "schema": {"type": "integer"},
                        }
                    },
                ),
                **errors(
                    "invalid_json",
                    "invalid_site",
                    "invalid_article",
                    (400, "invalid_body", "`body` is missing, empty, or over 10,000 characters"),
                    (
                        400,
                        "invalid_author",
                        "a guest's `author_name` is missing, empty or over 80 characters",
                    ),
                    (400, "invalid_email", "`author_email` is not a valid email address"),
                    (
                        400,
                        "invalid_article_title",
                        "`article_title` is not a string of at most 300 characters",
                    ),
                    (
                        400,
                        "invalid_article_url",
                        "`article_url` is not an http(s) URL of at most 2,048 characters",
                    ),
                    (
                        400,
                        "invalid_parent",
                        "`parent_id` is not an integer id of a comment in this article that "
                        "the caller can see",
                    ),
                    (
                        400,
                        "reserved_name",
                        "a guest's `author_name` is a moderator's or admin's display name, or "
                        'looks like one (case, accents, look-alike letters, spaces, "(staff)")',
                    ),
                    "invalid_token",
                    "invalid_sso_token",
                    "sso_token_expired",
                    "csrf_failed",
                    (403, "thread_closed", "comments on this article are closed"),
                    (403, "guests_not_allowed", "the site accepts comments only from accounts"),
                    (403, "forbidden", "an SSO reader posts on a site other than their own"),
                    (403, "banned", "the account, browser or IP address is banned from the site"),
                    "unknown_site",
                    "unknown_article",
                    "payload_too_large",
                    "unsupported_media_type",
                    "rate_limited",
                    *TOXICITY_ERRORS,
                ),
            },
        }
    },
    "/api/v1/counts": {
        "get": {
            "operationId": "get_counts",
            "tags": ["reader"],
            "summary": "Comment counts for many articles",
            "description": (
                "Approved-comment counts for up to 100 article keys in one request. Public data: "
                "the answer carries `Access-Control-Allow-Origin: *`. Credentials are ignored."
            ),
            "security": [{}],
            "parameters": [
                query("site", "The site's slug.", SITE_SLUG, required=True),
                {
                    **query(
                        "article",
                        "An article key; repeat the parameter for each article (1 to 100).",
                        {
                            "type": "array",
                            "items": ARTICLE_KEY,
                            "minItems": 1,
                            "maxItems": COUNTS_KEYS_MAX,
                        },
                        required=True,
                    ),
                    "style": "form",
                    "explode": True,
                },
            ],
            "responses": {
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
                ),
                **errors(
                    "invalid_site",
                    (400, "invalid_article", "no `article` parameter was given"),
                    (400, "too_many_articles", "more than 100 `article` parameters"),
                    "unknown_site",
                ),
            },
        }
    },
    "/api/v1/openapi.json": {
        "get": {
            "operationId": "get_openapi_spec",
            "tags": ["meta"],
            "summary": "This OpenAPI 3.1 document",
            "description": "Readable from any origin (`Access-Control-Allow-Origin: *`).",
            "security": [{}],
            "responses": {
                "200": json_response(
                    "The OpenAPI document of Parley's API.",
                    {"type": "object", "required": ["openapi", "info", "paths"]},
                )
            },
        }
    },
}
with_nudge_guidelines(PATHS["/api/v1/comments"]["post"]["responses"])

TAGS = [
    {"name": "reader", "description": "What news pages and readers use: threads, posting, counts."},
    {"name": "meta", "description": "About the API itself."},
]
