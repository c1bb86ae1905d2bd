"""Values decoded from JSON that Parley can take: every string encodable and free of NUL, nesting
bounded.

A lone surrogate such as ``"\\ud800"`` is valid JSON but not text: every later ``encode()`` fails.
PostgreSQL refuses a NUL (U+0000) in text. Request bodies (``app.request_input``) and SSO tokens'
headers and claims (``app.services.sso``) are checked with ``check_json_value``, so either is a
4xx that says what to fix, never a 500.
"""

from __future__ import annotations

from typing import Any

from app.limits import JSON_DEPTH_MAX

NUL = "\x00"


class InvalidJSON(ValueError):
    """A JSON document that parses but that Parley refuses (too deep, unencodable strings)."""


def has_lone_surrogate(text: str) -> bool:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return True
    return False


def check_json_value(value: Any) -> None:
    """Raise InvalidJSON unless every string is encodable and free of NUL, and nesting is bounded.

    Iterative, so a hostile document cannot exhaust the stack here either.
    """
    stack: list[tuple[Any, int]] = [(value, 1)]
    while stack:
        item, depth = stack.pop()
        if isinstance(item, str):
            if has_lone_surrogate(item):
                raise InvalidJSON("a string holds a lone surrogate (\\ud800-\\udfff): not text")
            if NUL in item:
                raise InvalidJSON("a string holds a NUL character (\\u0000): remove it")
        elif isinstance(item, dict | list):
            if depth > JSON_DEPTH_MAX:
                raise InvalidJSON(f"the JSON is nested deeper than {JSON_DEPTH_MAX} levels")
            children = [*item.keys(), *item.values()] if isinstance(item, dict) else item
            stack.extend((child, depth + 1) for child in children)
