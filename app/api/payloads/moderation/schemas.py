"""What the moderation endpoints share: their answers' shapes, parameters, errors and rules.

Every moderation operation is for moderators (bearer token or signed-in session), answers 200
with JSON, and lists the authentication errors; a state-changing one also takes a JSON body
and the CSRF header (``operation`` below).
"""

from __future__ import annotations

from typing import Any

from app.api.payloads.declare import (
    Operation,
    array,
    boolean,
    choice,
    count,
    in_range,
    integer,
    obj,
    page_size,
    string,
    timestamp,
    whole_number_error,
)
from app.api.spec.common import CSRF_HEADER, REQUIRED_AUTH, SITE_SLUG, Schema, query, ref
from app.limits import (
    EXCERPT_CHARS,
    GUIDELINES_MAX,
    MODERATION_REASON_MAX,
    QUEUE_PAGE_MAX,
    REASON_MAX,
    SETTING_RANGES,
    SETTING_URL_MAX,
    WORD_MAX,
)
from app.models import CommentStatus, ReportReason
from app.services.moderation.items import AUTHOR_KINDS
from app.services.permissions import BADGES
from app.services.site_settings import SETTINGS
from app.services.toxicity_settings import RECOMMENDED

TAGS = [
    {
        "name": "moderation",
        "description": (
            "For moderators and admins (bearer token, or a signed-in session plus CSRF token): "
            "queues, actions on comments and authors, search, the audit log, articles and site "
            "settings. A reader, or a moderator of another site, gets 403 `forbidden`; a caller "
            "without credentials 401 `unauthorized`."
        ),
    }
]

NULLABLE_STRING = string(nullable=True)
STATUSES = tuple(status.value for status in CommentStatus)
UNAUTHORIZED = (401, "unauthorized", "no bearer token and no signed-in session")
AUTH_ERRORS = ("invalid_token", UNAUTHORIZED, "forbidden")
BODY_ERRORS = ("invalid_json", "payload_too_large", "unsupported_media_type", "csrf_failed")
UNKNOWN_COMMENT = (404, "unknown_comment", "no comment has this id")
UNKNOWN_USER = (404, "unknown_user", "no account has this id")
OWN_ACCOUNT = (400, "invalid_author", "the account is the caller's own")
INVALID_CURSOR = (400, "invalid_cursor", "`cursor` was not made by this endpoint")
INVALID_LIMIT = (400, "invalid_limit", whole_number_error("limit", 1, QUEUE_PAGE_MAX))
INVALID_REASON = (
    400,
    "invalid_reason",
    f"`reason` is not text of at most {MODERATION_REASON_MAX} characters",
)
SITE_PARAM = query(
    "site",
    "A site's slug; without it, every site the caller moderates.",
    {**SITE_SLUG, "minLength": 0, "pattern": f"^$|{SITE_SLUG['pattern']}"},
)
CURSOR_PARAM = query("cursor", "`next_cursor` of the previous page, unchanged.", string())
LIMIT_PARAM = query("limit", "Items per page.", page_size(QUEUE_PAGE_MAX))
SLUG_PARAM = {
    "name": "slug",
    "in": "path",
    "required": True,
    "description": "The site's slug.",
    "schema": string(),
}


def operation(
    method: str,
    path: str,
    operation_id: str,
    summary: str,
    description: str,
    ok: Schema,
    error_codes: tuple[Any, ...],
    parameters: list[Schema] | None = None,
    body: Schema | None = None,
) -> Operation:
    """One moderation operation: moderators only, JSON answer ``ok``, errors as listed."""
    state_changing = body is not None
    return Operation(
        method,
        f"/api/v1/moderation{path}",
        operation_id,
        summary,
        tags=("moderation",),
        description=description,
        security=REQUIRED_AUTH,
        parameters=[*(parameters or []), *([CSRF_HEADER] if state_changing else [])],
        request_body=body,
        responses={"200": ok},
        errors=(*AUTH_ERRORS, *(BODY_ERRORS if state_changing else ()), *error_codes),
    )


AUTHOR_HISTORY = {
    **obj(
        {
            **{name: count() for name in ("comments", "approved", "pending", "rejected", "spam")},
            "first_seen": timestamp(nullable=True),
            "account_age_days": integer(0, nullable=True),
        },
        required=["comments", "approved", "pending", "rejected", "spam", "first_seen"],
        description=(
            "The author's comments on every site by status; null for a guest who has no "
            "browser id. `first_seen` is the account's creation, or a guest's first comment."
        ),
    ),
    "type": ["object", "null"],
}

QUEUE_AUTHOR = obj(
    {
        "name": string(),
        "avatar_url": string(format="uri"),
        "badge": choice([*BADGES.values(), None]),
        "user_id": integer(nullable=True),
        "guest": boolean(),
        "kind": choice(
            AUTHOR_KINDS,
            description="a guest, a Parley account, or a publisher's SSO reader",
        ),
        "trusted": boolean(),
        "history": ref("AuthorHistory"),
    },
    required=["name", "avatar_url", "badge", "user_id", "guest", "trusted", "history"],
)

MODERATION_COMMENT = obj(
    {
        "id": integer(),
        "site": string(),
        "article": obj(
            {"key": string(), "title": NULLABLE_STRING, "url": NULLABLE_STRING},
            required=["key", "title", "url"],
        ),
        "parent": {
            **obj(
                {
                    "id": integer(),
                    "author_name": string(),
                    "excerpt": string(EXCERPT_CHARS),
                    "status": string(),
                },
                required=["id", "author_name", "excerpt", "status"],
                description="The comment this one answers: its author and a text excerpt.",
            ),
            "type": ["object", "null"],
        },
        "author": QUEUE_AUTHOR,
        "html": string(),
        "status": choice(STATUSES),
        "featured": boolean(),
        "reasons": array(
            string(),
            description=(
                "The rules that held it and readers' reports: `premod`, `banned_word:W`, "
                "`suspect_word:W`, `links:N`, `new_author`, `duplicate`, `caps`, "
                "`non_letters`, `toxic:S` (toxicity score S at or above the site's "
                "`toxicity_hold`), `reports` (see docs/moderation.md)."
            ),
        ),
        "report_count": count(),
        "report_reasons": {
            "type": "object",
            "description": "Reports by reason ("
            + ", ".join(f"`{reason.value}`" for reason in ReportReason)
            + ").",
            "additionalProperties": integer(),
        },
        "toxicity": {
            "type": ["number", "null"],
            "minimum": 0,
            "maximum": 1,
            "description": (
                "The comment's toxicity score from 0 to 1 when it was posted or last "
                "edited; null when it was not scored (another language than the model "
                "knows, a scorer that did not answer, or posted before scoring existed)."
            ),
        },
        "created_at": timestamp(),
        "edited_at": timestamp(nullable=True),
    },
    required=[
        "id",
        "site",
        "article",
        "parent",
        "author",
        "html",
        "status",
        "featured",
        "reasons",
        "report_count",
        "report_reasons",
        "toxicity",
        "created_at",
        "edited_at",
    ],
    description=(
        "A comment as moderators see it: why it is held (`reasons`), its context, its "
        "author's history, and its HTML exactly as readers would see it. Never an email or "
        "IP address."
    ),
)

BAN = obj(
    {
        "id": integer(),
        "site": string(nullable=True, description="The site's slug; null for every site."),
        "reason": NULLABLE_STRING,
        "created_at": timestamp(),
        "expires_at": timestamp(nullable=True, description="End of a suspension; null for a ban."),
    },
    required=["id", "site", "reason", "created_at", "expires_at"],
)

AUTHOR_STATUS = obj(
    {
        "name": string(),
        "user_id": integer(nullable=True),
        "guest": boolean(),
        "trusted": boolean(),
        "banned": boolean("An active ban or suspension exists."),
        "bans": array(BAN),
        "history": ref("AuthorHistory"),
    },
    required=["name", "user_id", "guest", "trusted", "banned", "bans", "history"],
)

MODERATION_ARTICLE = obj(
    {
        "key": string(),
        "title": NULLABLE_STRING,
        "url": NULLABLE_STRING,
        "comment_count": count(),
        "pending_count": count(),
        "reported_count": count(),
        "closed": boolean("Closed by a moderator."),
        "comments_closed": boolean("Closed by a moderator or by the site's `close_after_days`."),
        "premod": {
            "type": ["boolean", "null"],
            "description": "Pre-moderation of this article; null follows the site.",
        },
        "created_at": timestamp(),
    },
    required=["key", "title", "url", "closed", "premod", "comment_count"],
)

THRESHOLD = {"oneOf": [{"type": "number", "minimum": 0, "maximum": 1}, {"const": "off"}]}


def setting_choice(name: str) -> Schema:
    """A one-of-several site setting: the words its own validation accepts."""
    return choice(SETTINGS[name].choices or ())


SITE_SETTINGS = {
    **obj(
        {
            "banned_words": array(string(WORD_MAX)),
            "banned_words_action": setting_choice("banned_words_action"),
            "suspect_words": array(string(WORD_MAX)),
            "max_links": in_range(SETTING_RANGES["max_links"], nullable=True),
            "new_author_comments": in_range(SETTING_RANGES["new_author_comments"]),
            "duplicate_window_minutes": in_range(SETTING_RANGES["duplicate_window_minutes"]),
            "hold_shouting": boolean(),
            "rate_limit_posts": in_range(SETTING_RANGES["rate_limit_posts"]),
            "rate_limit_seconds": in_range(SETTING_RANGES["rate_limit_seconds"]),
            "report_threshold": in_range(SETTING_RANGES["report_threshold"]),
            "reject_reasons": array(string(REASON_MAX)),
            "toxicity_hold": {
                "description": (
                    "Hold comments scoring at or above this (0 to 1) as pending, reason "
                    "`toxic:S`; `off` (the default) turns it off. Recommended: "
                    f"{RECOMMENDED['toxicity_hold']}."
                ),
                **THRESHOLD,
            },
            "toxicity_nudge": {
                "description": (
                    "Answer 422 `toxicity_nudge` to posts and edits scoring at or above this "
                    'unless they carry `"confirm": true`; `off` (the default) turns it off. '
                    f"Recommended: {RECOMMENDED['toxicity_nudge']}."
                ),
                **THRESHOLD,
            },
            "toxicity_scorer_url": string(
                SETTING_URL_MAX,
                description=(
                    "A Perspective-compatible scoring server (http or https); empty: the "
                    "built-in English model."
                ),
            ),
            "guidelines_text": string(
                GUIDELINES_MAX,
                description="Community guidelines shown to a writer the nudge stops.",
            ),
            "guidelines_url": string(
                SETTING_URL_MAX,
                description="A link to the full guidelines (http or https); empty: none.",
            ),
            "close_after_days": in_range(SETTING_RANGES["close_after_days"], nullable=True),
            "require_staff_totp": boolean(),
            "author_alerts": boolean(
                description="E-mail authors of held comments when they are approved."
            ),
            "deleted_account_comments": setting_choice("deleted_account_comments"),
            "premod": boolean(),
            "allow_guests": boolean(),
        },
        description="A site's moderation settings (docs/moderation.md explains each).",
    ),
    "additionalProperties": False,
}

SCHEMAS: dict[str, Schema] = {
    "AuthorHistory": AUTHOR_HISTORY,
    "ModerationComment": MODERATION_COMMENT,
    "ModerationPage": obj(
        {"comments": array(ref("ModerationComment")), "next_cursor": NULLABLE_STRING},
        required=["comments", "next_cursor"],
    ),
    "AuthorStatus": AUTHOR_STATUS,
    "ModerationArticle": MODERATION_ARTICLE,
    "SiteSettings": SITE_SETTINGS,
}
