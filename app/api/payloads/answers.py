"""What the reader-facing endpoints answer besides threads, declared once.

The views of ``app/api/`` (reactions, votes, reports, editing, the account) type their answers
with these classes, and the parts of this package point their operations at them; nothing here
generates schemas, so importing it costs the app nothing. The thread answers are
``app/web/answers.py``'s, the moderation ones ``moderation/answers.py``'s.
"""

from typing import Annotated, Literal

from pydantic import Field
from typing_extensions import TypedDict

from app.limits import AUTHOR_NAME_MAX, BADGE_MAX
from app.models import CommentStatus, ReportReason
from app.services.moderation.items import AUTHOR_KINDS
from app.services.votes import VOTE_VALUES
from app.web.answers import Reaction, ReactionCounts
from app.web.fields import Count, Url, component, one_of

ACCOUNT_KINDS = tuple(kind for kind in AUTHOR_KINDS if kind != "guest")


@component
class ReactionState(TypedDict):
    reactions: ReactionCounts
    mine: Annotated[
        Reaction,
        Field(description="The caller's reaction after this request; null when removed."),
    ]


@component
class VoteState(TypedDict):
    score: Annotated[int, Field(description="The comment's score after the vote.")]
    mine: Annotated[
        one_of(sorted(VOTE_VALUES)), Field(description="The caller's vote after this request.")
    ]


@component
class ReportReceipt(TypedDict):
    id: Annotated[int, Field(description="The report's id.")]
    comment_id: int
    reason: Annotated[
        one_of(ReportReason), Field(description="The reason of the caller's (first) report.")
    ]
    status: Literal["recorded"]


class CommentSource(TypedDict):
    id: int
    source: str


class DeletedComment(TypedDict):
    id: int
    status: Literal[CommentStatus.DELETED.value]


# The reader's own account, as ``app.api.account.account_json`` serializes it.
class Account(TypedDict):
    id: int
    name: Annotated[str, Field(max_length=AUTHOR_NAME_MAX)]
    kind: one_of(ACCOUNT_KINDS)
    email: Annotated[str | None, Field(description="Only ever shown to its owner.")]
    email_verified: bool
    avatar_url: Url
    badge: Annotated[str | None, Field(max_length=BADGE_MAX)]
    reply_notifications: bool


class SsoSession(TypedDict):
    account: Account
    changed: bool


class VerificationSent(TypedDict):
    status: Literal["verification_sent"]


class SessionsEnded(TypedDict):
    sessions_ended: Count


class NewAvatar(TypedDict):
    avatar_url: Url
