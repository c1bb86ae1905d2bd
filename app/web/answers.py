"""What readers' API answers hold: a thread, its comments and the viewer, declared once.

``app/web/serializers.py`` returns these types and ``app/api/payloads/core.py`` names them in
the OpenAPI document; field types and the ``component`` mark are ``app/web/fields.py``'s.
A class's docstring is its description in the document.
"""

from typing import Annotated, Literal, NotRequired

from pydantic import Field
from typing_extensions import TypedDict

from app.limits import ARTICLE_KEY_MAX, BADGE_MAX
from app.models import CommentStatus, ReactionKind
from app.services.moderation.items import AUTHOR_KINDS
from app.services.votes import VOTE_VALUES
from app.web.fields import Count, Timestamp, Url, component, one_of

REACTION_KINDS = tuple(kind.value for kind in ReactionKind)
# What a reader may see of a comment's status (removed comments read as deleted placeholders).
SHOWN_STATUSES = (CommentStatus.APPROVED, CommentStatus.PENDING, CommentStatus.DELETED)

Reaction = one_of((*REACTION_KINDS, None))
ShownStatus = one_of(SHOWN_STATUSES)
Badge = Annotated[str | None, Field(max_length=BADGE_MAX)]
Cursor = str | None


@component
class Author(TypedDict):
    """Who wrote a comment, as readers see it. Never an email or IP address."""

    name: Annotated[str, Field(description="Display name; `[deleted]` on a placeholder.")]
    avatar_url: Annotated[
        Url,
        Field(
            description=(
                "Absolute URL of the author's avatar: an uploaded image, or a generated "
                "identicon (`/avatars/i/<token>.svg`, derived from the account id or the "
                "guest's name, never from an email address; cacheable for a year)."
            )
        ),
    ]
    badge: Annotated[
        Badge,
        Field(
            description=(
                "`moderator` for moderators, `staff` for admins, a publisher's SSO badge "
                "(e.g. `subscriber`) for its signed-in readers, else null."
            )
        ),
    ]


class CommentExtras(TypedDict, total=False):
    """Fields a comment carries only in some answers (part of ``Comment``)."""

    # On the caller's own comments.
    own: Annotated[
        Literal[True], Field(description="Present (true) only on the caller's own comments.")
    ]
    editable_until: Annotated[
        Timestamp | None,
        Field(
            description=(
                "Only on the caller's own comments: until when the author may edit or "
                "delete it (created_at + PARLEY_EDIT_WINDOW_SECONDS); null once that has "
                "passed."
            )
        ),
    ]
    # Top-level comments of a read with the ``replies`` cap.
    more_replies: Annotated[
        Count,
        Field(
            description=(
                "With the `replies` cap, on top-level comments: replies left out of this answer."
            )
        ),
    ]
    replies_cursor: Annotated[
        Cursor,
        Field(
            description=(
                "With the `replies` cap, on top-level comments: the cursor for "
                "`GET /api/v1/threads/replies`, or null when none were left out."
            )
        ),
    ]


@component
class Comment(CommentExtras):
    """A comment as a reader sees it, with its replies nested. A comment that was deleted,
    rejected or marked spam but has replies the reader can see stays in the tree as a
    placeholder: `status` `deleted`, author `[deleted]`, html `<p>[deleted]</p>`, score 0, not
    featured; without visible replies it is left out."""

    id: int
    parent_id: Annotated[
        int | None,
        Field(
            description=(
                "The comment this one is nested under; null for a top-level comment. A reply "
                "deeper than the nesting cap is attached to its deepest allowed ancestor."
            )
        ),
    ]
    author: Author
    html: Annotated[
        str, Field(description="Sanitized HTML rendered from the Markdown body: safe to insert.")
    ]
    created_at: Timestamp
    edited_at: Timestamp | None
    status: Annotated[
        ShownStatus,
        Field(
            description=(
                "`pending` only on the viewer's own comments awaiting moderation; "
                "`deleted` only on placeholders."
            )
        ),
    ]
    score: Annotated[int, Field(description="Up votes minus down votes.")]
    featured: Annotated[bool, Field(description="Featured by a moderator.")]
    replies: list["Comment"]


ReactionCounts = component(
    TypedDict(  # type: ignore[operator]
        "ReactionCounts",
        dict.fromkeys(REACTION_KINDS, Count),
        extra_items=Count,
    )
)
ReactionCounts.__doc__ = "Readers' reactions to the article, by kind (all kinds present)."


@component
class Article(TypedDict):
    key: Annotated[str, Field(max_length=ARTICLE_KEY_MAX)]
    title: str | None
    url: str | None
    comment_count: Annotated[
        Count, Field(description="Approved comments (placeholders and pending ones not counted).")
    ]
    closed: Annotated[
        bool,
        Field(
            description=(
                "True when a moderator closed comments on the article (posting may also be "
                "refused after the site's `close_after_days`, which this flag does not show)."
            )
        ),
    ]
    reactions: ReactionCounts


@component
class Viewer(TypedDict):
    """Added by `GET /api/v1/threads` as the top-level `viewer`: the current reader as the
    widget shows them, and what they chose on this thread. `reaction` and `votes` are empty
    for clients with no token and no session cookie (an IP address is shared, so Parley does
    not report one reader's choices to another)."""

    name: Annotated[str | None, Field(description="Null for guests.")]
    avatar_url: Url
    badge: Badge
    signed_in: bool
    kind: NotRequired[
        Annotated[
            one_of(AUTHOR_KINDS),
            Field(description="A guest, a Parley account, or a publisher's single sign-on reader."),
        ]
    ]
    reaction: Reaction
    votes: Annotated[
        dict[str, one_of(sorted(value for value in VOTE_VALUES if value))],
        Field(description="The caller's votes on this page's comments, by comment id."),
    ]


@component
class Thread(TypedDict):
    article: Article
    comments: Annotated[
        list[Comment],
        Field(description="Top-level comments of this page, each with all its replies."),
    ]
    next_cursor: Annotated[
        Cursor, Field(description="Pass as `cursor` for the next page; null on the last page.")
    ]
    viewer: NotRequired[Viewer]


@component
class ReplyPage(TypedDict):
    """Replies after a cursor, oldest first. Each comment's `parent_id` is a comment of an
    earlier page (or of the thread read) or of this one: attach it there. Its own replies on
    this page are nested under it."""

    comments: list[Comment]
    more_replies: Annotated[
        Count, Field(description="Replies still to come under this top-level comment.")
    ]
    next_cursor: Annotated[Cursor, Field(description="Null on the last page.")]
    viewer: NotRequired[Viewer]
