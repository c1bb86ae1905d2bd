"""The widget's static files, served with the headers and versioned URLs they need.

The frame's CSS and JS are requested as ``/embed/frame.js?v=<hash>``: the hash changes with the
content, so they are cached for a year. ``embed.js`` and ``count.js`` have fixed URLs (publishers
paste them into pages), so they are cached for an hour and revalidated by ETag. The host-page
scripts get their few visible strings from the i18n catalogues, and the limits they respect
from app/limits.py, substituted for the ``PARLEY_STRINGS`` and ``PARLEY_LIMITS`` placeholders
when the file is first read.
"""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from flask import Response, request

from app import limits
from app.i18n import all_languages

STATIC_DIR = Path(__file__).resolve().parent.parent / "static" / "widget"
MIMETYPES = {".js": "text/javascript", ".css": "text/css"}
YEAR = "public, max-age=31536000, immutable"
HOUR = "public, max-age=3600"
# Strings each host-page script shows; the frame takes its strings from the page itself.
HOST_STRINGS = {"embed.js": "frame_title", "count.js": "comment_count"}
PLACEHOLDER = "PARLEY_STRINGS"
# Limits each host-page script respects (names in app/limits.py).
HOST_LIMITS = {"count.js": ("COUNTS_KEYS_MAX", "HOST_QUERY_MAX"), "embed.js": ("HOST_QUERY_MAX",)}
LIMITS_PLACEHOLDER = "PARLEY_LIMITS"
# Whole-line comments only (a comment must start its line), so code and strings are never cut.
LINE_COMMENTS = re.compile(r"^[ \t]*(?:/\*(?:[^*]|\*(?!/))*\*/|//[^\n]*)[ \t]*$", re.MULTILINE)


@dataclass(frozen=True, slots=True)
class Asset:
    body: bytes
    version: str
    mimetype: str


def compact(text: str) -> str:
    """Drop whole-line comments, indentation and blank lines: the sources stay readable in the
    repository, readers download a third less (after gzip)."""
    text = LINE_COMMENTS.sub("", text)
    return "\n".join(line.strip() for line in text.splitlines() if line.strip()) + "\n"


def _read(name: str) -> bytes:
    text = compact((STATIC_DIR / name).read_text(encoding="utf-8"))
    if name in HOST_STRINGS:
        strings = json.dumps(all_languages(HOST_STRINGS[name]), ensure_ascii=False)
        text = text.replace(PLACEHOLDER, strings)
    if name in HOST_LIMITS:
        values = {limit: getattr(limits, limit) for limit in HOST_LIMITS[name]}
        text = text.replace(LIMITS_PLACEHOLDER, json.dumps(values))
    return text.encode()


@lru_cache(maxsize=16)
def _load(name: str, mtime_ns: int) -> Asset:
    body = _read(name)
    version = hashlib.sha256(body).hexdigest()[:12]
    return Asset(body, version, MIMETYPES[Path(name).suffix])


def asset(name: str) -> Asset:
    """One file of app/static/widget (re-read when it changes on disk)."""
    return _load(name, (STATIC_DIR / name).stat().st_mtime_ns)


def asset_response(name: str, cache_control: str) -> Response:
    """The file with its JS/CSS mimetype (UTF-8), caching and ETag revalidation (``nosniff``
    comes with every response: app.security_headers)."""
    found = asset(name)
    response = Response(found.body, mimetype=found.mimetype)
    response.headers["Cache-Control"] = cache_control
    response.set_etag(found.version)
    return response.make_conditional(request)
