"""The widget's endpoints: reactions, votes, reports, and editing or deleting one's own comment.

The wording follows the "Widget endpoints" section of ``docs/api.md``; the error lists follow
``app/api/{reactions,votes,reports,editing}.py`` and their services
(``tests/test_api_*.py`` check that every error listed here really occurs).
"""

from __future__ import annotations

from app.api.payloads.core import COMMENT_EXAMPLE, REACTION_KINDS
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
    path_id,
    ref,
    with_nudge_guidelines,
)
from app.limits import BADGE_MAX, BODY_MAX, REPORT_NOTE_MAX

TAGS = [
    {
        "name": "widget",
        "description": (
            "What readers do in the widget besides posting: react to the article, vote and "
            "report comments, edit or delete their own comment. Each action is one per reader: "
            "per account (bearer token or signed-in session), per guest browser (the frame's "
            "`parley_frame` cookie), or, for clients without either, per IP address. See "
            "`docs/identity.md`."
        ),
    }
]

FRAME_HEADER = {
    "name": "X-Parley-Frame",
    "in": "header",
    "required": False,
    "description": (
        "`1` when the call comes from the widget frame's script: the session is then read from "
        "the frame's partitioned cookie `parley_frame` instead of `parley_session` (and its CSRF "
        "token is the one the frame page carries)."
    ),
    "schema": {"enum": ["1"]},
}
WIDGET_HEADERS = [CSRF_HEADER, FRAME_HEADER]

UNIDENTIFIED = (
    403,
    "unidentified",
    "nothing identifies the caller (no token, no session cookie, no IP address)",
)
UNKNOWN_COMMENT = (
    404,
    "unknown_comment",
    "no comment has this id, or it is not one the caller may act on (not visible)",
)
BODY_ERRORS = ("invalid_json", "payload_too_large", "unsupported_media_type")

SCHEMAS = {
    "ReactionCounts": {
        "type": "object",
        "description": "Readers' reactions to the article, by kind (all six kinds present).",
        "required": list(REACTION_KINDS),
        "properties": {kind: {"type": "integer", "minimum": 0} for kind in REACTION_KINDS},
    },
    "ReactionState": {
        "type": "object",
        "required": ["reactions", "mine"],
        "properties": {
            "reactions": ref("ReactionCounts"),
            "mine": {
                "enum": [*REACTION_KINDS, None],
                "description": "The caller's reaction after this request; null when removed.",
            },
        },
    },
    "VoteState": {
        "type": "object",
        "required": ["score", "mine"],
        "properties": {
            "score": {"type": "integer", "description": "The comment's score after the vote."},
            "mine": {"enum": [-1, 0, 1], "description": "The caller's vote after this request."},
        },
    },
    "ReportReceipt": {
        "type": "object",
        "required": ["id", "comment_id", "reason", "status"],
        "properties": {
            "id": {"type": "integer", "description": "The report's id."},
            "comment_id": {"type": "integer"},
            "reason": {
                "enum": ["spam", "abuse", "off_topic", "other"],
                "description": "The reason of the caller's (first) report.",
            },
            "status": {"enum": ["recorded"]},
        },
    },
    "Viewer": {
        "type": "object",
        "description": (
            "Added by `GET /api/v1/threads` as the top-level `viewer`: the current reader as "
            "the widget shows them, and what they chose on this thread. `reaction` and `votes` "
            "are empty for clients with no token and no session cookie (an IP address is "
            "shared, so Parley does not report one reader's choices to another)."
        ),
        "required": ["name", "avatar_url", "badge", "signed_in", "reaction", "votes"],
        "properties": {
            "name": {"type": ["string", "null"], "description": "Null for guests."},
            "avatar_url": {"type": "string", "format": "uri"},
            "badge": {"type": ["string", "null"], "maxLength": BADGE_MAX},
            "signed_in": {"type": "boolean"},
            "reaction": {"enum": [*REACTION_KINDS, None]},
            "votes": {
                "type": "object",
                "description": "The caller's votes on this page's comments, by comment id.",
                "additionalProperties": {"enum": [-1, 1]},
            },
        },
    },
}

# Fields the widget's work adds to the core's answers.
EXTENDS = {
    "Thread": {"viewer": ref("Viewer")},
    "Comment": {
        "own": {
            "const": True,
            "description": "Present (true) only on the caller's own comments.",
        },
        "editable_until": {
            "type": ["string", "null"],
            "format": "date-time",
            "description": (
                "Only on the caller's own comments: until when the author may edit or delete it "
                "(created_at + PARLEY_EDIT_WINDOW_SECONDS); null once that has passed."
            ),
        },
    },
}

RATE_NOTE = (
    " Rate limited per account, or per IP address for guests (staff are exempt); every request "
    "counts, accepted or not."
)

PATHS = {
    "/api/v1/reactions": {
        "post": {
            "operationId": "create_reaction",
            "tags": ["widget"],
            "summary": "React to an article (set, change, or toggle off)",
            "description": (
                "One reaction per reader per article. Sending the caller's current kind again "
                "removes it; another kind replaces it. The article is created on its first "
                "reaction, as on its first comment." + RATE_NOTE
            ),
            "security": OPTIONAL_AUTH,
            "parameters": WIDGET_HEADERS,
            "requestBody": json_body(
                {
                    "type": "object",
                    "required": ["site", "article", "kind"],
                    "properties": {
                        "site": SITE_SLUG,
                        "article": ARTICLE_KEY,
                        "kind": {"enum": list(REACTION_KINDS)},
                    },
                },
                {"site": "daily-news", "article": "air-defence-drills-2026", "kind": "wow"},
            ),
            "responses": {
                "200": json_response(
                    "The article's reaction counts and the caller's reaction.",
                    ref("ReactionState"),
                    {
                        "reactions": {**dict.fromkeys(REACTION_KINDS, 0), "wow": 4},
                        "mine": "wow",
                    },
                ),
                **errors(
                    *BODY_ERRORS,
                    "invalid_site",
                    "invalid_article",
                    (400, "invalid_kind", "`kind` is not like, love, haha, wow, sad or angry"),
                    "invalid_token",
                    "csrf_failed",
                    UNIDENTIFIED,
                    "unknown_site",
                    "unknown_article",
                    "rate_limited",
                ),
            },
        }
    },
    "/api/v1/comments/{comment_id}/votes": {
        "post": {
            "operationId": "vote_on_comment",
            "tags": ["widget"],
            "summary": "Vote a comment up or down, or take the vote back",
            "description": (
                "One vote per reader per comment: a new value replaces the old one, 0 removes "
                "it. The comment's score changes in the same transaction. Only approved comments "
                "can be voted on, and not by their author." + RATE_NOTE
            ),
            "security": OPTIONAL_AUTH,
            "parameters": [path_id("comment_id"), *WIDGET_HEADERS],
            "requestBody": json_body(
                {
                    "type": "object",
                    "required": ["value"],
                    "properties": {"value": {"enum": [1, -1, 0]}},
                },
                {"value": 1},
            ),
            "responses": {
                "200": json_response(
                    "The comment's score and the caller's vote.",
                    ref("VoteState"),
                    {"score": 4, "mine": 1},
                ),
                **errors(
                    *BODY_ERRORS,
                    (400, "invalid_vote", "`value` is not 1, -1 or 0"),
                    "invalid_token",
                    "csrf_failed",
                    (403, "own_comment", "the caller wrote this comment"),
                    UNIDENTIFIED,
                    UNKNOWN_COMMENT,
                    "rate_limited",
                ),
            },
        }
    },
    "/api/v1/comments/{comment_id}/reports": {
        "post": {
            "operationId": "create_report",
            "tags": ["widget"],
            "summary": "Report a comment to the moderators",
            "description": (
                "One report per reader per comment: the first is 201, a repeat is 200 with the "
                "first report and changes nothing. Approved and pending comments can be "
                "reported. When the number of distinct readers reporting a comment reaches the "
                "site's `report_threshold` setting (default 3), an approved comment is hidden "
                "pending review (reason `reports`)." + RATE_NOTE
            ),
            "security": OPTIONAL_AUTH,
            "parameters": [path_id("comment_id"), *WIDGET_HEADERS],
            "requestBody": json_body(
                {
                    "type": "object",
                    "required": ["reason"],
                    "properties": {
                        "reason": {"enum": ["spam", "abuse", "off_topic", "other"]},
                        "note": {
                            "type": ["string", "null"],
                            "maxLength": REPORT_NOTE_MAX,
                            "description": "Optional words for the moderators (trimmed).",
                        },
                    },
                },
                {"reason": "abuse", "note": "Insults another reader."},
            ),
            "responses": {
                "201": json_response(
                    "The report was recorded.",
                    ref("ReportReceipt"),
                    {"id": 7, "comment_id": 42, "reason": "abuse", "status": "recorded"},
                ),
                "200": json_response(
                    "The caller had already reported this comment; nothing changed.",
                    ref("ReportReceipt"),
                ),
                **errors(
                    *BODY_ERRORS,
                    (400, "invalid_reason", "`reason` is not spam, abuse, off_topic or other"),
                    (400, "invalid_note", "`note` is not a string of at most 500 characters"),
                    "invalid_token",
                    "csrf_failed",
                    UNIDENTIFIED,
                    UNKNOWN_COMMENT,
                    "rate_limited",
                ),
            },
        }
    },
    "/api/v1/comments/{comment_id}/source": {
        "get": {
            "operationId": "get_comment_source",
            "tags": ["widget"],
            "summary": "The Markdown of one's own comment, to edit it",
            "description": (
                "The body exactly as the author wrote it (after trimming), for an editor to "
                "start from: the comment's HTML cannot be turned back into it. Same author and "
                "window rules as editing."
            ),
            "security": OPTIONAL_AUTH,
            "parameters": [path_id("comment_id"), *WIDGET_HEADERS],
            "responses": {
                "200": json_response(
                    "The comment's Markdown source.",
                    {
                        "type": "object",
                        "required": ["id", "source"],
                        "properties": {"id": {"type": "integer"}, "source": {"type": "string"}},
                    },
                    {"id": 42, "source": "Good piece, *especially* the map."},
                ),
                **errors(
                    "invalid_token",
                    (403, "not_your_comment", "the caller did not write this comment"),
                    (403, "edit_window_closed", "the edit window of this comment has passed"),
                    UNKNOWN_COMMENT,
                ),
            },
        }
    },
    "/api/v1/comments/{comment_id}": {
        "patch": {
            "operationId": "update_comment",
            "tags": ["widget"],
            "summary": "Edit one's own comment within the edit window",
            "description": (
                "Only the author (the account, or the guest browser that posted it) and only "
                "within PARLEY_EDIT_WINDOW_SECONDS (15 minutes by default) of posting; editing "
                "does not extend the window. The body is validated and rendered as when "
                "posting, and the site's moderation rules run again: an approved comment may go "
                "back to pending." + RATE_NOTE
            ),
            "security": OPTIONAL_AUTH,
            "parameters": [path_id("comment_id"), *WIDGET_HEADERS],
            "requestBody": json_body(
                {
                    "type": "object",
                    "required": ["body"],
                    "properties": {
                        "body": {"type": "string", "minLength": 1, "maxLength": BODY_MAX},
                        "confirm": CONFIRM_PROPERTY,
                    },
                },
                {"body": "Good piece, *especially* the map."},
            ),
            "responses": {
                "200": json_response(
                    "The edited comment (with `edited_at`, `own` and `editable_until`).",
                    ref("Comment"),
                    {
                        **COMMENT_EXAMPLE,
                        "html": "<p>Good piece, <em>especially</em> the map.</p>",
                        "edited_at": "2026-11-25T14:05:00Z",
                        "own": True,
                        "editable_until": "2026-11-25T14:18:00Z",
                    },
                ),
                **errors(
                    *BODY_ERRORS,
                    (400, "invalid_body", "`body` is missing, empty, or over 10,000 characters"),
                    "invalid_token",
                    "csrf_failed",
                    (403, "not_your_comment", "the caller did not write this comment"),
                    (403, "edit_window_closed", "the edit window of this comment has passed"),
                    (403, "thread_closed", "comments on this article are closed"),
                    (403, "banned", "the account, browser or IP address is banned from the site"),
                    UNKNOWN_COMMENT,
                    "rate_limited",
                    *TOXICITY_ERRORS,
                ),
            },
        },
        "delete": {
            "operationId": "delete_comment",
            "tags": ["widget"],
            "summary": "Delete one's own comment within the edit window",
            "description": (
                "Same author and window rules as editing. The comment is soft-deleted: its "
                "replies stay, under a `[deleted]` placeholder. Deleting it again changes "
                "nothing." + RATE_NOTE
            ),
            "security": OPTIONAL_AUTH,
            "parameters": [path_id("comment_id"), *WIDGET_HEADERS],
            "responses": {
                "200": json_response(
                    "The comment is deleted.",
                    {
                        "type": "object",
                        "required": ["id", "status"],
                        "properties": {"id": {"type": "integer"}, "status": {"enum": ["deleted"]}},
                    },
                    {"id": 42, "status": "deleted"},
                ),
                **errors(
                    "invalid_token",
                    "csrf_failed",
                    (403, "not_your_comment", "the caller did not write this comment"),
                    (403, "edit_window_closed", "the edit window of this comment has passed"),
                    UNKNOWN_COMMENT,
                    "rate_limited",
                ),
            },
        },
    },
}
with_nudge_guidelines(PATHS["/api/v1/comments/{comment_id}"]["patch"]["responses"])
