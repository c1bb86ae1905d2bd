"""HTTP caching of the reader endpoints (contract v1.1 "Caching").

Anonymous answers (no session cookie, no Authorization header) carry a weak ``ETag`` and
``Cache-Control: public, max-age, stale-while-revalidate``, so a CDN may serve them, and a
matching ``If-None-Match`` gets 304. Their bodies come from the shared cache, compressed once
for each encoding. Answers to anyone identified are ``private, no-store`` and never cached:
they may hold that reader's pending comments, votes and reaction.

Every such answer, public or private, names in ``Vary`` the request headers that decide
whether it is anonymous (``IDENTITY_HEADERS``), and the public ones ``Accept-Encoding`` too: a
shared cache then keys what it stores on them, and never hands one reader's answer to another
or a stored anonymous answer to a signed-in reader.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable

from flask import Response, current_app, request

from app.compression import MIN_SIZE, compress, wanted_encoding
from app.sessions import FRAME_HEADER
from app.shared_cache import shared_cache
from app.web.viewer import SSO_HEADER, has_session_cookie

PRIVATE = "private, no-store"
# What ``is_anonymous`` reads: the cookies (session, remember-me, the frame's), a bearer token,
# an SSO token, and the header that makes a call use the frame's cookie.
IDENTITY_HEADERS = ("Cookie", "Authorization", SSO_HEADER, FRAME_HEADER)
COMPRESSED, PLAIN = b"c", b"p"  # first byte of a cached body: stored compressed or not


def is_anonymous() -> bool:
    """True when the answer cannot depend on who asks."""
    remember = current_app.config.get("REMEMBER_COOKIE_NAME", "remember_token")
    return (
        "Authorization" not in request.headers
        and SSO_HEADER not in request.headers
        and not has_session_cookie()
        and remember not in request.cookies
    )


def public_cache_control() -> str:
    config = current_app.config
    return (
        f"public, max-age={config['PARLEY_CACHE_MAX_AGE']}, "
        f"stale-while-revalidate={config['PARLEY_CACHE_STALE_SECONDS']}"
    )


def make_tag(*parts: object) -> str:
    return hashlib.blake2b("\x1f".join(map(str, parts)).encode(), digest_size=12).hexdigest()


def vary_by_caller(response: Response) -> Response:
    """Name in ``Vary`` what decides who the answer is for (``IDENTITY_HEADERS``)."""
    for header in IDENTITY_HEADERS:
        response.vary.add(header)
    return response


def not_modified(tag: str, headers: dict[str, str]) -> Response | None:
    """304 when the client holds ``tag``; it varies as the full answer does (RFC 9110 15.4.5)."""
    if not request.if_none_match.contains_weak(tag):
        return None
    response = Response(status=304, headers=headers)
    response.set_etag(tag, weak=True)
    response.vary.add("Accept-Encoding")
    return vary_by_caller(response)


def public_answer(
    tag: str, build: Callable[[], bytes], headers: dict[str, str] | None = None
) -> Response:
    """An anonymous JSON answer tagged ``tag``: 304, or the body from the shared cache (built
    with ``build`` and stored on a miss), compressed as the client accepts."""
    headers = {**(headers or {}), "Cache-Control": public_cache_control()}
    unchanged = not_modified(tag, headers)
    if unchanged is not None:
        return unchanged
    encoding = wanted_encoding()
    key = f"{tag}:{encoding or 'identity'}"
    cache = shared_cache()
    stored = cache.get(key)
    if stored is None:
        raw = build()
        packed = compress(raw, encoding) if encoding and len(raw) >= MIN_SIZE else None
        stored = COMPRESSED + packed if packed is not None else PLAIN + raw
        cache.set(key, stored)
    response = Response(stored[1:], mimetype="application/json", headers=headers)
    if stored[:1] == COMPRESSED:
        response.headers["Content-Encoding"] = encoding
    response.vary.add("Accept-Encoding")
    response.set_etag(tag, weak=True)
    return vary_by_caller(response)


def tagged_answer(body: bytes, headers: dict[str, str] | None = None) -> Response:
    """An anonymous JSON answer that is cheap to build, tagged by its content (no shared cache:
    the query that builds it costs what a cache lookup would)."""
    headers = {**(headers or {}), "Cache-Control": public_cache_control()}
    tag = hashlib.blake2b(body, digest_size=12).hexdigest()
    unchanged = not_modified(tag, headers)
    if unchanged is not None:
        return unchanged
    response = Response(body, mimetype="application/json", headers=headers)
    response.set_etag(tag, weak=True)
    response.vary.add("Accept-Encoding")  # compress_response may compress it
    return vary_by_caller(response)


def private(response: Response) -> Response:
    response.headers["Cache-Control"] = PRIVATE
    return vary_by_caller(response)
