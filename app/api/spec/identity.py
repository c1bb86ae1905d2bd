"""Readers' identity: SSO sessions for the frame, signing out, the reader's own account."""

from __future__ import annotations

from app.api.spec.common import (
    CSRF_HEADER,
    REQUIRED_AUTH,
    SESSION,
    errors,
    json_body,
    json_response,
)
from app.limits import (
    AUTHOR_NAME_MAX,
    BADGE_MAX,
    EMAIL_MAX,
    PASSWORD_MAX,
    PASSWORD_MIN,
    SSO_TOKEN_MAX,
)

ACCOUNT = {
    "type": "object",
    "required": [
        "id",
        "name",
        "kind",
        "email",
        "email_verified",
        "avatar_url",
        "badge",
        "reply_notifications",
    ],
    "properties": {
        "id": {"type": "integer"},
        "name": {"type": "string", "maxLength": AUTHOR_NAME_MAX},
        "kind": {"enum": ["account", "sso"]},
        "email": {"type": ["string", "null"], "description": "Only ever shown to its owner."},
        "email_verified": {"type": "boolean"},
        "avatar_url": {"type": "string", "format": "uri"},
        "badge": {"type": ["string", "null"], "maxLength": BADGE_MAX},
        "reply_notifications": {"type": "boolean"},
    },
}
ACCOUNT_EXAMPLE = {
    "id": 42,
    "name": "Ada",
    "kind": "account",
    "email": "ada@example.org",
    "email_verified": True,
    "avatar_url": "https://comments.example/avatars/i/3f2a9c0d1e4b5a6c7d8e.svg",
    "badge": None,
    "reply_notifications": True,
}
SIGNED_IN = (401, "sign_in_required", "the caller is not signed in")
ENDED = {
    "type": "object",
    "required": ["sessions_ended"],
    "properties": {"sessions_ended": {"type": "integer", "minimum": 0}},
}

PATHS = {
    "/api/v1/sso/session": {
        "post": {
            "operationId": "start_sso_session",
            "tags": ["account"],
            "summary": "Sign this cookie session in with a publisher's SSO token",
            "description": (
                "Used by the widget frame for `data-sso` and `Parley.login()`. The token is a "
                "JWT signed by the publisher (docs/identity.md). `changed` is false when the "
                "session was already this reader's and the profile is unchanged. API clients "
                "without cookies send `X-Parley-SSO` with each request instead."
            ),
            "security": [SESSION],
            "parameters": [CSRF_HEADER],
            "requestBody": json_body(
                {
                    "type": "object",
                    "required": ["token"],
                    "properties": {
                        "token": {"type": "string", "maxLength": SSO_TOKEN_MAX},
                        "site": {"type": "string", "description": "The frame's site slug."},
                    },
                },
                {"site": "news", "token": "eyJhbGciOiJIUzI1NiJ9..."},
            ),
            "responses": {
                "200": json_response(
                    "Signed in.",
                    {
                        "type": "object",
                        "required": ["account", "changed"],
                        "properties": {"account": ACCOUNT, "changed": {"type": "boolean"}},
                    },
                ),
                **errors(
                    "invalid_json",
                    (400, "session_required", "the request carries no session cookie"),
                    "invalid_sso_token",
                    "sso_token_expired",
                    "csrf_failed",
                    "unknown_site",
                    "unsupported_media_type",
                ),
            },
        }
    },
    "/api/v1/session": {
        "delete": {
            "operationId": "end_this_session",
            "tags": ["account"],
            "summary": "Sign out of this cookie session",
            "description": "The server forgets the session: the cookie, replayed, is anonymous.",
            "security": [SESSION],
            "parameters": [CSRF_HEADER],
            "responses": {"204": {"description": "Signed out."}, **errors("csrf_failed")},
        }
    },
    "/api/v1/me": {
        "get": {
            "operationId": "get_me",
            "tags": ["account"],
            "summary": "The caller's own account",
            "security": REQUIRED_AUTH,
            "responses": {
                "200": json_response("The account.", ACCOUNT, ACCOUNT_EXAMPLE),
                **errors(SIGNED_IN, "invalid_token", "invalid_sso_token", "sso_token_expired"),
            },
        },
        "delete": {
            "operationId": "delete_me",
            "tags": ["account"],
            "summary": "Delete my account",
            "description": (
                'Comments stay as "[deleted user]" or are removed, as each site\'s '
                "`deleted_account_comments` setting says; votes, reactions and reports are "
                "deleted; every session and token ends; moderators see it in the audit log."
            ),
            "security": REQUIRED_AUTH,
            "parameters": [CSRF_HEADER],
            "requestBody": json_body(
                {
                    "type": "object",
                    "properties": {
                        "password": {
                            "type": "string",
                            "description": "Required for accounts that have a password.",
                        }
                    },
                },
                {"password": "my current password"},
            ),
            "responses": {
                "204": {"description": "Deleted."},
                **errors(
                    "invalid_json",
                    "unsupported_media_type",
                    SIGNED_IN,
                    (401, "wrong_password", "the password confirmation is missing or wrong"),
                    "invalid_token",
                    "csrf_failed",
                ),
            },
        },
        "patch": {
            "operationId": "patch_me",
            "tags": ["account"],
            "summary": "Change the display name or the reply-notification preference",
            "security": REQUIRED_AUTH,
            "parameters": [CSRF_HEADER],
            "requestBody": json_body(
                {
                    "type": "object",
                    "properties": {
                        "name": {"type": "string", "minLength": 1, "maxLength": AUTHOR_NAME_MAX},
                        "reply_notifications": {"type": "boolean"},
                    },
                },
                {"reply_notifications": False},
            ),
            "responses": {
                "200": json_response("The account.", ACCOUNT, ACCOUNT_EXAMPLE),
                **errors(
                    "invalid_json",
                    "unsupported_media_type",
                    (
                        400,
                        "invalid_name",
                        "1 to 80 characters; SSO readers' names come from their site",
                    ),
                    (400, "reserved_name", "the name is (or looks like) a staff member's"),
                    (400, "invalid_preference", "`reply_notifications` is not a boolean"),
                    SIGNED_IN,
                    "invalid_token",
                    "csrf_failed",
                ),
            },
        },
    },
    "/api/v1/me/data": {
        "get": {
            "operationId": "get_my_data",
            "tags": ["account"],
            "summary": "Download my data (account, comments, votes, reactions, reports)",
            "security": REQUIRED_AUTH,
            "responses": {
                "200": json_response(
                    "Everything Parley holds about the caller (sent as an attachment).",
                    {
                        "type": "object",
                        "required": ["account", "comments", "votes", "reactions", "reports"],
                        "properties": {
                            "account": {"type": "object"},
                            "comments": {"type": "array", "items": {"type": "object"}},
                            "votes": {"type": "array", "items": {"type": "object"}},
                            "reactions": {"type": "array", "items": {"type": "object"}},
                            "reports": {"type": "array", "items": {"type": "object"}},
                        },
                    },
                ),
                **errors(SIGNED_IN, "invalid_token", "invalid_sso_token", "sso_token_expired"),
            },
        }
    },
    "/api/v1/me/password": {
        "post": {
            "operationId": "post_my_password",
            "tags": ["account"],
            "summary": "Change the password; every other session of the account ends",
            "security": REQUIRED_AUTH,
            "parameters": [CSRF_HEADER],
            "requestBody": json_body(
                {
                    "type": "object",
                    "required": ["current_password", "new_password"],
                    "properties": {
                        "current_password": {"type": "string"},
                        "new_password": {
                            "type": "string",
                            "minLength": PASSWORD_MIN,
                            "maxLength": PASSWORD_MAX,
                        },
                    },
                }
            ),
            "responses": {
                "200": json_response("Changed.", ENDED, {"sessions_ended": 2}),
                **errors(
                    "invalid_json",
                    "unsupported_media_type",
                    (400, "weak_password", "too short, too common, or made of the name/address"),
                    SIGNED_IN,
                    (401, "wrong_password", "`current_password` is not right"),
                    "invalid_token",
                    "csrf_failed",
                ),
            },
        }
    },
    "/api/v1/me/email": {
        "post": {
            "operationId": "post_my_email",
            "tags": ["account"],
            "summary": "Change the e-mail address (after confirming it from the new mailbox)",
            "description": (
                "The new address becomes the account's only when the link sent to it is "
                "followed; the answer is the same whether or not another account has it."
            ),
            "security": REQUIRED_AUTH,
            "parameters": [CSRF_HEADER],
            "requestBody": json_body(
                {
                    "type": "object",
                    "required": ["password", "email"],
                    "properties": {
                        "password": {"type": "string"},
                        "email": {"type": "string", "format": "email", "maxLength": EMAIL_MAX},
                    },
                },
                {"password": "my current password", "email": "new@example.org"},
            ),
            "responses": {
                "202": json_response(
                    "A verification link was sent to the new address.",
                    {
                        "type": "object",
                        "required": ["status"],
                        "properties": {"status": {"const": "verification_sent"}},
                    },
                ),
                **errors(
                    "invalid_json",
                    "unsupported_media_type",
                    (400, "invalid_email", "not an e-mail address"),
                    SIGNED_IN,
                    (401, "wrong_password", "the password is missing or wrong"),
                    "invalid_token",
                    "csrf_failed",
                ),
            },
        }
    },
    "/api/v1/me/sessions": {
        "delete": {
            "operationId": "delete_my_sessions",
            "tags": ["account"],
            "summary": "Sign out everywhere (every session of the account, this one included)",
            "security": REQUIRED_AUTH,
            "parameters": [CSRF_HEADER],
            "responses": {
                "200": json_response("Signed out everywhere.", ENDED, {"sessions_ended": 3}),
                **errors(SIGNED_IN, "invalid_token", "csrf_failed"),
            },
        }
    },
}

EXTENDS = {
    "Viewer": {
        "kind": {
            "enum": ["guest", "account", "sso"],
            "description": "A guest, a Parley account, or a publisher's single sign-on reader.",
        }
    }
}
