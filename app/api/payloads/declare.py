"""The vocabulary API payloads are declared in, and the OpenAPI it becomes.

A payload (a request body, a query parameter, a response) is declared once in a module of
``app/api/payloads/`` with these helpers, which take their numbers from ``app/limits.py`` and
their word lists from the enums and tuples the services validate with; ``app.api.spec``
assembles the declarations into the document served at ``/api/v1/openapi.json``. An endpoint
is an ``Operation``; ``paths(...)`` turns operations into the document's ``paths``.

Plain dictionaries of JSON Schema come out, so a declaration can still say anything JSON
Schema can (``{**string(...), "format": "uri"}``) where the helpers have no word for it.
"""

from __future__ import annotations

import enum
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from app.api.spec.common import errors
from app.limits import PAGE_SIZE

Schema = dict[str, Any]


def _described(schema: Schema, description: str | None, default: Any = None) -> Schema:
    if default is not None:
        schema["default"] = default
    if description is not None:
        schema["description"] = description
    return schema


def _type(name: str, nullable: bool) -> str | list[str]:
    return [name, "null"] if nullable else name


def string(
    max_length: int | None = None,
    *,
    min_length: int | None = None,
    nullable: bool = False,
    format: str | None = None,  # noqa: A002 (JSON Schema's word)
    pattern: str | None = None,
    description: str | None = None,
) -> Schema:
    """Text of ``min_length`` to ``max_length`` characters (either bound may be left out)."""
    schema: Schema = {"type": _type("string", nullable)}
    if format is not None:
        schema["format"] = format
    if min_length is not None:
        schema["minLength"] = min_length
    if max_length is not None:
        schema["maxLength"] = max_length
    if pattern is not None:
        schema["pattern"] = pattern
    return _described(schema, description)


def integer(
    minimum: int | None = None,
    maximum: int | None = None,
    *,
    nullable: bool = False,
    default: int | None = None,
    description: str | None = None,
) -> Schema:
    """A whole number from ``minimum`` to ``maximum`` (either bound may be left out)."""
    schema: Schema = {"type": _type("integer", nullable)}
    if minimum is not None:
        schema["minimum"] = minimum
    if maximum is not None:
        schema["maximum"] = maximum
    return _described(schema, description, default)


def count(description: str | None = None) -> Schema:
    """A number of things: a whole number from 0."""
    return integer(0, description=description)


def in_range(bounds: tuple[int, int], *, nullable: bool = False) -> Schema:
    """A whole number within ``bounds`` (a ``(low, high)`` pair of ``app.limits``)."""
    return integer(*bounds, nullable=nullable)


def boolean(description: str | None = None) -> Schema:
    return _described({"type": "boolean"}, description)


def timestamp(*, nullable: bool = False, description: str | None = None) -> Schema:
    return _described({"type": _type("string", nullable), "format": "date-time"}, description)


def choice(
    values: Iterable[Any] | type[enum.Enum],
    *,
    default: str | None = None,
    description: str | None = None,
) -> Schema:
    """One of ``values``: a vocabulary the service defines (an enum or a tuple), never a copy."""
    words = [member.value for member in values] if isinstance(values, type) else list(values)
    return _described({"enum": words}, description, default)


def array(
    items: Schema,
    *,
    min_items: int | None = None,
    max_items: int | None = None,
    description: str | None = None,
) -> Schema:
    schema: Schema = {"type": "array", "items": items}
    if min_items is not None:
        schema["minItems"] = min_items
    if max_items is not None:
        schema["maxItems"] = max_items
    return _described(schema, description)


def obj(
    properties: dict[str, Schema],
    *,
    required: Iterable[str] = (),
    description: str | None = None,
) -> Schema:
    """An object with these properties; ``required`` lists the ones always present."""
    schema: Schema = {"type": "object"}
    if description is not None:
        schema["description"] = description
    required = list(required)
    if required:
        schema["required"] = required
    schema["properties"] = properties
    return schema


def page_size(maximum: int, *, default: int | None = PAGE_SIZE) -> Schema:
    """The ``limit`` of a paged list: 1 to ``maximum`` items, ``PAGE_SIZE`` by default."""
    return integer(1, maximum, default=default)


def whole_number_error(name: str, low: int, high: int) -> str:
    """How an error states the range of a number, from the same limits as the check."""
    return f"`{name}` is not a whole number from {low} to {high}"


@dataclass(frozen=True)
class Operation:
    """One endpoint: what it takes, what it answers, and the error codes it can return.

    ``responses`` holds the successful answers by status; ``errors`` the codes, as
    ``app.api.spec.common.errors`` takes them. Left-out keys stay out of the document.
    """

    method: str
    path: str
    operation_id: str
    summary: str
    tags: tuple[str, ...]
    responses: dict[str, Schema]
    description: str | None = None
    security: list[dict[str, list[str]]] | None = None
    parameters: list[Schema] | None = None
    request_body: Schema | None = None
    errors: tuple[Any, ...] = ()
    extra: dict[str, Any] = field(default_factory=dict)

    def openapi(self) -> Schema:
        operation: Schema = {
            "operationId": self.operation_id,
            "tags": list(self.tags),
            "summary": self.summary,
        }
        optional = {
            "description": self.description,
            "security": self.security,
            "parameters": self.parameters,
            "requestBody": self.request_body,
        }
        operation.update({key: value for key, value in optional.items() if value is not None})
        operation["responses"] = {**self.responses, **(errors(*self.errors) if self.errors else {})}
        operation.update(self.extra)
        return operation


def paths(*operations: Operation) -> dict[str, Schema]:
    """The ``paths`` of a part of the document, from its operations."""
    found: dict[str, Schema] = {}
    for operation in operations:
        item = found.setdefault(operation.path, {})
        if operation.method in item:
            raise ValueError(f"{operation.method} {operation.path} is declared twice")
        item[operation.method] = operation.openapi()
    return found
