"""Building blocks of the document's operations: errors, responses, parameters, security.

Every part describes errors with ``errors(...)``, so each operation lists exactly the codes it
can return, grouped by HTTP status, and a client can switch on ``error.code``. Schemas are never
written here: they come from the payload declarations through ``schemas.schema_of``.
"""

from __future__ import annotations

from typing import Any

from app.api.payloads.shared import ArticleKey, Error, NudgeGuidelines, RecordId, SiteSlug
from app.api.spec.schemas import schema_of
from app.limits import ARTICLE_KEY_MAX, URL_MAX

Schema = dict[str, Any]

# Codes more than one part returns, with what each means. A part with a code of its own
# passes it to ``errors`` as a (status, code, meaning) tuple instead of adding it here.
ERRORS: dict[str, tuple[int, str]] = {
    "invalid_site": (400, "the `site` parameter is missing or not a string"),
    "invalid_article": (
        400,
        f"the article key is missing, empty, or over {ARTICLE_KEY_MAX} characters",
    ),
    "invalid_json": (400, "the body is not a JSON object"),
    "invalid_token": (
        401,
        "the `Authorization` header is not `Bearer <token>`, or the token is unknown or revoked",
    ),
    "invalid_sso_token": (
        401,
        "the `X-Parley-SSO` token has a bad signature, an unknown `kid`, a wrong `aud`, is "
        "malformed, or names a site without single sign-on",
    ),
    "sso_token_expired": (401, "the `X-Parley-SSO` token has expired"),
    "csrf_failed": (
        403,
        "the request carries Parley's session cookie but no valid CSRF token "
        "(send it in `X-CSRFToken`); bearer-token and cookie-less calls are not checked",
    ),
    "forbidden": (403, "the caller may not do this"),
    "unknown_site": (404, "no site has this slug"),
    "not_found": (404, "nothing exists at this address"),
    "unknown_article": (
        404,
        "the article does not exist yet, and this request may not create it: articles are "
        "created by requests from the site's registered origins (the widget's included) or by "
        "an authenticated client",
    ),
    "invalid_character": (
        400,
        "a query parameter or form field contains a NUL character (U+0000), never valid text",
    ),
    "payload_too_large": (413, "the request body is over the size cap (64 KiB by default)"),
    "uri_too_long": (
        414,
        f"the URL is over {URL_MAX:,} characters (query parameters included); served by "
        "gunicorn.conf.py, the request line (method, URL and protocol) is over 8,190 bytes",
    ),
    "bad_request": (
        400,
        "the request is not valid HTTP/1.1 (a raw space or non-ASCII byte in the path, a "
        "malformed header, a bad Content-Length or chunk), refused before Parley reads it",
    ),
    "header_fields_too_large": (
        431,
        "a header line is over 16 KiB, or there are more than 100 headers (gunicorn.conf.py)",
    ),
    "unsupported_media_type": (415, "the body is not sent as `Content-Type: application/json`"),
    "rate_limited": (429, "too many requests; retry after the number of seconds in `Retry-After`"),
}

BEARER = {"bearerAuth": []}
SESSION = {"sessionCookie": []}
# Anonymous, bearer token or session cookie: the answer depends on who asks.
OPTIONAL_AUTH: list[dict[str, list[str]]] = [{}, BEARER, SESSION]
# The caller must be someone: a bearer token or a signed-in session.
REQUIRED_AUTH: list[dict[str, list[str]]] = [BEARER, SESSION]

CSRF_HEADER: Schema = {
    "name": "X-CSRFToken",
    "in": "header",
    "required": False,
    "description": (
        "Required when the request carries Parley's session cookie (`parley_session`): the CSRF "
        "token of that session. `X-CSRF-Token` is accepted too. Not needed with a bearer token "
        "or without cookies."
    ),
    "schema": schema_of(str),
}


def json_content(shape: Any, example: Any = None) -> dict[str, Schema]:
    """A JSON media entry; ``shape`` is a declared payload type, or a schema already made."""
    media: Schema = {"schema": shape if isinstance(shape, dict) else schema_of(shape)}
    if example is not None:
        media["example"] = example
    return {"application/json": media}


def json_response(description: str, shape: Any, example: Any = None, **extra: Any) -> Schema:
    return {"description": description, "content": json_content(shape, example), **extra}


def json_body(shape: Any, example: Any = None, required: bool = True) -> Schema:
    return {"required": required, "content": json_content(shape, example)}


def query(name: str, description: str, schema: Schema, required: bool = False) -> Schema:
    return {
        "name": name,
        "in": "query",
        "required": required,
        "description": description,
        "schema": schema,
    }


def one_article() -> list[Schema]:
    """The ``site`` and ``article`` query parameters that name one article (threads, replies,
    events)."""
    return [
        query("site", "The site's slug.", schema_of(SiteSlug), required=True),
        query("article", "The article's key.", schema_of(ArticleKey), required=True),
    ]


def path_id(name: str = "id", description: str = "The comment's id.") -> Schema:
    return {
        "name": name,
        "in": "path",
        "required": True,
        "description": description,
        "schema": schema_of(RecordId),
    }


# Posting and editing: the toxicity nudge (docs/moderation.md).
TOXICITY_ERRORS: tuple[tuple[int, str, str], ...] = (
    (400, "invalid_confirm", "`confirm` is not true or false"),
    (
        422,
        "toxicity_nudge",
        "the comment scores at or above the site's `toxicity_nudge` threshold and `confirm` "
        "was not true; nothing was stored. `error.guidelines` holds the site's community "
        "guidelines (`text`, and `url` or null) to show the writer, who may edit the comment "
        'or send it again with `"confirm": true`',
    ),
)


def with_nudge_guidelines(responses: dict[str, Schema]) -> dict[str, Schema]:
    """Document ``error.guidelines`` on the 422 ``toxicity_nudge`` answer of ``responses``."""
    schema = responses["422"]["content"]["application/json"]["schema"]
    schema["properties"]["error"]["required"] = ["code", "message", "guidelines"]
    schema["properties"]["error"]["properties"]["guidelines"] = schema_of(NudgeGuidelines)
    return responses


def errors(*codes: str | tuple[int, str, str]) -> dict[str, Schema]:
    """The error responses of one operation, keyed by HTTP status.

    Each code is a name from ``ERRORS`` or a ``(status, code, meaning)`` tuple. Codes that share
    a status become one response whose schema restricts ``error.code`` to them and whose
    description says when each is returned. A 429 response documents ``Retry-After``.
    """
    by_status: dict[int, list[tuple[str, str]]] = {}
    for item in codes:
        if isinstance(item, tuple):
            status, code, meaning = item
        else:
            status, meaning = ERRORS[item]
            code = item
        by_status.setdefault(status, []).append((code, meaning))
    responses: dict[str, Schema] = {}
    for status in sorted(by_status):
        entries = by_status[status]
        schema = {
            "allOf": [schema_of(Error)],
            "properties": {
                "error": {"properties": {"code": {"enum": [code for code, _ in entries]}}}
            },
        }
        lines = "\n".join(f"- `{code}`: {meaning}" for code, meaning in entries)
        response = json_response(f"Error (`error.code` says which):\n\n{lines}", schema)
        if status == 429:
            response["headers"] = {
                "Retry-After": {
                    "description": "Seconds to wait before retrying.",
                    "schema": schema_of(int),
                }
            }
        responses[str(status)] = response
    return responses


# What any operation can answer, whatever its own list says: the request layer refuses a NUL
# in any query parameter and any over-long URL (app.request_input); a record id in a path that
# cannot exist, or is not a number at all, is the router's 404 (app.routing).
EVERY_OPERATION = ("invalid_character", "uri_too_long")
WITH_PATH_PARAMETERS = ("not_found",)
# What the HTTP server itself refuses, for any operation, before Parley sees the request: a
# request that is not valid HTTP, a request line or a header over gunicorn.conf.py's limits
# (app.server_errors answers them in the error shape).
SERVER_REFUSALS = ("bad_request", "uri_too_long", "header_fields_too_large")


def add_errors(operation: Schema, codes: tuple[str, ...]) -> None:
    """Merge ``codes`` into the operation's error responses (in place), keeping its own."""
    responses = operation.setdefault("responses", {})
    for status, response in errors(*codes).items():
        if status not in responses:
            responses[status] = response
            continue
        own = responses[status]
        enum = own["content"]["application/json"]["schema"]["properties"]["error"]["properties"]
        listed = enum["code"]["enum"]
        for code in codes:
            meaning = ERRORS[code]
            if meaning[0] == int(status) and code not in listed:
                listed.append(code)
                own["description"] += f"\n- `{code}`: {meaning[1]}"


def add_common_errors(paths: dict[str, Any]) -> None:
    """Give every operation the errors every request can meet (see EVERY_OPERATION and
    SERVER_REFUSALS)."""
    for path, item in paths.items():
        for operation in item.values():
            add_errors(operation, EVERY_OPERATION)
            add_errors(operation, SERVER_REFUSALS)
            if "_id}" in path:
                add_errors(operation, WITH_PATH_PARAMETERS)
