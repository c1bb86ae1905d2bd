"""What the moderation API answers and takes, declared once (``app/web/fields.py``).

``app/api/moderation.py``'s serializers return these types; the parts ``comments``,
``people`` and ``sites`` point their operations at them. A class's docstring is its
description in the document.
"""

from typing import Annotated, Any, NotRequired

from pydantic import ConfigDict, Field, with_config
from typing_extensions import TypedDict

from app.api.payloads.shared import ArticleKey, RecordId, SiteSlug
from app.limits import (
    BULK_MAX,
    EXCERPT_CHARS,
    GUIDELINES_MAX,
    MODERATION_REASON_MAX,
    REASON_MAX,
    SETTING_RANGES,
    SETTING_URL_MAX,
    SUSPEND_DAYS_MAX,
    WORD_MAX,
)
from app.models import CommentStatus, ReportReason
from app.services.authors import AUTHOR_ACTIONS
from app.services.moderation.actions import ACTIONS
from app.services.moderation.items import AUTHOR_KINDS
from app.services.moderation.queues import COUNTED_QUEUES
from app.services.permissions import BADGES
from app.services.site_settings import SETTINGS
from app.services.toxicity_settings import RECOMMENDED
from app.web.fields import Count, Timestamp, Url, component, one_of

STATUSES = tuple(status.value for status in CommentStatus)
# The API's names for a ban's scope -> the service's (app.services.authors.BAN_SCOPES).
BAN_SCOPES = {"site": "site", "global": "everywhere"}
SCOPES = tuple(BAN_SCOPES)

Reason = Annotated[str, Field(max_length=MODERATION_REASON_MAX)]


@component
class AuthorHistory(TypedDict):
    """The author's comments on every site by status; null for a guest who has no browser id.
    `first_seen` is the account's creation, or a guest's first comment."""

    comments: Count
    approved: Count
    pending: Count
    rejected: Count
    spam: Count
    first_seen: Timestamp | None
    account_age_days: NotRequired[Annotated[int | None, Field(ge=0)]]


class QueueAuthor(TypedDict):
    name: str
    avatar_url: Url
    badge: one_of((*BADGES.values(), None))
    user_id: int | None
    guest: bool
    kind: NotRequired[
        Annotated[
            one_of(AUTHOR_KINDS),
            Field(description="a guest, a Parley account, or a publisher's SSO reader"),
        ]
    ]
    trusted: bool
    history: AuthorHistory | None


class QueueArticle(TypedDict):
    key: str
    title: str | None
    url: str | None


class ParentExcerpt(TypedDict):
    """The comment this one answers: its author and a text excerpt."""

    id: int
    author_name: str
    excerpt: Annotated[str, Field(max_length=EXCERPT_CHARS)]
    status: str


@component
class ModerationComment(TypedDict):
    """A comment as moderators see it: why it is held (`reasons`), its context, its author's
    history, and its HTML exactly as readers would see it. Never an email or IP address."""

    id: int
    site: str
    article: QueueArticle
    parent: ParentExcerpt | None
    author: QueueAuthor
    html: str
    status: one_of(STATUSES)
    featured: bool
    reasons: Annotated[
        list[str],
        Field(
            description=(
                "The rules that held it and readers' reports: `premod`, `banned_word:W`, "
                "`suspect_word:W`, `links:N`, `new_author`, `duplicate`, `caps`, "
                "`non_letters`, `toxic:S` (toxicity score S at or above the site's "
                "`toxicity_hold`), `reports` (see docs/moderation.md)."
            )
        ),
    ]
    report_count: Count
    report_reasons: Annotated[
        dict[str, int],
        Field(
            description="Reports by reason ("
            + ", ".join(f"`{reason.value}`" for reason in ReportReason)
            + ")."
        ),
    ]
    toxicity: Annotated[
        float | None,
        Field(
            ge=0,
            le=1,
            description=(
                "The comment's toxicity score from 0 to 1 when it was posted or last "
                "edited; null when it was not scored (another language than the model "
                "knows, a scorer that did not answer, or posted before scoring existed)."
            ),
        ),
    ]
    created_at: Timestamp
    edited_at: Timestamp | None


@component
class ModerationPage(TypedDict):
    comments: list[ModerationComment]
    next_cursor: str | None


# How many comments wait in each counted queue (every one present).
QueueCountsByQueue = TypedDict(  # noqa: UP013 - its keys are a vocabulary, not names written here
    "QueueCountsByQueue", dict.fromkeys(COUNTED_QUEUES, int), extra_items=int
)


class QueueCounts(TypedDict):
    counts: QueueCountsByQueue


class BulkItem(TypedDict):
    id: int
    status: str
    featured: bool


class BulkResult(TypedDict):
    comments: list[BulkItem]


class CommentAction(TypedDict):
    action: one_of(ACTIONS)
    reason: NotRequired[
        Annotated[Reason, Field(description="One of the site's `reject_reasons`, or free text.")]
    ]


class BulkAction(TypedDict):
    ids: Annotated[list[RecordId], Field(min_length=1, max_length=BULK_MAX)]
    action: one_of(ACTIONS)
    reason: NotRequired[Reason]


class Ban(TypedDict):
    id: int
    site: Annotated[str | None, Field(description="The site's slug; null for every site.")]
    reason: str | None
    created_at: Timestamp
    expires_at: Annotated[
        Timestamp | None, Field(description="End of a suspension; null for a ban.")
    ]


@component
class AuthorStatus(TypedDict):
    name: str
    user_id: int | None
    guest: bool
    trusted: bool
    banned: Annotated[bool, Field(description="An active ban or suspension exists.")]
    bans: list[Ban]
    history: AuthorHistory | None


class AuthorAction(TypedDict):
    action: one_of(AUTHOR_ACTIONS)
    scope: NotRequired[
        Annotated[
            one_of(SCOPES),
            Field(
                default=SCOPES[0],
                description="Ban or suspend on one site, or (admins only) on every site.",
            ),
        ]
    ]
    site: NotRequired[Annotated[str, Field(description="The site, for an action by user id.")]]
    days: NotRequired[Annotated[int, Field(ge=1, le=SUSPEND_DAYS_MAX)]]
    reason: NotRequired[Reason]


class AuditEntry(TypedDict):
    id: int
    created_at: Timestamp
    action: str
    actor: dict[str, Any] | None
    site: str | None
    comment_id: NotRequired[int | None]
    target_user: NotRequired[dict[str, Any] | None]
    reason: NotRequired[str | None]
    before_status: NotRequired[str | None]
    after_status: NotRequired[str | None]


class AuditPage(TypedDict):
    entries: list[AuditEntry]
    next_cursor: str | None


@component
class ModerationArticle(TypedDict):
    key: str
    title: str | None
    url: str | None
    comment_count: Count
    pending_count: Count
    reported_count: Count
    closed: Annotated[bool, Field(description="Closed by a moderator.")]
    comments_closed: Annotated[
        bool, Field(description="Closed by a moderator or by the site's `close_after_days`.")
    ]
    premod: Annotated[
        bool | None, Field(description="Pre-moderation of this article; null follows the site.")
    ]
    created_at: Timestamp


class ArticlePage(TypedDict):
    articles: list[ModerationArticle]
    next_cursor: str | None


class ArticleChange(TypedDict):
    site: SiteSlug
    article: ArticleKey
    closed: NotRequired[bool]
    premod: NotRequired[bool | None]


def in_range(name: str) -> Any:
    """A whole-number setting within its ``SETTING_RANGES`` bounds."""
    low, high = SETTING_RANGES[name]
    return Annotated[int, Field(ge=low, le=high)]


def threshold(description: str) -> Any:
    """A toxicity threshold: a score from 0 to 1, or ``off``."""
    return Annotated[
        Annotated[float, Field(ge=0, le=1)] | one_of(("off",)), Field(description=description)
    ]


@component
@with_config(ConfigDict(extra="forbid"))
class SiteSettings(TypedDict, total=False):
    """A site's moderation settings (docs/moderation.md explains each)."""

    banned_words: list[Annotated[str, Field(max_length=WORD_MAX)]]
    banned_words_action: one_of(SETTINGS["banned_words_action"].choices or ())
    suspect_words: list[Annotated[str, Field(max_length=WORD_MAX)]]
    max_links: in_range("max_links") | None
    new_author_comments: in_range("new_author_comments")
    duplicate_window_minutes: in_range("duplicate_window_minutes")
    hold_shouting: bool
    rate_limit_posts: in_range("rate_limit_posts")
    rate_limit_seconds: in_range("rate_limit_seconds")
    report_threshold: in_range("report_threshold")
    reject_reasons: list[Annotated[str, Field(max_length=REASON_MAX)]]
    toxicity_hold: threshold(
        "Hold comments scoring at or above this (0 to 1) as pending, reason `toxic:S`; `off` "
        f"(the default) turns it off. Recommended: {RECOMMENDED['toxicity_hold']}."
    )
    toxicity_nudge: threshold(
        "Answer 422 `toxicity_nudge` to posts and edits scoring at or above this unless they "
        'carry `"confirm": true`; `off` (the default) turns it off. Recommended: '
        f"{RECOMMENDED['toxicity_nudge']}."
    )
    toxicity_scorer_url: Annotated[
        str,
        Field(
            max_length=SETTING_URL_MAX,
            description=(
                "A Perspective-compatible scoring server (http or https); empty: the built-in "
                "English model."
            ),
        ),
    ]
    guidelines_text: Annotated[
        str,
        Field(
            max_length=GUIDELINES_MAX,
            description="Community guidelines shown to a writer the nudge stops.",
        ),
    ]
    guidelines_url: Annotated[
        str,
        Field(
            max_length=SETTING_URL_MAX,
            description="A link to the full guidelines (http or https); empty: none.",
        ),
    ]
    close_after_days: in_range("close_after_days") | None
    require_staff_totp: bool
    author_alerts: Annotated[
        bool, Field(description="E-mail authors of held comments when they are approved.")
    ]
    deleted_account_comments: one_of(SETTINGS["deleted_account_comments"].choices or ())
    premod: bool
    allow_guests: bool


class SettingsAnswer(TypedDict):
    settings: SiteSettings


# Only the settings given change (a word list may also be one string, a word per line).
SettingsChange = Annotated[dict[str, Any], Field(min_length=1)]
