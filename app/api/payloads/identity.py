"""Readers' identity: SSO sessions for the frame, signing out, the reader's own account."""

from typing import Annotated, Any, NotRequired

from pydantic import Field
from typing_extensions import TypedDict

from app.api.payloads.answers import Account, SessionsEnded, SsoSession, VerificationSent
from app.api.payloads.declare import Operation, Schema, paths
from app.api.spec.common import CSRF_HEADER, REQUIRED_AUTH, SESSION, json_body, json_response
from app.api.spec.schemas import schema_of
from app.limits import AUTHOR_NAME_MAX, EMAIL_MAX, PASSWORD_MAX, PASSWORD_MIN, SSO_TOKEN_MAX
from app.web.fields import Email

MY_DATA_PARTS = ("comments", "votes", "reactions", "reports")


class SsoSignIn(TypedDict):
    token: Annotated[str, Field(max_length=SSO_TOKEN_MAX)]
    site: NotRequired[Annotated[str, Field(description="The frame's site slug.")]]


class AccountDeletion(TypedDict, total=False):
    password: Annotated[str, Field(description="Required for accounts that have a password.")]


class ProfileChange(TypedDict, total=False):
    name: Annotated[str, Field(min_length=1, max_length=AUTHOR_NAME_MAX)]
    reply_notifications: bool


class PasswordChange(TypedDict):
    current_password: str
    new_password: Annotated[str, Field(min_length=PASSWORD_MIN, max_length=PASSWORD_MAX)]


class EmailChange(TypedDict):
    password: str
    email: Annotated[Email, Field(max_length=EMAIL_MAX)]


# Everything Parley holds about the caller: the account and a list of each kind of record.
MyData = TypedDict(  # noqa: UP013 - its keys are a vocabulary, not names written here
    "MyData", {"account": dict[str, Any], **dict.fromkeys(MY_DATA_PARTS, list[dict[str, Any]])}
)

ACCOUNT = schema_of(Account)
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
BODY_ERRORS = ("invalid_json", "unsupported_media_type")
ENDED = schema_of(SessionsEnded)


def account_operation(
    method: str,
    path: str,
    operation_id: str,
    summary: str,
    *,
    request_body: Schema | None = None,
    errors: tuple[Any, ...] = (),
    **rest: Any,
) -> Operation:
    """An operation on the caller's own account (a token or a signed-in session).

    ``errors`` are the operation's own; every one also lists what its sign-in can answer (no
    session, a bad token; a publisher's SSO token on a read, the CSRF check on a write) and,
    when it takes a body, that body's errors.
    """
    writes = method != "get"
    body_errors = BODY_ERRORS if request_body is not None else ()
    sign_in_errors = ("csrf_failed",) if writes else ("invalid_sso_token", "sso_token_expired")
    return Operation(
        method,
        path,
        operation_id,
        summary,
        tags=("account",),
        security=REQUIRED_AUTH,
        parameters=[CSRF_HEADER] if writes else None,
        request_body=request_body,
        errors=(*body_errors, SIGNED_IN, *errors, "invalid_token", *sign_in_errors),
        **rest,
    )


START_SSO_SESSION = Operation(
    "post",
    "/api/v1/sso/session",
    "start_sso_session",
    "Sign this cookie session in with a publisher's SSO token",
    tags=("account",),
    description=(
        "Used by the widget frame for `data-sso` and `Parley.login()`. The token is a "
        "JWT signed by the publisher (docs/identity.md). `changed` is false when the "
        "session was already this reader's and the profile is unchanged. API clients "
        "without cookies send `X-Parley-SSO` with each request instead."
    ),
    security=[SESSION],
    parameters=[CSRF_HEADER],
    request_body=json_body(SsoSignIn, {"site": "news", "token": "eyJhbGciOiJIUzI1NiJ9..."}),
    responses={"200": json_response("Signed in.", SsoSession)},
    errors=(
        "invalid_json",
        (400, "session_required", "the request carries no session cookie"),
        "invalid_sso_token",
        "sso_token_expired",
        "csrf_failed",
        "unknown_site",
        "unsupported_media_type",
    ),
)

END_THIS_SESSION = Operation(
    "delete",
    "/api/v1/session",
    "end_this_session",
    "Sign out of this cookie session",
    tags=("account",),
    description="The server forgets the session: the cookie, replayed, is anonymous.",
    security=[SESSION],
    parameters=[CSRF_HEADER],
    responses={"204": {"description": "Signed out."}},
    errors=("csrf_failed",),
)

GET_ME = account_operation(
    "get",
    "/api/v1/me",
    "get_me",
    "The caller's own account",
    responses={"200": json_response("The account.", ACCOUNT, ACCOUNT_EXAMPLE)},
)

DELETE_ME = account_operation(
    "delete",
    "/api/v1/me",
    "delete_me",
    "Delete my account",
    description=(
        'Comments stay as "[deleted user]" or are removed, as each site\'s '
        "`deleted_account_comments` setting says; votes, reactions and reports are "
        "deleted; every session and token ends; moderators see it in the audit log."
    ),
    request_body=json_body(AccountDeletion, {"password": "my current password"}),
    responses={"204": {"description": "Deleted."}},
    errors=((401, "wrong_password", "the password confirmation is missing or wrong"),),
)

PATCH_ME = account_operation(
    "patch",
    "/api/v1/me",
    "patch_me",
    "Change the display name or the reply-notification preference",
    request_body=json_body(ProfileChange, {"reply_notifications": False}),
    responses={"200": json_response("The account.", ACCOUNT, ACCOUNT_EXAMPLE)},
    errors=(
        (
            400,
            "invalid_name",
            f"1 to {AUTHOR_NAME_MAX} characters; SSO readers' names come from their site",
        ),
        (400, "reserved_name", "the name is (or looks like) a staff member's"),
        (400, "invalid_preference", "`reply_notifications` is not a boolean"),
    ),
)

GET_MY_DATA = account_operation(
    "get",
    "/api/v1/me/data",
    "get_my_data",
    "Download my data (account, comments, votes, reactions, reports)",
    responses={
        "200": json_response(
            "Everything Parley holds about the caller (sent as an attachment).", MyData
        )
    },
)

POST_MY_PASSWORD = account_operation(
    "post",
    "/api/v1/me/password",
    "post_my_password",
    "Change the password; every other session of the account ends",
    request_body=json_body(PasswordChange),
    responses={"200": json_response("Changed.", ENDED, {"sessions_ended": 2})},
    errors=(
        (400, "weak_password", "too short, too common, or made of the name/address"),
        (401, "wrong_password", "`current_password` is not right"),
    ),
)

POST_MY_EMAIL = account_operation(
    "post",
    "/api/v1/me/email",
    "post_my_email",
    "Change the e-mail address (after confirming it from the new mailbox)",
    description=(
        "The new address becomes the account's only when the link sent to it is "
        "followed; the answer is the same whether or not another account has it."
    ),
    request_body=json_body(
        EmailChange, {"password": "my current password", "email": "new@example.org"}
    ),
    responses={
        "202": json_response("A verification link was sent to the new address.", VerificationSent)
    },
    errors=(
        (400, "invalid_email", "not an e-mail address"),
        (401, "wrong_password", "the password is missing or wrong"),
    ),
)

DELETE_MY_SESSIONS = account_operation(
    "delete",
    "/api/v1/me/sessions",
    "delete_my_sessions",
    "Sign out everywhere (every session of the account, this one included)",
    responses={"200": json_response("Signed out everywhere.", ENDED, {"sessions_ended": 3})},
)

PATHS = paths(
    START_SSO_SESSION,
    END_THIS_SESSION,
    GET_ME,
    DELETE_ME,
    PATCH_ME,
    GET_MY_DATA,
    POST_MY_PASSWORD,
    POST_MY_EMAIL,
    DELETE_MY_SESSIONS,
)
