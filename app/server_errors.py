"""The answers gunicorn writes itself, in the contract's error shape.

Some requests never reach Parley: gunicorn refuses them while reading the request, and used to
answer with an HTML page. ``{"error": {"code", "message"}}`` is what the contract promises for
every error, and what the OpenAPI document says a 414 is. These are:

* a request line over ``limit_request_line`` (gunicorn.conf.py: 8,190 bytes, gunicorn's
  ceiling): 414, for example ``/api/v1/counts`` with many long article keys;
* a header line over ``limit_request_field_size``, or more than ``limit_request_fields``
  headers: 431;
* a request that is not HTTP/1.1 as written: a raw space or a non-ASCII byte in the path, a
  Content-Length that is not a number, a control character in a header value, a bad chunk:
  400 (501 for a Transfer-Encoding gunicorn does not implement).

``install()`` (gunicorn.conf.py calls it in every worker) replaces gunicorn's HTML writer with
``write_json_error``; the status, gunicorn's own log line and the closed connection stay as
they were. Nothing here runs for a request that reached Flask (app.errors answers those).
"""

from __future__ import annotations

import json
import socket

from gunicorn import util

CODES = {
    400: "bad_request",
    403: "forbidden",
    414: "uri_too_long",
    417: "expectation_failed",
    431: "header_fields_too_large",
    500: "internal_error",
    501: "not_implemented",
}
MESSAGES = {
    400: "the request is not valid HTTP/1.1",
    403: "the request is forbidden",
    414: "the URL is too long: send fewer or shorter query parameters",
    417: "the Expect header cannot be met: send the request without it",
    431: "a header is too long, or there are too many headers: send fewer or shorter ones",
    500: "something went wrong on our side; the request was not completed",
    501: "this Transfer-Encoding is not supported: send the body with a Content-Length",
}
# gunicorn's description of what it refused may quote the whole request line (8 KB): enough of
# it to say what was wrong.
DETAIL_CHARS = 200


def error_body(status: int, detail: str) -> bytes:
    """The error object for a request gunicorn refused with ``status``; ``detail`` is
    gunicorn's own description, kept (shortened) after the message when there is one."""
    message = MESSAGES.get(status, "the request was refused")
    detail = " ".join(detail.split())
    if detail and status != 500:
        shortened = detail if len(detail) <= DETAIL_CHARS else detail[:DETAIL_CHARS] + "..."
        message = f"{message} ({shortened})"
    error = {"code": CODES.get(status, "error"), "message": message}
    return json.dumps({"error": error}).encode("ascii")  # ensure_ascii: any byte it quoted


def write_json_error(sock: socket.socket, status_int: int, reason: str, mesg: str) -> None:
    """gunicorn.util.write_error's replacement: the same status, as JSON."""
    body = error_body(status_int, mesg)
    head = (
        f"HTTP/1.1 {status_int} {reason}\r\n"
        "Connection: close\r\n"
        "Content-Type: application/json\r\n"
        f"Content-Length: {len(body)}\r\n"
        "Cache-Control: no-store\r\n"
        "X-Content-Type-Options: nosniff\r\n"
        "\r\n"
    )
    util.write_nonblock(sock, head.encode("latin-1") + body)


def install() -> None:
    """Make gunicorn (this process) answer the requests it refuses with ``write_json_error``."""
    util.write_error = write_json_error
