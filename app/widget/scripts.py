"""``/embed.js`` and ``/count.js`` for publishers' pages, and the frame's own CSS and JS."""

from __future__ import annotations

from flask import Response, abort, request

from app.widget import bp
from app.widget.assets import HOUR, YEAR, asset, asset_response

FRAME_FILES = {"frame.css", "frame.js", "nudge.js", "account.js", "identity.js", "live.js"}


def host_script(name: str) -> Response:
    response = asset_response(name, HOUR)
    # Pages that isolate themselves (COEP) may still load Parley's scripts.
    response.headers["Cross-Origin-Resource-Policy"] = "cross-origin"
    return response


@bp.get("/embed.js")
def embed_script() -> Response:
    return host_script("embed.js")


@bp.get("/count.js")
def count_script() -> Response:
    return host_script("count.js")


@bp.get("/embed/<name>")
def frame_asset(name: str) -> Response:
    """The frame's CSS and JS; cached for a year when asked for by their current version."""
    if name not in FRAME_FILES:
        abort(404)
    current = request.args.get("v") == asset(name).version
    return asset_response(name, YEAR if current else "no-cache")
