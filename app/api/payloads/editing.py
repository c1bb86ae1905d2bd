"""Editing or deleting one's own comment within the edit window (the widget's endpoints).

The wording follows the "Widget endpoints" section of ``docs/api.md``; the error lists follow
``app/api/editing.py`` and ``app/services/editing.py``.
"""

from typing import Annotated, NotRequired

from pydantic import Field
from typing_extensions import TypedDict

from app.api.payloads.answers import CommentSource, DeletedComment
from app.api.payloads.core import COMMENT_EXAMPLE
from app.api.payloads.declare import paths
from app.api.payloads.shared import Confirm
from app.api.payloads.widget import BODY_ERRORS, RATE_NOTE, UNKNOWN_COMMENT, comment_operation
from app.api.spec.common import (
    TOXICITY_ERRORS,
    json_body,
    json_response,
    with_nudge_guidelines,
)
from app.limits import BODY_MAX
from app.services.editing import DEFAULT_EDIT_WINDOW_SECONDS
from app.web.answers import Comment


class CommentEdit(TypedDict):
    body: Annotated[str, Field(min_length=1, max_length=BODY_MAX)]
    confirm: NotRequired[Confirm]


NOT_YOURS = (403, "not_your_comment", "the caller did not write this comment")
WINDOW_CLOSED = (403, "edit_window_closed", "the edit window of this comment has passed")

GET_SOURCE = comment_operation(
    "get",
    "/api/v1/comments/{comment_id}/source",
    "get_comment_source",
    "The Markdown of one's own comment, to edit it",
    description=(
        "The body exactly as the author wrote it (after trimming), for an editor to "
        "start from: the comment's HTML cannot be turned back into it. Same author and "
        "window rules as editing."
    ),
    responses={
        "200": json_response(
            "The comment's Markdown source.",
            CommentSource,
            {"id": 42, "source": "Good piece, *especially* the map."},
        )
    },
    errors=("invalid_token", NOT_YOURS, WINDOW_CLOSED, UNKNOWN_COMMENT),
)

UPDATE_COMMENT = comment_operation(
    "patch",
    "/api/v1/comments/{comment_id}",
    "update_comment",
    "Edit one's own comment within the edit window",
    description=(
        "Only the author (the account, or the guest browser that posted it) and only "
        f"within PARLEY_EDIT_WINDOW_SECONDS ({DEFAULT_EDIT_WINDOW_SECONDS // 60} minutes by "
        "default) of posting; editing does not extend the window. The body is validated and "
        "rendered as when posting, and the site's moderation rules run again: an approved "
        "comment may go back to pending." + RATE_NOTE
    ),
    request_body=json_body(CommentEdit, {"body": "Good piece, *especially* the map."}),
    responses={
        "200": json_response(
            "The edited comment (with `edited_at`, `own` and `editable_until`).",
            Comment,
            {
                **COMMENT_EXAMPLE,
                "html": "<p>Good piece, <em>especially</em> the map.</p>",
                "edited_at": "2026-11-25T14:05:00Z",
                "own": True,
                "editable_until": "2026-11-25T14:18:00Z",
            },
        )
    },
    errors=(
        *BODY_ERRORS,
        (400, "invalid_body", f"`body` is missing, empty, or over {BODY_MAX:,} characters"),
        "invalid_token",
        "csrf_failed",
        NOT_YOURS,
        WINDOW_CLOSED,
        (403, "thread_closed", "comments on this article are closed"),
        (403, "banned", "the account, browser or IP address is banned from the site"),
        UNKNOWN_COMMENT,
        "rate_limited",
        *TOXICITY_ERRORS,
    ),
)

DELETE_COMMENT = comment_operation(
    "delete",
    "/api/v1/comments/{comment_id}",
    "delete_comment",
    "Delete one's own comment within the edit window",
    description=(
        "Same author and window rules as editing. The comment is soft-deleted: its "
        "replies stay, under a `[deleted]` placeholder. Deleting it again changes "
        "nothing." + RATE_NOTE
    ),
    responses={
        "200": json_response(
            "The comment is deleted.", DeletedComment, {"id": 42, "status": "deleted"}
        )
    },
    errors=(
        "invalid_token",
        "csrf_failed",
        NOT_YOURS,
        WINDOW_CLOSED,
        UNKNOWN_COMMENT,
        "rate_limited",
    ),
)

PATHS = paths(GET_SOURCE, UPDATE_COMMENT, DELETE_COMMENT)
with_nudge_guidelines(PATHS["/api/v1/comments/{comment_id}"]["patch"]["responses"])
