"""Who wrote an imported comment: an account of this Parley when one has the author's
e-mail address, otherwise a guest with the source's name (and private e-mail and IP)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy import select

from app.extensions import db
from app.limits import ACTOR_KEY_MAX, IP_MAX
from app.models import AUTHOR_NAME_MAX, User
from app.portability.records import SourceAuthor, SourceComment
from app.sanitize import normalize_text
from app.services.users import is_email_address


@dataclass(slots=True)
class ResolvedAuthor:
    user_id: int | None
    guest_name: str | None
    guest_email: str | None
    guest_key: str | None
    ip: str | None


def clean_email(value: str | None) -> str | None:
    """The address in lower case, or None when missing or not an address."""
    if not value:
        return None
    email = value.strip().lower()
    return email if is_email_address(email) else None


def guest_name(value: str | None) -> str:
    name = normalize_text(value or "").strip()[:AUTHOR_NAME_MAX].strip()
    return name or "Anonymous"


class AuthorResolver:
    """Finds accounts by e-mail, one query per batch, and remembers what it found."""

    def __init__(self) -> None:
        self.accounts: dict[str, int | None] = {}  # e-mail -> account id (None: no account)

    def prepare(self, batch: Iterable[SourceComment]) -> None:
        self.look_up(clean_email(comment.author.email) for comment in batch)

    def look_up(self, emails: Iterable[str | None]) -> None:
        wanted = {email for email in emails if email and email not in self.accounts}
        if not wanted:
            return
        self.accounts.update(dict.fromkeys(wanted))
        rows = db.session.execute(select(User.email, User.id).where(User.email.in_(wanted)))
        for email, user_id in rows:
            self.accounts[email] = user_id

    def account_id(self, email: str | None) -> int | None:
        email = clean_email(email)
        if email is None:
            return None
        self.look_up([email])
        return self.accounts[email]

    def resolve(self, author: SourceAuthor) -> ResolvedAuthor:
        email = clean_email(author.email)
        user_id = self.accounts.get(email) if email else None
        if user_id is not None:
            return ResolvedAuthor(user_id, None, None, None, None)
        ip = (author.ip or "").strip()[:IP_MAX] or None
        return ResolvedAuthor(None, guest_name(author.name), email, author.guest_key, ip)

    def actor_key(self, key: str, email: str | None, source: str) -> str:
        """A reader key ("u:<id>", "g:<hash>") from another system, made right for this one.

        An account key is remapped to this Parley's account with the same e-mail; without one,
        it becomes an opaque imported key that can never collide with a live account's.
        """
        if not key.startswith("u:"):
            return key
        user_id = self.account_id(email)
        if user_id is not None:
            return f"u:{user_id}"
        return f"x:{source}:{key}"[:ACTOR_KEY_MAX]
