"""Payload pieces every area shares: the error answer, and the identifiers requests carry.

Declared like every payload (``app/web/fields.py``): limits from ``app/limits.py``, the slug's
pattern from ``app.services.sites``, so the document states what the validation does.
"""

from typing import Annotated

from pydantic import Field
from typing_extensions import TypedDict

from app.limits import ARTICLE_KEY_MAX, PAGE_SIZE, RECORD_ID_MAX, SITE_SLUG_MAX
from app.services.sites import SLUG_RE
from app.web.fields import Url, component

SiteSlug = Annotated[
    str,
    Field(
        min_length=1,
        max_length=SITE_SLUG_MAX,
        pattern=SLUG_RE.pattern,
        description="The site's slug.",
    ),
]
# A moderation filter: a slug, or empty for every site the caller moderates.
SiteSlugOrEmpty = Annotated[
    str,
    Field(
        min_length=0,
        max_length=SITE_SLUG_MAX,
        pattern=f"^$|{SLUG_RE.pattern}",
        description="The site's slug.",
    ),
]
ArticleKey = Annotated[
    str,
    Field(
        min_length=1,
        max_length=ARTICLE_KEY_MAX,
        pattern="\\S",
        description="The article's key (a CMS id or canonical URL), trimmed.",
    ),
]
RecordId = Annotated[int, Field(ge=1, le=RECORD_ID_MAX)]


def page_size(maximum: int) -> object:
    """The ``limit`` of a paged list: 1 to ``maximum`` items, ``PAGE_SIZE`` by default."""
    return Annotated[int, Field(ge=1, le=maximum, default=PAGE_SIZE)]


# Posting and editing: the toxicity nudge (docs/moderation.md).
Confirm = Annotated[
    bool,
    Field(
        description=(
            "`true` posts the comment even though it scores at or above the site's "
            "`toxicity_nudge` threshold (the writer saw the guidelines and chose to post "
            "anyway; recorded in the audit log)."
        )
    ),
]


class NudgeGuidelines(TypedDict):
    text: Annotated[str, Field(description="The site's community guidelines.")]
    url: Annotated[Url | None, Field(description="A link to the full guidelines, or null.")]


class ErrorDetail(TypedDict):
    code: Annotated[str, Field(pattern="^[a-z][a-z0-9_]*$")]
    message: str


@component
class Error(TypedDict):
    """Every error, under `/api/v1` and for every status. `code` is stable and meant for
    programs; `message` is a sentence for people that says what to fix."""

    error: ErrorDetail


# A reader's write: errors of its credentials (any kind, each checked) and of an SSO reader
# acting on a site other than their own.
READER_CREDENTIALS = (
    "invalid_token",
    "invalid_sso_token",
    "sso_token_expired",
    "csrf_failed",
    (403, "forbidden", "an SSO reader acts on a site other than their own"),
)
