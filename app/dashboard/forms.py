"""Reading the dashboard's query strings and form fields: every input has a type and a limit.

Bad input raises ``ValidationError`` (a 400 page that says what to fix), never a 500.
"""

from __future__ import annotations

import re
from datetime import date

from flask import request, url_for

from app.auth import safe_next
from app.limits import BULK_MAX, SEARCH_TEXT_MAX
from app.services.errors import ValidationError

# C0 controls but tab and line feed (textareas send line breaks), DEL, and C1 controls.
CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def _checked(name: str, value: str, limit: int) -> str | None:
    if len(value) > limit:
        raise ValidationError(f"{name} must be at most {limit} characters", f"invalid_{name}")
    if CONTROL_CHARACTERS.search(value):
        # PostgreSQL refuses NUL in text; no field here has a use for control characters.
        raise ValidationError(f"{name} must not contain control characters", f"invalid_{name}")
    return value or None


def text_arg(name: str, limit: int = SEARCH_TEXT_MAX) -> str | None:
    """A trimmed query-string value, or None when absent or blank."""
    return _checked(name, request.args.get(name, "").strip(), limit)


def date_arg(name: str) -> date | None:
    value = text_arg(name, 10)
    if value is None:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise ValidationError(f"{name} must be a date like 2026-11-25", f"invalid_{name}") from None


def int_arg(name: str) -> int | None:
    value = text_arg(name, 18)
    if value is None:
        return None
    if not value.isdecimal():
        raise ValidationError(f"{name} must be a whole number", f"invalid_{name}")
    return int(value)


def cursor_arg() -> str | None:
    return text_arg("cursor", 200)


def form_text(name: str, limit: int = SEARCH_TEXT_MAX) -> str | None:
    """A trimmed form value (line breaks allowed), or None when absent or blank."""
    value = request.form.get(name, "").strip().replace("\r\n", "\n")
    return _checked(name, value, limit)


def form_choice(name: str, choices: tuple[str, ...] | frozenset[str]) -> str:
    value = request.form.get(name, "")
    if value not in choices:
        allowed = ", ".join(sorted(choices))
        raise ValidationError(f"{name} must be one of: {allowed}", f"invalid_{name}")
    return value


def form_int(name: str, low: int, high: int) -> int:
    value = request.form.get(name, "").strip()
    if len(value) > 9 or not value.isdecimal() or not low <= int(value) <= high:
        raise ValidationError(
            f"{name} must be a whole number from {low} to {high}", f"invalid_{name}"
        )
    return int(value)


def form_ids(name: str = "ids") -> list[int]:
    """The comment ids ticked for a bulk action (1 to BULK_MAX, each a positive integer)."""
    raw = request.form.getlist(name)
    if not raw:
        raise ValidationError("select at least one comment", "no_selection")
    if len(raw) > BULK_MAX:
        raise ValidationError(f"select at most {BULK_MAX} comments at once", "too_many")
    if not all(len(value) <= 18 and value.isdecimal() for value in raw):
        raise ValidationError("comment ids must be whole numbers", "invalid_ids")
    return list(dict.fromkeys(int(value) for value in raw))


def back_to(default_endpoint: str = "dashboard.index", **values: object) -> str:
    """Where to go after a form: the local ``next`` the form carried, else a dashboard page."""
    return safe_next(request.form.get("next"), url_for(default_endpoint, **values))
