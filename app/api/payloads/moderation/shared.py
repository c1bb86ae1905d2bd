"""What the moderation endpoints share: their named schemas, parameters, errors and rules.

Every moderation operation is for moderators (bearer token or signed-in session), answers 200
with JSON, and lists the authentication errors; a state-changing one also takes a JSON body
and the CSRF header (``operation`` below).
"""

from __future__ import annotations

from typing import Any

from app.api.payloads.declare import Operation, whole_number_error
from app.api.payloads.moderation.answers import (
    AuthorHistory,
    AuthorStatus,
    ModerationArticle,
    ModerationComment,
    ModerationPage,
    SiteSettings,
)
from app.api.payloads.shared import SiteSlugOrEmpty, page_size
from app.api.spec.common import CSRF_HEADER, REQUIRED_AUTH, Schema, query
from app.api.spec.schemas import component_schemas, schema_of
from app.limits import MODERATION_REASON_MAX, QUEUE_PAGE_MAX

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
    schema_of(SiteSlugOrEmpty),
)
CURSOR_PARAM = query("cursor", "`next_cursor` of the previous page, unchanged.", schema_of(str))
LIMIT_PARAM = query("limit", "Items per page.", schema_of(page_size(QUEUE_PAGE_MAX)))
SLUG_PARAM = {
    "name": "slug",
    "in": "path",
    "required": True,
    "description": "The site's slug.",
    "schema": schema_of(str),
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


SCHEMAS: dict[str, Schema] = component_schemas(
    AuthorHistory, ModerationComment, ModerationPage, AuthorStatus, ModerationArticle, SiteSettings
)
