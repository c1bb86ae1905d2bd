"""The values of the toxicity settings: thresholds, the scorer's URL, the guidelines.

app.services.site_settings lists the settings themselves (``toxicity_hold``,
``toxicity_nudge``, ``toxicity_scorer_url``, ``guidelines_text``, ``guidelines_url``) and
uses these functions to validate them.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any
from urllib.parse import urlsplit

from app.limits import SETTING_URL_MAX
from app.sanitize import normalize_text
from app.services.errors import ValidationError

OFF = "off"
# What docs/moderation.md recommends, measured on tests/data/toxicity_labelled.csv; the
# settings form suggests them. New sites start with both off (the contract).
RECOMMENDED = {"toxicity_hold": 0.9, "toxicity_nudge": 0.7}


def clean_threshold(name: str, value: Any) -> float | str:
    """A score from 0 to 1, or "off" (an empty form field is off too)."""
    if value is None or (isinstance(value, str) and value.strip().lower() in {OFF, ""}):
        return OFF
    if isinstance(value, str):
        try:
            value = float(value.strip())
        except ValueError:
            pass
    if isinstance(value, bool) or not isinstance(value, int | float) or not 0 <= value <= 1:
        raise ValidationError(f"{name} must be a number from 0 to 1, or off", "invalid_setting")
    return float(value)


def http_url(empty: str) -> Callable[[str, Any], str]:
    """An http(s) URL with a host and no credentials, or "" (meaning ``empty``)."""

    def clean(name: str, value: Any) -> str:
        if value is None or (isinstance(value, str) and not value.strip()):
            return ""
        if isinstance(value, str):
            value = value.strip()
            parts = urlsplit(value)
            if (
                len(value) <= SETTING_URL_MAX
                and parts.scheme in {"http", "https"}
                and parts.hostname
                and parts.username is None
                and not any(ch.isspace() for ch in value)
            ):
                return value
        raise ValidationError(
            f"{name} must be an http(s) URL without credentials, at most {SETTING_URL_MAX} "
            f"characters, or empty for {empty}",
            "invalid_setting",
        )

    return clean


def plain_text(limit: int) -> Callable[[str, Any], str]:
    """Text of at most ``limit`` characters ("" when empty)."""

    def clean(name: str, value: Any) -> str:
        if value is None:
            return ""
        if not isinstance(value, str):
            raise ValidationError(f"{name} must be text", "invalid_setting")
        value = normalize_text(value).strip()
        if len(value) > limit:
            raise ValidationError(f"{name} must be at most {limit} characters", "invalid_setting")
        return value

    return clean
