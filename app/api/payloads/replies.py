"""Replies in pages: the ``replies`` cap of ``GET /api/v1/threads`` and the rest by cursor."""

from typing import Annotated

from pydantic import Field

from app.api.payloads.declare import Operation, paths, whole_number_error
from app.api.payloads.shared import page_size
from app.api.spec.common import OPTIONAL_AUTH, json_response, one_article, query
from app.api.spec.schemas import component_schemas, schema_of
from app.limits import PAGE_SIZE, REPLIES_MAX
from app.web.answers import ReplyPage

REPLIES_PARAMETER = query(
    "replies",
    "At most this many replies under each top-level comment (counted over its whole subtree, "
    "oldest first). Without it every reply comes, as the contract says. With it, each top-level "
    "comment also carries `more_replies` and `replies_cursor` for "
    "`GET /api/v1/threads/replies`.",
    schema_of(Annotated[int, Field(ge=1, le=REPLIES_MAX)]),
)
INVALID_REPLIES = (400, "invalid_replies", whole_number_error("replies", 1, REPLIES_MAX))

# The fields a capped read adds to top-level comments are declared on ``Comment`` itself.
SCHEMAS = component_schemas(ReplyPage)

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
        *one_article(),
        query(
            "cursor",
            "`replies_cursor` of a top-level comment or `next_cursor` of a page.",
            schema_of(str),
            required=True,
        ),
        query(
            "limit",
            f"Replies per page (default PARLEY_PAGE_SIZE, {PAGE_SIZE}).",
            schema_of(page_size(REPLIES_MAX)),
        ),
    ],
    responses={"200": json_response("The page.", ReplyPage)},
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
