"""Domain errors. One handler (app.errors) turns them into HTTP answers."""

from __future__ import annotations


class DomainError(Exception):
    """A refusal with a stable machine code and a sentence that says what to fix."""

    status = 400
    code = "invalid_request"

    def __init__(self, message: str, code: str | None = None, *, field: str | None = None):
        super().__init__(message)
        self.message = message
        if code is not None:
            self.code = code
        self.field = field  # the input it is about, where a form shows the message beside it


class ValidationError(DomainError):
    status = 400


class NotFound(DomainError):
    status = 404
    code = "not_found"


class Forbidden(DomainError):
    status = 403
    code = "forbidden"


class Unauthorized(DomainError):
    status = 401
    code = "unauthorized"


class Conflict(DomainError):
    status = 409
    code = "conflict"
