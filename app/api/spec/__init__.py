"""The OpenAPI 3.1 document served at ``GET /api/v1/openapi.json``, generated from declarations.

Every API payload (request bodies and answers) is declared once, as a ``TypedDict`` whose
fields carry their limits (``app/limits.py``) and vocabularies (the services' enums) in
``Annotated[..., Field(...)]`` (``app/web/fields.py``); the serializers return these types.
pydantic generates their JSON Schema (``schemas.py``), so the document says what the code
sends and the validation checks. Each endpoint is an ``Operation`` (``app.api.payloads.declare``)
that points at those payloads and lists its parameters and error codes. This module assembles
the parts of ``app/api/payloads/``:

* ``core``: threads, counts, this document; the Error/Author/Comment/Article/Thread schemas.
* ``posting``: posting a comment (``NewComment``).
* ``widget`` and ``editing``: reactions, votes, reports; editing or deleting one's own comment.
* ``moderation`` (a package): ``/api/v1/moderation/...``.
* ``account`` and ``identity``: the reader's own account, SSO sessions, signing out.
* ``replies``: the replies cap of a thread read, and the replies it left out.
* ``live``: the Server-Sent Events stream.

A part defines ``PATHS`` (``{"/api/v1/...": {"get": {operation}}}``, full paths as in the URL
map, usually ``declare.paths(...)`` of its ``Operation``s) and may define:

* ``SCHEMAS``: merged into ``components.schemas``, usually ``schemas.component_schemas(...)``
  of payloads marked ``@component``; ``schemas.schema_of(payload)`` refers to one;
* ``EXTENDS``: ``{"Comment": {"own": {...}}}`` adds properties to a schema another part
  defines, without editing that part (the payloads declare their optional fields themselves,
  ``NotRequired``, so no part needs it today);
* ``TAGS``: tag objects for the operations' ``tags``.

``core`` is required; every other part in ``PARTS`` is imported with importlib only if its
module exists, so a missing part is fine, while an error *inside* an existing part still fails
loudly. Two parts may add different methods to the same path. The same method on the same path
or the same schema name in two parts, extending a schema no part defines, or redefining an
existing property is a ``SpecConflict`` when the document is built.

``app.api.spec.common`` has the building blocks of operations every part shares (``errors``,
``json_response``, ``query``, the error codes...). Every route under ``/api/v1`` must be
declared: ``tests/test_openapi.py`` fails otherwise, and also checks that the answers and
errors the endpoints really return fit this document.
"""

from __future__ import annotations

import copy
import importlib
from functools import cache
from types import ModuleType
from typing import Any

from app.api.spec.common import add_common_errors

PARTS = (
    "core",
    "posting",
    "widget",
    "editing",
    "moderation",
    "account",
    "replies",
    "identity",
    "live",
)
REQUIRED_PARTS = frozenset({"core"})
PACKAGE = "app.api.payloads"  # where the parts are declared

DESCRIPTION = """\
Parley's JSON API. `docs/api.md` is the full reference in prose.

JSON in and out, UTF-8; timestamps are ISO 8601 in UTC (`2026-11-25T14:03:00Z`).
Every error is `{"error": {"code": "snake_case_code", "message": "human sentence"}}`;
besides the codes listed on each operation, any path can answer `not_found` (404),
`method_not_allowed` (405, with `Allow`), and `internal_error` (500).

Authentication: `Authorization: Bearer <token>` (tokens from `flask users token EMAIL`),
or Parley's session cookie, in which case every state-changing request must carry the
session's CSRF token in `X-CSRFToken`. Requests without either are anonymous guests.
"""

SECURITY_SCHEMES = {
    "bearerAuth": {
        "type": "http",
        "scheme": "bearer",
        "description": (
            "An API token made by `flask users token EMAIL` (starts with `pk_`). Acts as that "
            "user; cookies are then ignored and no CSRF token is needed."
        ),
    },
    "sessionCookie": {
        "type": "apiKey",
        "in": "cookie",
        "name": "parley_session",
        "description": (
            "Parley's session (a signed-in account, or a guest's browser identity; the widget "
            "frame's calls use a cookie of their own, see the widget tag). "
            "POST/PUT/PATCH/DELETE requests with this cookie must send the session's CSRF token "
            "in the `X-CSRFToken` header, else 403 `csrf_failed`."
        ),
    },
}


class SpecConflict(RuntimeError):
    """Two parts of the document describe the same thing."""


def load_parts() -> list[ModuleType]:
    """The part modules that exist, in PARTS order."""
    modules = []
    for part in PARTS:
        name = f"{PACKAGE}.{part}"
        try:
            modules.append(importlib.import_module(name))
        except ModuleNotFoundError as exc:
            if exc.name != name or part in REQUIRED_PARTS:
                raise
    return modules


def _merge_paths(paths: dict[str, Any], new: dict[str, Any], source: str) -> None:
    for path, item in new.items():
        merged = paths.setdefault(path, {})
        for key, value in item.items():
            if key in merged and merged[key] != value:
                raise SpecConflict(f"{source} redefines {key} of {path}")
            merged[key] = value


def _merge_schemas(schemas: dict[str, Any], new: dict[str, Any], source: str) -> None:
    for name, schema in new.items():
        if name in schemas:
            raise SpecConflict(f"{source} redefines the schema {name}")
        schemas[name] = schema


def _extend_schemas(schemas: dict[str, Any], extends: dict[str, Any], source: str) -> None:
    """Add properties to schemas of other parts (copied: the parts' dicts stay untouched)."""
    for name, properties in extends.items():
        if name not in schemas:
            raise SpecConflict(f"{source} extends the schema {name}, which no part defines")
        schema = schemas[name]
        clash = sorted(set(properties) & set(schema.get("properties", {})))
        if clash:
            raise SpecConflict(f"{source} redefines {', '.join(clash)} of the schema {name}")
        schemas[name] = {**schema, "properties": {**schema.get("properties", {}), **properties}}


def merge_parts(modules: list[Any]) -> dict[str, Any]:
    """The document made of these parts (modules, or any objects with the same attributes)."""
    paths: dict[str, Any] = {}
    schemas: dict[str, Any] = {}
    tags: list[dict[str, Any]] = []
    for module in modules:
        _merge_paths(paths, getattr(module, "PATHS", {}), module.__name__)
        _merge_schemas(schemas, getattr(module, "SCHEMAS", {}), module.__name__)
        known = {tag["name"] for tag in tags}
        tags.extend(tag for tag in getattr(module, "TAGS", []) if tag["name"] not in known)
    for module in modules:  # after every part's schemas are known
        _extend_schemas(schemas, getattr(module, "EXTENDS", {}), module.__name__)
    paths = copy.deepcopy(paths)  # the parts' dicts stay untouched
    add_common_errors(paths)
    return {
        "openapi": "3.1.0",
        "info": {"title": "Parley API", "version": "1", "description": DESCRIPTION},
        "tags": tags,
        "paths": dict(sorted(paths.items())),
        "components": {"schemas": schemas, "securitySchemes": SECURITY_SCHEMES},
    }


def build_spec() -> dict[str, Any]:
    """The whole document, merged from the parts that exist."""
    return merge_parts(load_parts())


@cache
def spec_document() -> dict[str, Any]:
    """``build_spec()``, built once per process (the parts are static)."""
    return build_spec()
