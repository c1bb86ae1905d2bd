"""Payloads of the reader core: a thread and its comments, counts, and this document.

Posting a comment is ``posting``.

The wording follows ``docs/api.md``; the limits are ``app/limits.py``'s and the vocabularies the
services' own (tests/test_openapi.py checks every error the API returns is listed here).
"""

from typing import Annotated, Any, Literal

from pydantic import Field
from typing_extensions import TypedDict

from app.api.payloads.declare import Operation, paths, whole_number_error
from app.api.payloads.replies import INVALID_REPLIES, REPLIES_PARAMETER
from app.api.payloads.shared import ArticleKey, Error, SiteSlug, page_size
from app.api.spec.common import OPTIONAL_AUTH, json_response, one_article, query
from app.api.spec.schemas import component_schemas, schema_of
from app.limits import ARTICLE_KEY_MAX, COUNTS_KEYS_MAX, PAGE_SIZE, THREAD_PAGE_MAX
from app.services.threads import SORTS
from app.web.answers import REACTION_KINDS, Article, Author, Comment, Thread
from app.web.fields import Count, component, one_of


@component
class Counts(TypedDict):
    counts: Annotated[
        dict[str, Count],
        Field(description="Approved comments per requested key; unknown articles count 0."),
    ]


class OpenApiDocument(TypedDict):
    openapi: str
    info: dict[str, Any]
    paths: dict[str, Any]


SCHEMAS = component_schemas(Error, Author, Comment, Article, Thread, Counts)

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
        *one_article(),
        query(
            "sort",
            "Order of top-level comments: by time, or by score (ties: newest first).",
            schema_of(Annotated[one_of(SORTS), Field(default=SORTS[0])]),
        ),
        query(
            "limit",
            f"Top-level comments per page (default PARLEY_PAGE_SIZE, {PAGE_SIZE}).",
            schema_of(page_size(THREAD_PAGE_MAX)),
        ),
        query("cursor", "`next_cursor` of the previous page, unchanged.", schema_of(str)),
        REPLIES_PARAMETER,
    ],
    responses={"200": json_response("The page.", Thread, THREAD_EXAMPLE)},
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
        query("site", "The site's slug.", schema_of(SiteSlug), required=True),
        {
            **query(
                "article",
                f"An article key; repeat the parameter for each article (1 to {COUNTS_KEYS_MAX}).",
                schema_of(
                    Annotated[list[ArticleKey], Field(min_length=1, max_length=COUNTS_KEYS_MAX)]
                ),
                required=True,
            ),
            "style": "form",
            "explode": True,
        },
    ],
    responses={
        "200": json_response(
            "The counts, keyed by article key.",
            Counts,
            {"counts": {"air-defence-drills-2026": 3, "budget-2027": 0}},
            headers={
                "Access-Control-Allow-Origin": {
                    "description": "Always `*`.",
                    "schema": schema_of(Literal["*"]),
                }
            },
        )
    },
    errors=(
        "invalid_site",
        (
            400,
            "invalid_article",
            "no `article` parameter, or an empty one (a key over "
            f"{ARTICLE_KEY_MAX} characters is made to fit, as the widget frame does)",
        ),
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
    responses={"200": json_response("The OpenAPI document of Parley's API.", OpenApiDocument)},
)

PATHS = paths(GET_THREAD, GET_COUNTS, GET_OPENAPI)

TAGS = [
    {"name": "reader", "description": "What news pages and readers use: threads, posting, counts."},
    {"name": "meta", "description": "About the API itself."},
]
