"""Moderation of authors (of a comment, or an account by id) and reading the audit log."""

from app.api.payloads.declare import paths
from app.api.payloads.moderation.answers import (
    AUTHOR_ACTIONS,
    SCOPES,
    AuditPage,
    AuthorAction,
    AuthorStatus,
)
from app.api.payloads.moderation.shared import (
    CURSOR_PARAM,
    INVALID_CURSOR,
    INVALID_LIMIT,
    INVALID_REASON,
    LIMIT_PARAM,
    OWN_ACCOUNT,
    SITE_PARAM,
    UNKNOWN_COMMENT,
    UNKNOWN_USER,
    operation,
)
from app.api.payloads.shared import RecordId
from app.api.spec.common import json_body, json_response, path_id, query
from app.api.spec.schemas import schema_of
from app.limits import AUDIT_ACTION_NAME_MAX, SUSPEND_DAYS_MAX

AUTHOR_ACTION_BODY = json_body(
    AuthorAction, {"action": "suspend", "days": 7, "reason": "Repeated insults"}
)
AUTHOR_ACTION_ERRORS = (
    (
        400,
        "invalid_action",
        f"`action` is not {', '.join(AUTHOR_ACTIONS[:-1])} or {AUTHOR_ACTIONS[-1]}",
    ),
    (400, "invalid_scope", f"`scope` is not {' or '.join(SCOPES)}"),
    (400, "invalid_site", "`site` is not a slug, or is missing for a one-site action by user id"),
    (400, "invalid_days", f"`days` is not a whole number from 1 to {SUSPEND_DAYS_MAX} (suspend)"),
    INVALID_REASON,
    (
        400,
        "invalid_author",
        "the caller's own account, a guest to trust, or a guest with nothing to ban by",
    ),
)
USER_ID = path_id("user_id", "The account's id.")

GET_COMMENT_AUTHOR = operation(
    "get",
    "/comments/{comment_id}/author",
    "get_comment_author",
    "The author of a comment",
    "History, trust and active bans of the comment's author (an account or a guest).",
    json_response("The author.", AuthorStatus),
    (UNKNOWN_COMMENT, OWN_ACCOUNT),
    [path_id("comment_id")],
)

ACT_ON_COMMENT_AUTHOR = operation(
    "post",
    "/comments/{comment_id}/author",
    "act_on_comment_author",
    "Ban, suspend, trust or reset a comment's author",
    "Works for guests: they are banned by browser id and IP address. `reset` removes "
    "trust and lifts the bans the caller may lift.",
    json_response("The author after the action.", AuthorStatus),
    (*AUTHOR_ACTION_ERRORS, UNKNOWN_COMMENT),
    [path_id("comment_id")],
    AUTHOR_ACTION_BODY,
)

GET_USER = operation(
    "get",
    "/users/{user_id}",
    "get_moderation_user",
    "An account as moderators see it",
    "History, trust and active bans of an account.",
    json_response("The account.", AuthorStatus),
    (UNKNOWN_USER, "unknown_site", OWN_ACCOUNT),
    [USER_ID, SITE_PARAM],
)

ACT_ON_USER = operation(
    "post",
    "/users/{user_id}",
    "act_on_user",
    "Ban, suspend, trust or reset an account",
    "A one-site ban or suspension needs `site`; `scope: global` is for admins.",
    json_response("The account after the action.", AuthorStatus),
    (*AUTHOR_ACTION_ERRORS, UNKNOWN_USER, "unknown_site"),
    [USER_ID],
    AUTHOR_ACTION_BODY,
)

LIST_AUDIT = operation(
    "get",
    "/audit",
    "list_audit_entries",
    "The audit log",
    "Every moderator action and rule decision, newest first: who (null actor: a rule), "
    "when, what, why, and the status before and after. Moderators see their sites' "
    "entries; entries of no site (global bans) are for admins and all-site moderators.",
    json_response("A page of entries.", AuditPage),
    (
        (400, "invalid_comment", "`comment` is not a whole number"),
        (400, "invalid_user", "`user` is not a whole number"),
        (400, "invalid_action", f"`action` is over {AUDIT_ACTION_NAME_MAX} characters"),
        INVALID_CURSOR,
        INVALID_LIMIT,
        "unknown_site",
    ),
    [
        SITE_PARAM,
        query("comment", "Entries about this comment.", schema_of(RecordId)),
        query("user", "Entries by or about this account.", schema_of(RecordId)),
        query("action", "One action, e.g. `reject` or `rule_hold`.", schema_of(str)),
        CURSOR_PARAM,
        LIMIT_PARAM,
    ],
)

PATHS = paths(GET_COMMENT_AUTHOR, ACT_ON_COMMENT_AUTHOR, GET_USER, ACT_ON_USER, LIST_AUDIT)
