"""What Parley serves to readers' browsers outside the JSON API: the widget and avatars."""

from flask import Blueprint, Response, abort

from app.services.avatars import identicon_svg

bp = Blueprint("widget", __name__)

AVATAR_TOKEN_LEN = 20
IMMUTABLE = "public, max-age=31536000, immutable"


@bp.get("/avatars/i/<token>.svg")
def default_avatar(token: str) -> Response:
    """A generated identicon; the token is derived from the author, so it never changes."""
    if len(token) != AVATAR_TOKEN_LEN or not all(ch in "0123456789abcdef" for ch in token):
        abort(404)
    response = Response(identicon_svg(token), mimetype="image/svg+xml")
    response.headers["Cache-Control"] = IMMUTABLE
    response.headers["Content-Security-Policy"] = "default-src 'none'; style-src 'unsafe-inline'"
    return response


from app.widget import (  # noqa: E402,F401  (routes register on bp)
    account,
    frame,
    live,
    profile,
    reader_state,
    replies,
    scripts,
    shared_frame,
    uploads,
)
