"""Who is asking: a signed-in user, a guest known by a browser id, or nobody in particular."""

from __future__ import annotations

import hashlib
import hmac
from dataclasses import dataclass

from app.models import User
from app.services.errors import Forbidden


def hash_guest_id(guest_id: str) -> str:
    """Guests' browser ids are stored hashed, so a database leak does not hand out identities."""
    return hashlib.sha256(f"parley-guest:{guest_id}".encode()).hexdigest()


def hash_ip(ip: str, secret: str | bytes) -> str:
    """A keyed hash of an IP address: stable per deployment, not reversible without the key
    (a plain hash of an IPv4 address can be reversed by hashing all four billion of them)."""
    key = secret.encode() if isinstance(secret, str) else secret
    return hmac.new(key, f"parley-ip:{ip}".encode(), hashlib.sha256).hexdigest()[:32]


@dataclass(frozen=True, slots=True)
class Viewer:
    user: User | None = None
    guest_key: str | None = None  # hash_guest_id() of the guest's browser id
    ip: str | None = None
    ip_key: str | None = None  # hash_ip() of ``ip`` with the deployment's secret key

    @property
    def user_id(self) -> int | None:
        return self.user.id if self.user is not None else None

    @property
    def actor_key(self) -> str | None:
        """The key that makes votes, reports and reactions one per reader."""
        if self.user is not None:
            return f"u:{self.user.id}"
        if self.guest_key is not None:
            return f"g:{self.guest_key}"
        if self.ip_key:
            # API clients without cookies: one per address (see docs/identity.md for the limits).
            return f"ip:{self.ip_key}"
        return None

    @property
    def counted_as(self) -> str | None:
        """Who this viewer counts as in report thresholds and vote scores: an account is itself;
        every guest (a browser id is free to mint by clearing cookies) counts once per address."""
        if self.user is not None:
            return f"u:{self.user.id}"
        if self.ip_key:
            return f"ip:{self.ip_key}"
        return self.actor_key

    @property
    def is_staff(self) -> bool:
        return self.user is not None and self.user.is_staff


def require_reader_of_site(viewer: Viewer, site_id: int) -> None:
    """Forbidden(forbidden) for a publisher's SSO reader acting on another site.

    An SSO reader is vouched for by one site's publisher only: elsewhere it may neither post
    nor react, vote or report (each of which counts it as one account, so one publisher could
    otherwise mint readers that hide or bury another site's comments).
    """
    user = viewer.user
    if user is not None and user.sso_site_id not in (None, site_id):
        raise Forbidden("you are signed in through another site's accounts", "forbidden")


def require_actor_key(viewer: Viewer) -> str:
    """``viewer.actor_key``, or Forbidden(unidentified) when nothing identifies the viewer."""
    if viewer.actor_key is None:
        raise Forbidden("cannot tell who you are: send a session cookie or a token", "unidentified")
    return viewer.actor_key
