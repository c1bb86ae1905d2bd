"""The widget's endpoints: reactions, votes and reports (editing one's own comment: ``editing``).

The wording follows the "Widget endpoints" section of ``docs/api.md``; the error lists follow
``app/api/{reactions,votes,reports}.py`` and their services
(``tests/test_api_*.py`` check that every error listed here really occurs).
"""

from typing import Annotated, Any, Literal, NotRequired

from pydantic import Field
from typing_extensions import TypedDict

from app.api.payloads.answers import ReactionState, ReportReceipt, VoteState
from app.api.payloads.declare import Operation, paths
from app.api.payloads.shared import READER_CREDENTIALS, ArticleKey, SiteSlug
from app.api.spec.common import CSRF_HEADER, OPTIONAL_AUTH, json_body, json_response, path_id
from app.api.spec.schemas import component_schemas, schema_of
from app.limits import REPORT_NOTE_MAX
from app.models import ReportReason
from app.services.site_settings import SETTINGS
from app.services.votes import VOTE_VALUES
from app.web.answers import REACTION_KINDS, ReactionCounts, Viewer
from app.web.fields import one_of

ReactionKind = one_of(REACTION_KINDS)
VoteValue = one_of(VOTE_VALUES)


class NewReaction(TypedDict):
    site: SiteSlug
    article: ArticleKey
    kind: ReactionKind


class NewVote(TypedDict):
    value: VoteValue


class NewReport(TypedDict):
    reason: one_of(ReportReason)
    note: NotRequired[
        Annotated[
            str | None,
            Field(
                max_length=REPORT_NOTE_MAX,
                description="Optional words for the moderators (trimmed).",
            ),
        ]
    ]


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
    "schema": schema_of(Literal["1"]),
}
WIDGET_HEADERS = [CSRF_HEADER, FRAME_HEADER]


def comment_operation(
    method: str, path: str, operation_id: str, summary: str, **rest: Any
) -> Operation:
    """A reader's request about one comment (``{comment_id}`` in ``path``), from the widget:
    a guest or a signed-in reader may ask; the answer depends on who asks."""
    return Operation(
        method,
        path,
        operation_id,
        summary,
        tags=("widget",),
        security=OPTIONAL_AUTH,
        parameters=[path_id("comment_id"), *WIDGET_HEADERS],
        **rest,
    )


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
RATE_NOTE = (
    " Rate limited per account, or per IP address for guests (staff are exempt); every request "
    "counts, accepted or not."
)
REPORT_REASONS = tuple(reason.value for reason in ReportReason)


def words(values: tuple[object, ...], last: str = "or") -> str:
    """``a, b or c``: a vocabulary in an error's description."""
    return f"{', '.join(map(str, values[:-1]))} {last} {values[-1]}"


# ``Thread.viewer`` and the caller's own fields of ``Comment`` are declared on those answers.
SCHEMAS = component_schemas(ReactionCounts, ReactionState, VoteState, ReportReceipt, Viewer)

CREATE_REACTION = Operation(
    "post",
    "/api/v1/reactions",
    "create_reaction",
    "React to an article (set, change, or toggle off)",
    tags=("widget",),
    description=(
        "One reaction per reader per article. Sending the caller's current kind again "
        "removes it; another kind replaces it. The article is created on its first "
        "reaction, as on its first comment." + RATE_NOTE
    ),
    security=OPTIONAL_AUTH,
    parameters=WIDGET_HEADERS,
    request_body=json_body(
        NewReaction, {"site": "daily-news", "article": "air-defence-drills-2026", "kind": "wow"}
    ),
    responses={
        "200": json_response(
            "The article's reaction counts and the caller's reaction.",
            ReactionState,
            {"reactions": {**dict.fromkeys(REACTION_KINDS, 0), "wow": 4}, "mine": "wow"},
        )
    },
    errors=(
        *BODY_ERRORS,
        "invalid_site",
        "invalid_article",
        (400, "invalid_kind", f"`kind` is not {words(REACTION_KINDS)}"),
        *READER_CREDENTIALS,
        UNIDENTIFIED,
        "unknown_site",
        "unknown_article",
        "rate_limited",
    ),
)

VOTE_ON_COMMENT = comment_operation(
    "post",
    "/api/v1/comments/{comment_id}/votes",
    "vote_on_comment",
    "Vote a comment up or down, or take the vote back",
    description=(
        "One vote per reader per comment: a new value replaces the old one, 0 removes "
        "it. The comment's score changes in the same transaction. Only approved comments "
        "can be voted on, and not by their author." + RATE_NOTE
    ),
    request_body=json_body(NewVote, {"value": 1}),
    responses={
        "200": json_response(
            "The comment's score and the caller's vote.", VoteState, {"score": 4, "mine": 1}
        )
    },
    errors=(
        *BODY_ERRORS,
        (400, "invalid_vote", f"`value` is not {words(VOTE_VALUES)}"),
        *READER_CREDENTIALS,
        (403, "own_comment", "the caller wrote this comment"),
        UNIDENTIFIED,
        UNKNOWN_COMMENT,
        "rate_limited",
    ),
)

CREATE_REPORT = comment_operation(
    "post",
    "/api/v1/comments/{comment_id}/reports",
    "create_report",
    "Report a comment to the moderators",
    description=(
        "One report per reader per comment: the first is 201, a repeat is 200 with the "
        "first report and changes nothing. Approved and pending comments can be "
        "reported. When the number of distinct readers reporting a comment reaches the "
        f"site's `report_threshold` setting (default {SETTINGS['report_threshold'].default}), "
        "an approved comment is hidden "
        "pending review (reason `reports`)." + RATE_NOTE
    ),
    request_body=json_body(NewReport, {"reason": "abuse", "note": "Insults another reader."}),
    responses={
        "201": json_response(
            "The report was recorded.",
            ReportReceipt,
            {"id": 7, "comment_id": 42, "reason": "abuse", "status": "recorded"},
        ),
        "200": json_response(
            "The caller had already reported this comment; nothing changed.", ReportReceipt
        ),
    },
    errors=(
        *BODY_ERRORS,
        (400, "invalid_reason", f"`reason` is not {words(REPORT_REASONS)}"),
        (400, "invalid_note", f"`note` is not a string of at most {REPORT_NOTE_MAX} characters"),
        *READER_CREDENTIALS,
        UNIDENTIFIED,
        UNKNOWN_COMMENT,
        "rate_limited",
    ),
)

PATHS = paths(CREATE_REACTION, VOTE_ON_COMMENT, CREATE_REPORT)
