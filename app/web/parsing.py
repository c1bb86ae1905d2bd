"""Reading request input into plain values, with the contract's 4xx errors."""

from __future__ import annotations

from typing import Any

from flask import request

from app.services.article_source import RequestSource, origin_of
from app.services.errors import DomainError, ValidationError
from app.web.serializers import public_base_url


class UnsupportedMediaType(DomainError):
    status = 415
    code = "unsupported_media_type"


def json_body() -> dict[str, Any]:
    """The request's JSON object. 415 if it is not JSON, 400 if it is not a JSON object.

    Parsing goes through app.request_input, which answers 400 ``invalid_json`` for malformed,
    too deeply nested or unencodable JSON.
    """
    if not request.is_json:
        raise UnsupportedMediaType("send a JSON body with Content-Type: application/json")
    data = request.get_json()
    if not isinstance(data, dict):
        raise ValidationError("the body must be a JSON object", "invalid_json")
    return data


def query_int(name: str, default: int) -> int:
    value = optional_query_int(name)
    return default if value is None else value


def optional_query_int(name: str) -> int | None:
    """A whole-number query parameter, or None when it is absent or empty."""
    raw = request.args.get(name)
    if raw is None or raw == "":
        return None
    try:
        return int(raw)
    except ValueError:
        raise ValidationError(f"{name} must be a whole number", f"invalid_{name}") from None


def required_arg(name: str, code: str | None = None) -> str:
    value = request.args.get(name, "")
    if not value:
        raise ValidationError(f"the {name} query parameter is required", code or f"invalid_{name}")
    return value


def request_source() -> RequestSource:
    """Where this request comes from: its Origin header, and Parley's own origin."""
    own = origin_of(public_base_url())  # PARLEY_PUBLIC_URL may carry a path
    return RequestSource(origin=request.headers.get("Origin"), own_origin=own)
