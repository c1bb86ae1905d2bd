"""``Retry-After`` says what Parley means, on its 429 and 503 answers only.

Flask-Limiter (its headers are on, for the ``X-RateLimit-*`` ones) also sets ``Retry-After`` on
every answer of a rate-limited endpoint: its window's reset, or the header already set when that
is later. So a 201 carried one, and a 503 during an outage said up to an hour (an hourly window)
instead of 5 s, which a client that honours it would wait. ``set_retry_after`` sets the header
and remembers it for the request; ``keep_own_retry_after``, which runs after the limiter's hook,
puts it back and takes the limiter's off any other answer but its own 429.
"""

from __future__ import annotations

from flask import Flask, Response, g


def set_retry_after(response: Response, seconds: int) -> Response:
    response.headers["Retry-After"] = str(seconds)
    g.parley_retry_after = str(seconds)
    return response


def keep_own_retry_after(response: Response) -> Response:
    own = g.get("parley_retry_after")
    if own is not None:
        response.headers["Retry-After"] = own
    elif response.status_code != 429:
        response.headers.pop("Retry-After", None)
    return response


def register_retry_after(app: Flask) -> None:
    """Before the extensions: Flask runs after_request hooks last-registered first, so this one
    runs after Flask-Limiter's."""
    app.after_request(keep_own_retry_after)
