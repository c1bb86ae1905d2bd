"""The moderation API: ``/api/v1/moderation/...`` (app/api/moderation.py).

The wording follows the "Moderation endpoints" section of ``docs/api.md``; the error lists
follow the view module and app.services.{moderation,authors,articles,site_settings}
(tests/test_api_moderation.py checks answers against this document).
"""

from __future__ import annotations

from typing import Any

from app.api.spec.common import (
    ARTICLE_KEY,
    CSRF_HEADER,
    RECORD_ID,
    REQUIRED_AUTH,
    SITE_SLUG,
    Schema,
    errors,
    json_body,
    json_response,
    path_id,
    query,
    ref,
)
from app.limits import (
    BULK_MAX,
    EXCERPT_CHARS,
    GUIDELINES_MAX,
    MODERATION_REASON_MAX,
    PAGE_SIZE,
    QUEUE_PAGE_MAX,
    REASON_MAX,
    SETTING_RANGES,
    SETTING_URL_MAX,
    SUSPEND_DAYS_MAX,
    WORD_MAX,
)

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

NULLABLE_STRING = {"type": ["string", "null"]}
NULLABLE_TIME = {"type": ["string", "null"], "format": "date-time"}
TIME = {"type": "string", "format": "date-time"}
UNAUTHORIZED = (401, "unauthorized", "no bearer token and no signed-in session")
AUTH_ERRORS = ("invalid_token", UNAUTHORIZED, "forbidden")
BODY_ERRORS = ("invalid_json", "payload_too_large", "unsupported_media_type", "csrf_failed")
UNKNOWN_COMMENT = (404, "unknown_comment", "no comment has this id")
UNKNOWN_USER = (404, "unknown_user", "no account has this id")
OWN_ACCOUNT = (400, "invalid_author", "the account is the caller's own")
INVALID_CURSOR = (400, "invalid_cursor", "`cursor` was not made by this endpoint")
INVALID_LIMIT = (400, "invalid_limit", "`limit` is not a whole number from 1 to 100")
INVALID_REASON = (400, "invalid_reason", "`reason` is not text of at most 500 characters")
SITE_PARAM = query(
    "site",
    "A site's slug; without it, every site the caller moderates.",
    {**SITE_SLUG, "minLength": 0, "pattern": f"^$|{SITE_SLUG['pattern']}"},
)
CURSOR_PARAM = query("cursor", "`next_cursor` of the previous page, unchanged.", {"type": "string"})
LIMIT_PARAM = query(
    "limit",
    "Items per page.",
    {"type": "integer", "minimum": 1, "maximum": QUEUE_PAGE_MAX, "default": PAGE_SIZE},
)
SLUG_PARAM = {
    "name": "slug",
    "in": "path",
    "required": True,
    "description": "The site's slug.",
    "schema": {"type": "string"},
}
COMMENT_ACTIONS = ["approve", "reject", "spam", "restore", "feature", "unfeature"]


def history_schema() -> Schema:
    count = {"type": "integer", "minimum": 0}
    return {
        "type": ["object", "null"],
        "description": (
            "The author's comments on every site by status; null for a guest who has no "
            "browser id. `first_seen` is the account's creation, or a guest's first comment."
        ),
        "required": ["comments", "approved", "pending", "rejected", "spam", "first_seen"],
        "properties": {
            "comments": count,
            "approved": count,
            "pending": count,
            "rejected": count,
            "spam": count,
            "first_seen": NULLABLE_TIME,
            "account_age_days": {"type": ["integer", "null"], "minimum": 0},
        },
    }


def setting_range(name: str) -> dict[str, int]:
    """The ``minimum`` and ``maximum`` of a numeric site setting."""
    low, high = SETTING_RANGES[name]
    return {"minimum": low, "maximum": high}


SCHEMAS: dict[str, Schema] = {
    "AuthorHistory": history_schema(),
    "ModerationComment": {
        "type": "object",
        "description": (
            "A comment as moderators see it: why it is held (`reasons`), its context, its "
            "author's history, and its HTML exactly as readers would see it. Never an email or "
            "IP address."
        ),
        "required": [
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
        "properties": {
            "id": {"type": "integer"},
            "site": {"type": "string"},
            "article": {
                "type": "object",
                "required": ["key", "title", "url"],
                "properties": {
                    "key": {"type": "string"},
                    "title": NULLABLE_STRING,
                    "url": NULLABLE_STRING,
                },
            },
            "parent": {
                "type": ["object", "null"],
                "description": "The comment this one answers: its author and a text excerpt.",
                "required": ["id", "author_name", "excerpt", "status"],
                "properties": {
                    "id": {"type": "integer"},
                    "author_name": {"type": "string"},
                    "excerpt": {"type": "string", "maxLength": EXCERPT_CHARS},
                    "status": {"type": "string"},
                },
            },
            "author": {
                "type": "object",
                "required": [
                    "name",
                    "avatar_url",
                    "badge",
                    "user_id",
                    "guest",
                    "trusted",
                    "history",
                ],
                "properties": {
                    "name": {"type": "string"},
                    "avatar_url": {"type": "string", "format": "uri"},
                    "badge": {"enum": ["moderator", "staff", None]},
                    "user_id": {"type": ["integer", "null"]},
                    "guest": {"type": "boolean"},
                    "kind": {
                        "enum": ["guest", "account", "sso"],
                        "description": "a guest, a Parley account, or a publisher's SSO reader",
                    },
                    "trusted": {"type": "boolean"},
                    "history": ref("AuthorHistory"),
                },
            },
            "html": {"type": "string"},
            "status": {"enum": ["pending", "approved", "rejected", "spam", "deleted"]},
            "featured": {"type": "boolean"},
            "reasons": {
                "type": "array",
                "items": {"type": "string"},
                "description": (
                    "The rules that held it and readers' reports: `premod`, `banned_word:W`, "
                    "`suspect_word:W`, `links:N`, `new_author`, `duplicate`, `caps`, "
                    "`non_letters`, `toxic:S` (toxicity score S at or above the site's "
                    "`toxicity_hold`), `reports` (see docs/moderation.md)."
                ),
            },
            "report_count": {"type": "integer", "minimum": 0},
            "report_reasons": {
                "type": "object",
                "description": "Reports by reason (`spam`, `abuse`, `off_topic`, `other`).",
                "additionalProperties": {"type": "integer"},
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
            "created_at": TIME,
            "edited_at": NULLABLE_TIME,
        },
    },
    "ModerationPage": {
        "type": "object",
        "required": ["comments", "next_cursor"],
        "properties": {
            "comments": {"type": "array", "items": ref("ModerationComment")},
            "next_cursor": NULLABLE_STRING,
        },
    },
    "AuthorStatus": {
        "type": "object",
        "required": ["name", "user_id", "guest", "trusted", "banned", "bans", "history"],
        "properties": {
            "name": {"type": "string"},
            "user_id": {"type": ["integer", "null"]},
            "guest": {"type": "boolean"},
            "trusted": {"type": "boolean"},
            "banned": {"type": "boolean", "description": "An active ban or suspension exists."},
            "bans": {
                "type": "array",
                "items": {
                    "type": "object",
                    "required": ["id", "site", "reason", "created_at", "expires_at"],
                    "properties": {
                        "id": {"type": "integer"},
                        "site": {
                            "type": ["string", "null"],
                            "description": "The site's slug; null for every site.",
                        },
                        "reason": NULLABLE_STRING,
                        "created_at": TIME,
                        "expires_at": {
                            "type": ["string", "null"],
                            "format": "date-time",
                            "description": "End of a suspension; null for a ban.",
                        },
                    },
                },
            },
            "history": ref("AuthorHistory"),
        },
    },
    "ModerationArticle": {
        "type": "object",
        "required": ["key", "title", "url", "closed", "premod", "comment_count"],
        "properties": {
            "key": {"type": "string"},
            "title": NULLABLE_STRING,
            "url": NULLABLE_STRING,
            "comment_count": {"type": "integer", "minimum": 0},
            "pending_count": {"type": "integer", "minimum": 0},
            "reported_count": {"type": "integer", "minimum": 0},
            "closed": {"type": "boolean", "description": "Closed by a moderator."},
            "comments_closed": {
                "type": "boolean",
                "description": "Closed by a moderator or by the site's `close_after_days`.",
            },
            "premod": {
                "type": ["boolean", "null"],
                "description": "Pre-moderation of this article; null follows the site.",
            },
            "created_at": TIME,
        },
    },
    "SiteSettings": {
        "type": "object",
        "description": "A site's moderation settings (docs/moderation.md explains each).",
        "properties": {
            "banned_words": {"type": "array", "items": {"type": "string", "maxLength": WORD_MAX}},
            "banned_words_action": {"enum": ["reject", "spam"]},
            "suspect_words": {"type": "array", "items": {"type": "string", "maxLength": WORD_MAX}},
            "max_links": {"type": ["integer", "null"], **setting_range("max_links")},
            "new_author_comments": {"type": "integer", **setting_range("new_author_comments")},
            "duplicate_window_minutes": {
                "type": "integer",
                **setting_range("duplicate_window_minutes"),
            },
            "hold_shouting": {"type": "boolean"},
            "rate_limit_posts": {"type": "integer", **setting_range("rate_limit_posts")},
            "rate_limit_seconds": {"type": "integer", **setting_range("rate_limit_seconds")},
            "report_threshold": {"type": "integer", **setting_range("report_threshold")},
            "reject_reasons": {
                "type": "array",
                "items": {"type": "string", "maxLength": REASON_MAX},
            },
            "toxicity_hold": {
                "description": (
                    "Hold comments scoring at or above this (0 to 1) as pending, reason "
                    "`toxic:S`; `off` (the default) turns it off. Recommended: 0.9."
                ),
                "oneOf": [{"type": "number", "minimum": 0, "maximum": 1}, {"const": "off"}],
            },
            "toxicity_nudge": {
                "description": (
                    "Answer 422 `toxicity_nudge` to posts and edits scoring at or above this "
                    'unless they carry `"confirm": true`; `off` (the default) turns it off. '
                    "Recommended: 0.7."
                ),
                "oneOf": [{"type": "number", "minimum": 0, "maximum": 1}, {"const": "off"}],
            },
            "toxicity_scorer_url": {
                "type": "string",
                "maxLength": SETTING_URL_MAX,
                "description": (
                    "A Perspective-compatible scoring server (http or https); empty: the "
                    "built-in English model."
                ),
            },
            "guidelines_text": {
                "type": "string",
                "maxLength": GUIDELINES_MAX,
                "description": "Community guidelines shown to a writer the nudge stops.",
            },
            "guidelines_url": {
                "type": "string",
                "maxLength": SETTING_URL_MAX,
                "description": "A link to the full guidelines (http or https); empty: none.",
            },
            "close_after_days": {"type": ["integer", "null"], **setting_range("close_after_days")},
            "require_staff_totp": {"type": "boolean"},
            "deleted_account_comments": {"enum": ["keep", "remove"]},
            "premod": {"type": "boolean"},
            "allow_guests": {"type": "boolean"},
        },
        "additionalProperties": False,
    },
}

SETTINGS_ANSWER = {
    "type": "object",
    "required": ["settings"],
    "properties": {"settings": ref("SiteSettings")},
}


def operation(
    operation_id: str,
    summary: str,
    description: str,
    ok: Schema,
    error_codes: tuple[Any, ...],
    parameters: list[Schema] | None = None,
    body: Schema | None = None,
) -> Schema:
    """One operation of this part: moderators only, JSON answer ``ok``, errors as listed."""
    state_changing = body is not None
    result: Schema = {
        "operationId": operation_id,
        "tags": ["moderation"],
        "summary": summary,
        "description": description,
        "security": REQUIRED_AUTH,
        "parameters": [*(parameters or []), *([CSRF_HEADER] if state_changing else [])],
        "responses": {
            "200": ok,
            **errors(*AUTH_ERRORS, *(BODY_ERRORS if state_changing else ()), *error_codes),
        },
    }
    if body is not None:
        result["requestBody"] = body
    return result


AUTHOR_ACTION_BODY = json_body(
    {
        "type": "object",
        "required": ["action"],
        "properties": {
            "action": {"enum": ["ban", "suspend", "trust", "reset"]},
            "scope": {
                "enum": ["site", "global"],
                "default": "site",
                "description": "Ban or suspend on one site, or (admins only) on every site.",
            },
            "site": {"type": "string", "description": "The site, for an action by user id."},
            "days": {"type": "integer", "minimum": 1, "maximum": SUSPEND_DAYS_MAX},
            "reason": {"type": "string", "maxLength": MODERATION_REASON_MAX},
        },
    },
    {"action": "suspend", "days": 7, "reason": "Repeated insults"},
)
AUTHOR_ACTION_ERRORS = (
    (400, "invalid_action", "`action` is not ban, suspend, trust or reset"),
    (400, "invalid_scope", "`scope` is not site or global"),
    (400, "invalid_site", "`site` is not a slug, or is missing for a one-site action by user id"),
    (400, "invalid_days", "`days` is not a whole number from 1 to 365 (suspend)"),
    INVALID_REASON,
    (
        400,
        "invalid_author",
        "the caller's own account, a guest to trust, or a guest with nothing to ban by",
    ),
)

PATHS: dict[str, Any] = {
    "/api/v1/moderation/queues/{queue}": {
        "get": operation(
            "list_moderation_queue",
            "One page of a moderation queue",
            "`pending`: held before publication, oldest first. `reported`: published (or held "
            "for reports) comments with readers' reports, most reported first. `spam`, and the "
            "history views `approved` and `rejected`: newest first. `sort=toxicity` orders "
            "any queue most toxic first (unscored comments last).",
            json_response("The page.", ref("ModerationPage")),
            (
                (404, "unknown_queue", "not one of pending, reported, spam, approved, rejected"),
                "unknown_site",
                INVALID_CURSOR,
                INVALID_LIMIT,
                (400, "invalid_sort", "`sort` is not `default` or `toxicity`"),
            ),
            [
                {
                    "name": "queue",
                    "in": "path",
                    "required": True,
                    "schema": {"enum": ["pending", "reported", "spam", "approved", "rejected"]},
                },
                SITE_PARAM,
                CURSOR_PARAM,
                LIMIT_PARAM,
                query(
                    "sort",
                    "`default` (the queue's own order) or `toxicity` (most toxic first).",
                    {"enum": ["default", "toxicity"], "default": "default"},
                ),
            ],
        )
    },
    "/api/v1/moderation/counts": {
        "get": operation(
            "get_queue_counts",
            "How many comments wait in each queue",
            "Counts of the pending, reported and spam queues.",
            json_response(
                "The counts.",
                {
                    "type": "object",
                    "required": ["counts"],
                    "properties": {
                        "counts": {
                            "type": "object",
                            "required": ["pending", "reported", "spam"],
                            "additionalProperties": {"type": "integer"},
                        }
                    },
                },
            ),
            ("unknown_site",),
            [SITE_PARAM],
        )
    },
    "/api/v1/moderation/search": {
        "get": operation(
            "search_moderation_comments",
            "Search every comment",
            "Comments matching all the filters given, newest first.",
            json_response("The page.", ref("ModerationPage")),
            (
                (400, "invalid_text", "`text` is over 200 characters"),
                (400, "invalid_author", "`author` is over 200 characters"),
                (400, "invalid_article", "`article` is over 200 characters"),
                (400, "invalid_status", "`status` is not a comment status"),
                (400, "invalid_date_from", "`from` is not a date"),
                (400, "invalid_date_to", "`to` is not a date"),
                INVALID_CURSOR,
                INVALID_LIMIT,
                "unknown_site",
            ),
            [
                query("text", "Words in the comment's Markdown.", {"type": "string"}),
                query("author", "Part of the author's name.", {"type": "string"}),
                query("article", "Part of the article's key or title.", {"type": "string"}),
                query(
                    "status",
                    "One status.",
                    {"enum": ["pending", "approved", "rejected", "spam", "deleted"]},
                ),
                query("from", "First day (UTC), e.g. 2026-11-01.", {"type": "string"}),
                query("to", "Last day (UTC), inclusive.", {"type": "string"}),
                SITE_PARAM,
                CURSOR_PARAM,
                LIMIT_PARAM,
            ],
        )
    },
    "/api/v1/moderation/comments/{comment_id}": {
        "get": operation(
            "get_moderation_comment",
            "One comment as the queues show it",
            "The comment with its reasons, context and author history.",
            json_response("The comment.", ref("ModerationComment")),
            (UNKNOWN_COMMENT,),
            [path_id("comment_id")],
        ),
        "post": operation(
            "moderate_one_comment",
            "Act on one comment",
            "`approve` and `restore` make it `approved`, `reject` `rejected`, `spam` `spam`; "
            "`feature`/`unfeature` keep the status (only approved comments can be featured). "
            "Approving a reported comment dismisses its reports. Readers see the change at "
            "once (threads and counts). Every action is audited.",
            json_response("The comment after the action.", ref("ModerationComment")),
            (
                (400, "invalid_action", "`action` is not one of the six, or cannot apply"),
                INVALID_REASON,
                UNKNOWN_COMMENT,
                (409, "comment_deleted", "its author deleted it"),
            ),
            [path_id("comment_id")],
            json_body(
                {
                    "type": "object",
                    "required": ["action"],
                    "properties": {
                        "action": {"enum": COMMENT_ACTIONS},
                        "reason": {
                            "type": "string",
                            "maxLength": MODERATION_REASON_MAX,
                            "description": "One of the site's `reject_reasons`, or free text.",
                        },
                    },
                },
                {"action": "reject", "reason": "Off topic"},
            ),
        ),
    },
    "/api/v1/moderation/comments": {
        "post": operation(
            "moderate_many_comments",
            "Act on up to 200 comments at once",
            "The same action on every comment listed, in one transaction: if one cannot be "
            "changed (missing, on a site the caller does not moderate, deleted), none is.",
            json_response(
                "The comments after the action.",
                {
                    "type": "object",
                    "required": ["comments"],
                    "properties": {
                        "comments": {
                            "type": "array",
                            "items": {
                                "type": "object",
                                "required": ["id", "status", "featured"],
                                "properties": {
                                    "id": {"type": "integer"},
                                    "status": {"type": "string"},
                                    "featured": {"type": "boolean"},
                                },
                            },
                        }
                    },
                },
            ),
            (
                (400, "invalid_ids", "`ids` is not a list of 1 to 200 comment ids"),
                (400, "invalid_action", "`action` is not one of the six, or cannot apply"),
                INVALID_REASON,
                UNKNOWN_COMMENT,
                (409, "comment_deleted", "one of them was deleted by its author"),
            ),
            None,
            json_body(
                {
                    "type": "object",
                    "required": ["ids", "action"],
                    "properties": {
                        "ids": {
                            "type": "array",
                            "items": RECORD_ID,
                            "minItems": 1,
                            "maxItems": BULK_MAX,
                        },
                        "action": {"enum": COMMENT_ACTIONS},
                        "reason": {"type": "string", "maxLength": MODERATION_REASON_MAX},
                    },
                },
                {"ids": [12, 13, 15], "action": "approve"},
            ),
        )
    },
    "/api/v1/moderation/comments/{comment_id}/author": {
        "get": operation(
            "get_comment_author",
            "The author of a comment",
            "History, trust and active bans of the comment's author (an account or a guest).",
            json_response("The author.", ref("AuthorStatus")),
            (UNKNOWN_COMMENT, OWN_ACCOUNT),
            [path_id("comment_id")],
        ),
        "post": operation(
            "act_on_comment_author",
            "Ban, suspend, trust or reset a comment's author",
            "Works for guests: they are banned by browser id and IP address. `reset` removes "
            "trust and lifts the bans the caller may lift.",
            json_response("The author after the action.", ref("AuthorStatus")),
            (*AUTHOR_ACTION_ERRORS, UNKNOWN_COMMENT),
            [path_id("comment_id")],
            AUTHOR_ACTION_BODY,
        ),
    },
    "/api/v1/moderation/users/{user_id}": {
        "get": operation(
            "get_moderation_user",
            "An account as moderators see it",
            "History, trust and active bans of an account.",
            json_response("The account.", ref("AuthorStatus")),
            (UNKNOWN_USER, "unknown_site", OWN_ACCOUNT),
            [path_id("user_id", "The account's id."), SITE_PARAM],
        ),
        "post": operation(
            "act_on_user",
            "Ban, suspend, trust or reset an account",
            "A one-site ban or suspension needs `site`; `scope: global` is for admins.",
            json_response("The account after the action.", ref("AuthorStatus")),
            (*AUTHOR_ACTION_ERRORS, UNKNOWN_USER, "unknown_site"),
            [path_id("user_id", "The account's id.")],
            AUTHOR_ACTION_BODY,
        ),
    },
    "/api/v1/moderation/audit": {
        "get": operation(
            "list_audit_entries",
            "The audit log",
            "Every moderator action and rule decision, newest first: who (null actor: a rule), "
            "when, what, why, and the status before and after. Moderators see their sites' "
            "entries; entries of no site (global bans) are for admins and all-site moderators.",
            json_response(
                "A page of entries.",
                {
                    "type": "object",
                    "required": ["entries", "next_cursor"],
                    "properties": {
                        "entries": {
                            "type": "array",
                            "items": {
                                "type": "object",
                                "required": ["id", "created_at", "action", "actor", "site"],
                                "properties": {
                                    "id": {"type": "integer"},
                                    "created_at": TIME,
                                    "action": {"type": "string"},
                                    "actor": {"type": ["object", "null"]},
                                    "site": NULLABLE_STRING,
                                    "comment_id": {"type": ["integer", "null"]},
                                    "target_user": {"type": ["object", "null"]},
                                    "reason": NULLABLE_STRING,
                                    "before_status": NULLABLE_STRING,
                                    "after_status": NULLABLE_STRING,
                                },
                            },
                        },
                        "next_cursor": NULLABLE_STRING,
                    },
                },
            ),
            (
                (400, "invalid_comment", "`comment` is not a whole number"),
                (400, "invalid_user", "`user` is not a whole number"),
                (400, "invalid_action", "`action` is over 40 characters"),
                INVALID_CURSOR,
                INVALID_LIMIT,
                "unknown_site",
            ),
            [
                SITE_PARAM,
                query("comment", "Entries about this comment.", RECORD_ID),
                query("user", "Entries by or about this account.", RECORD_ID),
                query("action", "One action, e.g. `reject` or `rule_hold`.", {"type": "string"}),
                CURSOR_PARAM,
                LIMIT_PARAM,
            ],
        )
    },
    "/api/v1/moderation/articles": {
        "get": operation(
            "list_moderation_articles",
            "A site's articles with their counts",
            "Newest first, with approved, pending and reported counts and whether comments are "
            "closed.",
            json_response(
                "A page of articles.",
                {
                    "type": "object",
                    "required": ["articles", "next_cursor"],
                    "properties": {
                        "articles": {"type": "array", "items": ref("ModerationArticle")},
                        "next_cursor": NULLABLE_STRING,
                    },
                },
            ),
            (
                (400, "invalid_site", "`site` is missing"),
                "unknown_site",
                INVALID_CURSOR,
                INVALID_LIMIT,
            ),
            [
                query("site", "The site's slug.", SITE_SLUG, required=True),
                CURSOR_PARAM,
                LIMIT_PARAM,
            ],
        ),
        "post": operation(
            "update_moderation_article",
            "Close, reopen or pre-moderate one article",
            "`closed` closes or reopens comments (posting then answers 403 `thread_closed`); "
            "`premod` true/false overrides the site's pre-moderation, null follows it.",
            json_response("The article.", ref("ModerationArticle")),
            (
                (400, "invalid_site", "`site` is missing"),
                (400, "invalid_article_change", "neither `closed` nor `premod` is given"),
                (400, "invalid_closed", "`closed` is not true or false"),
                (400, "invalid_premod", "`premod` is not true, false or null"),
                "invalid_article",
                "unknown_site",
                (404, "unknown_article", "no article has this key on the site"),
            ),
            None,
            json_body(
                {
                    "type": "object",
                    "required": ["site", "article"],
                    "properties": {
                        "site": SITE_SLUG,
                        "article": ARTICLE_KEY,
                        "closed": {"type": "boolean"},
                        "premod": {"type": ["boolean", "null"]},
                    },
                },
                {"site": "daily-news", "article": "air-defence-drills-2026", "closed": True},
            ),
        ),
    },
    "/api/v1/moderation/sites/{slug}/settings": {
        "get": operation(
            "get_site_settings",
            "A site's moderation settings",
            "Every setting with its current value (defaults filled in).",
            json_response("The settings.", SETTINGS_ANSWER),
            ("unknown_site",),
            [SLUG_PARAM],
        ),
        "patch": operation(
            "update_moderation_site_settings",
            "Change some of a site's settings (admins)",
            "Only the settings given change; every value is validated and nothing is stored "
            "if one is bad. Word lists may be given as a list or as one string with a word or "
            "phrase per line. Audited.",
            json_response("Every setting after the change.", SETTINGS_ANSWER),
            (
                (400, "invalid_setting", "an unknown setting, or a value out of its range"),
                "unknown_site",
            ),
            [SLUG_PARAM],
            json_body(
                {"type": "object", "minProperties": 1},
                {"banned_words": ["casino", "buy now"], "max_links": 2},
            ),
        ),
    },
}
