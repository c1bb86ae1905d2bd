"""Default avatars: a deterministic identicon per author, never derived from an email address.

Tokens are an HMAC keyed with the deployment's secret key: an unkeyed hash of ``u:<id>``
could be reversed by hashing every id in turn, telling readers which account wrote what.
"""

from __future__ import annotations

import hashlib
import hmac
from functools import lru_cache

from app.models import User

AVATAR_ROUTE = "/avatars/"


@lru_cache(maxsize=65_536)
def _keyed(key: bytes, seed: str) -> str:
    return hmac.new(key, seed.encode(), hashlib.sha256).hexdigest()


# The deployment's secret key, given by create_app (``use_secret_key``): avatar URLs are
# built in many places (threads, moderation lists, serializers) and are the same for all.
_key = {"current": b""}


def use_secret_key(secret: str | bytes) -> None:
    _key["current"] = secret.encode() if isinstance(secret, str) else bytes(secret)


def keyed_token(seed: str, length: int = 20) -> str:
    """A stable token for ``seed`` that only holders of the secret key can compute."""
    return _keyed(_key["current"], f"parley-avatar:{seed}")[:length]


def default_avatar_token(user_id: int | None, guest_name: str | None) -> str:
    """A stable, non-reversible token for an author: from the user id, or the guest's name."""
    seed = f"u:{user_id}" if user_id is not None else f"g:{(guest_name or '').casefold()}"
    return keyed_token(seed)


def avatar_path(user_id: int | None, guest_name: str | None, uploaded: str | None = None) -> str:
    """The site-relative URL of an author's avatar."""
    if uploaded:
        return f"{AVATAR_ROUTE}{uploaded}"
    return f"{AVATAR_ROUTE}i/{default_avatar_token(user_id, guest_name)}.svg"


def avatar_url(base: str, user: User) -> str:
    """An account's avatar as an absolute URL: its SSO avatar (https), else Parley's."""
    if user.sso_avatar_url:
        return user.sso_avatar_url
    return base + avatar_path(user.id, None, user.avatar_path)


def absolute_avatar(base: str, path: str) -> str:
    """``path`` from a CommentNode as an absolute URL (SSO avatars already are)."""
    return path if path.startswith("https://") else base + path


@lru_cache(maxsize=4096)
def identicon_svg(token: str) -> str:
    """A 5x5 mirrored identicon on a light background, coloured from the token's hash."""
    digest = hashlib.sha256(token.encode()).digest()
    hue = int.from_bytes(digest[:2], "big") % 360
    cells = []
    for row in range(5):
        for col in range(3):
            if digest[2 + row * 3 + col] % 2:
                cells.append((col, row))
                if col < 2:
                    cells.append((4 - col, row))
    rects = "".join(f'<rect x="{x + 1}" y="{y + 1}" width="1" height="1"/>' for x, y in cells)
    return (
        '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 7 7" width="64" height="64" '
        'shape-rendering="crispEdges">'
        f'<rect width="7" height="7" fill="hsl({hue},45%,92%)"/>'
        f'<g fill="hsl({hue},55%,38%)">{rects}</g></svg>'
    )
