"""Moderation of comments: the queues, their counts, search, and actions on one or many."""

from typing import Annotated

from pydantic import Field

from app.api.payloads.declare import paths
from app.api.payloads.moderation.answers import (
    STATUSES,
    BulkAction,
    BulkResult,
    CommentAction,
    ModerationComment,
    ModerationPage,
    QueueCounts,
)
from app.api.payloads.moderation.shared import (
    CURSOR_PARAM,
    INVALID_CURSOR,
    INVALID_LIMIT,
    INVALID_REASON,
    LIMIT_PARAM,
    SITE_PARAM,
    UNKNOWN_COMMENT,
    operation,
)
from app.api.spec.common import json_body, json_response, path_id, query
from app.api.spec.schemas import schema_of
from app.limits import BULK_MAX, SEARCH_TEXT_MAX
from app.services.moderation.queues import QUEUE_SORTS, QUEUES
from app.web.fields import one_of

INVALID_ACTION = (400, "invalid_action", "`action` is not one of the six, or cannot apply")


def too_long(name: str) -> tuple[int, str, str]:
    return (400, f"invalid_{name}", f"`{name}` is over {SEARCH_TEXT_MAX} characters")


LIST_QUEUE = operation(
    "get",
    "/queues/{queue}",
    "list_moderation_queue",
    "One page of a moderation queue",
    "`pending`: held before publication, oldest first. `reported`: published (or held "
    "for reports) comments with readers' reports, most reported first. `spam`, and the "
    "history views `approved` and `rejected`: newest first. `sort=toxicity` orders "
    "any queue most toxic first (unscored comments last).",
    json_response("The page.", ModerationPage),
    (
        (404, "unknown_queue", f"not one of {', '.join(QUEUES)}"),
        "unknown_site",
        INVALID_CURSOR,
        INVALID_LIMIT,
        (400, "invalid_sort", f"`sort` is not {' or '.join(f'`{s}`' for s in QUEUE_SORTS)}"),
    ),
    [
        {"name": "queue", "in": "path", "required": True, "schema": schema_of(one_of(QUEUES))},
        SITE_PARAM,
        CURSOR_PARAM,
        LIMIT_PARAM,
        query(
            "sort",
            "`default` (the queue's own order) or `toxicity` (most toxic first).",
            schema_of(Annotated[one_of(QUEUE_SORTS), Field(default=QUEUE_SORTS[0])]),
        ),
    ],
)

QUEUE_COUNTS = operation(
    "get",
    "/counts",
    "get_queue_counts",
    "How many comments wait in each queue",
    "Counts of the pending, reported and spam queues.",
    json_response("The counts.", QueueCounts),
    ("unknown_site",),
    [SITE_PARAM],
)

SEARCH = operation(
    "get",
    "/search",
    "search_moderation_comments",
    "Search every comment",
    "Comments matching all the filters given, newest first.",
    json_response("The page.", ModerationPage),
    (
        too_long("text"),
        too_long("author"),
        too_long("article"),
        (400, "invalid_status", "`status` is not a comment status"),
        (400, "invalid_date_from", "`from` is not a date"),
        (400, "invalid_date_to", "`to` is not a date"),
        INVALID_CURSOR,
        INVALID_LIMIT,
        "unknown_site",
    ),
    [
        query("text", "Words in the comment's Markdown.", schema_of(str)),
        query("author", "Part of the author's name.", schema_of(str)),
        query("article", "Part of the article's key or title.", schema_of(str)),
        query("status", "One status.", schema_of(one_of(STATUSES))),
        query("from", "First day (UTC), e.g. 2026-11-01.", schema_of(str)),
        query("to", "Last day (UTC), inclusive.", schema_of(str)),
        SITE_PARAM,
        CURSOR_PARAM,
        LIMIT_PARAM,
    ],
)

GET_COMMENT = operation(
    "get",
    "/comments/{comment_id}",
    "get_moderation_comment",
    "One comment as the queues show it",
    "The comment with its reasons, context and author history.",
    json_response("The comment.", ModerationComment),
    (UNKNOWN_COMMENT,),
    [path_id("comment_id")],
)

MODERATE_ONE = operation(
    "post",
    "/comments/{comment_id}",
    "moderate_one_comment",
    "Act on one comment",
    "`approve` and `restore` make it `approved`, `reject` `rejected`, `spam` `spam`; "
    "`feature`/`unfeature` keep the status (only approved comments can be featured). "
    "Approving a reported comment dismisses its reports. Readers see the change at "
    "once (threads and counts). Every action is audited.",
    json_response("The comment after the action.", ModerationComment),
    (
        INVALID_ACTION,
        INVALID_REASON,
        UNKNOWN_COMMENT,
        (409, "comment_deleted", "its author deleted it"),
    ),
    [path_id("comment_id")],
    json_body(CommentAction, {"action": "reject", "reason": "Off topic"}),
)

MODERATE_MANY = operation(
    "post",
    "/comments",
    "moderate_many_comments",
    f"Act on up to {BULK_MAX} comments at once",
    "The same action on every comment listed, in one transaction: if one cannot be "
    "changed (missing, on a site the caller does not moderate, deleted), none is.",
    json_response("The comments after the action.", BulkResult),
    (
        (400, "invalid_ids", f"`ids` is not a list of 1 to {BULK_MAX} comment ids"),
        INVALID_ACTION,
        INVALID_REASON,
        UNKNOWN_COMMENT,
        (409, "comment_deleted", "one of them was deleted by its author"),
    ),
    None,
    json_body(BulkAction, {"ids": [12, 13, 15], "action": "approve"}),
)

PATHS = paths(LIST_QUEUE, QUEUE_COUNTS, SEARCH, GET_COMMENT, MODERATE_ONE, MODERATE_MANY)
