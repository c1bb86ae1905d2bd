"""Error handlers: JSON ``{"error": {"code", "message"}}`` for the API, HTML pages for people."""

from __future__ import annotations

from flask import Flask, Response, current_app, jsonify, render_template, request
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException, InternalServerError

from app.extensions import db
from app.retry_after import set_retry_after
from app.services.errors import DomainError

# Werkzeug's exceptions carry no machine code; these are the contract's names for them.
HTTP_CODES = {
    400: "bad_request",
    401: "unauthorized",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    413: "payload_too_large",
    414: "uri_too_long",
    415: "unsupported_media_type",
    429: "rate_limited",
    500: "internal_error",
}
HTTP_MESSAGES = {
    404: "there is nothing at this address",
    405: "this method is not allowed here",
    413: "the request body is too large",
    414: "the URL is too long: send fewer or shorter query parameters",
    415: "send a JSON body with Content-Type: application/json",
    429: "too many requests: slow down and retry after the time in Retry-After",
    500: "something went wrong on our side; the request was not completed",
}


def wants_json() -> bool:
    return request.path.startswith("/api/") or (request.accept_mimetypes.best == "application/json")


def error_response(status: int, code: str, message: str, details: dict | None = None) -> Response:
    """``details``: more fields for the error object (e.g. the nudge's guidelines)."""
    if wants_json():
        response = jsonify({"error": {"code": code, "message": message, **(details or {})}})
    else:
        response = Response(
            render_template("errors/error.html", status=status, code=code, message=message),
            mimetype="text/html",
        )
    response.status_code = status
    return response


def handle_domain_error(error: DomainError) -> Response:
    db.session.rollback()
    response = error_response(
        error.status, error.code, error.message, getattr(error, "details", None)
    )
    retry_after = getattr(error, "retry_after", None)  # e.g. rules.RateLimited (429)
    if retry_after is not None:
        set_retry_after(response, retry_after)
    return response


def handle_http_exception(error: HTTPException) -> Response:
    status = error.code or 500
    code = HTTP_CODES.get(status, "error")
    message = HTTP_MESSAGES.get(status) or (error.description or "request failed")
    if status == 400 and isinstance(error, CSRFError):
        status, code, message = 403, "csrf_failed", f"CSRF check failed: {error.description}"
    elif status == 429:
        message = f"too many requests ({error.description}); retry after the time in Retry-After"
    response = error_response(status, code, message)
    if status == 405 and getattr(error, "valid_methods", None):
        response.headers["Allow"] = ", ".join(error.valid_methods)
    return response


def handle_unexpected(error: Exception) -> Response:
    current_app.logger.exception("unhandled error on %s %s", request.method, request.path)
    db.session.rollback()
    return handle_http_exception(InternalServerError())


def register_error_handlers(app: Flask) -> None:
    app.register_error_handler(DomainError, handle_domain_error)
    app.register_error_handler(HTTPException, handle_http_exception)
    app.register_error_handler(Exception, handle_unexpected)
