"""Compressed answers: brotli when the client accepts it, else gzip (PARLEY_COMPRESSION=off when
a proxy in front compresses). Cached thread pages are stored compressed (app.web.caching), so
serving them costs no compression; other JSON and HTML answers are compressed on the way out.
"""

from __future__ import annotations

import gzip

import brotli
from flask import Flask, Response, current_app, request

COMPRESSIBLE = frozenset({"application/json", "text/html", "text/javascript", "text/css"})
MIN_SIZE = 1024  # smaller answers fit in a packet or two anyway


def accepted_encoding(accept_encoding: str | None) -> str | None:
    """``br``, ``gzip`` or None (identity), from an Accept-Encoding header."""
    if not accept_encoding:
        return None
    offered = set()
    for part in accept_encoding.lower().split(","):
        name, _, params = part.strip().partition(";")
        if params.strip().replace(" ", "") in ("q=0", "q=0.0", "q=0.00", "q=0.000"):
            continue
        offered.add(name.strip())
    if "br" in offered:
        return "br"
    if "gzip" in offered or "*" in offered:
        return "gzip"
    return None


def compress(data: bytes, encoding: str | None) -> bytes:
    if encoding == "br":
        return brotli.compress(data, quality=5)
    if encoding == "gzip":
        return gzip.compress(data, compresslevel=6, mtime=0)
    return data


def pack(data: bytes, encoding: str | None) -> tuple[str | None, bytes]:
    """``data`` compressed with ``encoding`` if it is worth it, and the encoding used (None:
    left as it was)."""
    if encoding is None or len(data) < MIN_SIZE:
        return None, data
    return encoding, compress(data, encoding)


def wanted_encoding() -> str | None:
    if not current_app.config["PARLEY_COMPRESSION"]:
        return None
    return accepted_encoding(request.headers.get("Accept-Encoding"))


def compress_response(response: Response) -> Response:
    """after_request: compress a sizeable JSON/HTML/JS/CSS answer the client can decode."""
    if (
        response.direct_passthrough
        or response.is_streamed
        or response.status_code != 200
        or "Content-Encoding" in response.headers
        or response.mimetype not in COMPRESSIBLE
    ):
        return response
    response.vary.add("Accept-Encoding")
    encoding = wanted_encoding()
    if encoding is None:
        return response
    data = response.get_data()
    if len(data) < MIN_SIZE:
        return response
    response.set_data(compress(data, encoding))
    response.headers["Content-Encoding"] = encoding
    etag, weak = response.get_etag()
    if etag and not weak:  # the compressed bytes differ: a strong tag would lie about them
        response.set_etag(etag, weak=True)
    return response


def init_compression(app: Flask) -> None:
    app.after_request(compress_response)
