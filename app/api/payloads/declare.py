"""Endpoints as the document lists them: an ``Operation`` each, and ``paths(...)`` of them.

An operation says what an endpoint takes and answers by pointing at payload declarations
(``TypedDict`` classes, ``app/web/fields.py``) through ``app.api.spec.schemas.schema_of``, and
lists the error codes it can return; ``app.api.spec`` assembles the parts into the document
served at ``/api/v1/openapi.json``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from app.api.spec.common import errors

Schema = dict[str, Any]


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
