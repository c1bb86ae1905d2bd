"""Building the dataclasses services answer with from query rows and models."""

from __future__ import annotations

from dataclasses import fields
from typing import Any, TypeVar

T = TypeVar("T")


def shape(cls: type[T], source: Any, **values: Any) -> T:
    """An instance of the dataclass ``cls``: the fields in ``values`` as given, every other
    field read from ``source``'s attribute of the same name (a row's column, a model's)."""
    taken = {f.name: getattr(source, f.name) for f in fields(cls) if f.name not in values}  # type: ignore[arg-type]
    return cls(**taken, **values)
