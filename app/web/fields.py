"""The field types API payloads are declared with, and the mark of a named schema.

A payload (an answer, a request body) is a ``TypedDict`` whose fields carry their limits
(``app/limits.py``) and vocabularies (the services' enums and tuples) in
``Annotated[..., Field(...)]``. Serializers return these types, so the declaration that types
the code is the one the OpenAPI document is generated from (``app/api/spec/schemas.py``).
Nothing here runs per request: answers stay plain dicts encoded by orjson, and pydantic reads
the declarations only to write the document (docs/architecture.md says why).
"""

from __future__ import annotations

import enum
from collections.abc import Iterable
from typing import Annotated, Any, Literal, TypeVar

from pydantic import Field

Payload = TypeVar("Payload", bound=type)

# Every payload named in the document's ``components.schemas``, by class name.
COMPONENTS: dict[str, type] = {}


def component(cls: Payload) -> Payload:
    """Name ``cls`` in the document (``#/components/schemas/<class name>``).

    Every other payload is written out where it is used. Names are unique: a second class of
    the same name is refused, so a reference can never point at the wrong shape.
    """
    if COMPONENTS.setdefault(cls.__name__, cls) is not cls:
        raise ValueError(f"two payloads are named {cls.__name__}")
    return cls


def one_of(values: Iterable[Any] | type[enum.Enum]) -> Any:
    """A ``Literal`` of a vocabulary the service defines (an enum or a tuple), never a copy."""
    if isinstance(values, type) and issubclass(values, enum.Enum):
        return Literal[tuple(member.value for member in values)]
    return Literal[tuple(values)]


def formatted(name: str) -> Any:
    """Text in a JSON Schema ``format`` (``uri``, ``email``, ``date-time``...)."""
    return Annotated[str, Field(json_schema_extra={"format": name})]


Url = formatted("uri")
Timestamp = formatted("date-time")  # ``2026-11-25T14:03:00Z``, always UTC
Email = formatted("email")
Count = Annotated[int, Field(ge=0)]  # a number of things
