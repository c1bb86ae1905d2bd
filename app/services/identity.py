"""Who is asking: a signed-in user, a guest known by a browser id, or nobody in particular."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

from app.models import User


def hash_guest_id(guest_id: str) -> str:
    """Guests' browser ids are stored hashed, so a database leak does not hand out identities."""
    return hashlib.sha256(f"parley-guest:{guest_id}".encode()).hexdigest()


@dataclass(frozen=True, slots=True)
class Viewer:
    user: User | None = None
    guest_key: str | None = None  # hash_guest_id() of the guest's browser id
    ip: str | None = None

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
        return None

    @property
    def is_staff(self) -> bool:
        return self.user is not None and self.user.is_staff


ANONYMOUS = Viewer()
