"""Signed links sent by e-mail: verify an address, reset a password.

Both are ``itsdangerous`` timed signatures keyed with the deployment's secret key (each kind
with its own salt, so one cannot stand for the other):

* verification: ``{"u": user id, "e": address}``, valid 7 days; following it marks the address
  verified if the account still has that address, or makes a pending new address the
  account's own (if nobody took it meanwhile);
* password reset: ``{"u": user id, "p": fingerprint of the current password hash}``, valid
  1 hour. Setting a new password changes the hash, so a used link (or any older link) no
  longer matches: each link works once.
"""

from __future__ import annotations

import hashlib
import hmac
from typing import Any

from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer
from sqlalchemy import select

from app.extensions import db
from app.models import User, utcnow
from app.services.errors import ValidationError

VERIFY_MAX_AGE = 7 * 24 * 3600
RESET_MAX_AGE = 3600


Secret = str | bytes


def _serializer(secret: Secret, salt: str) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(secret, salt=f"parley-{salt}")


def password_fingerprint(user: User) -> str:
    return hashlib.sha256((user.password_hash or "").encode()).hexdigest()[:16]


def _load(secret: Secret, salt: str, token: str, max_age: int, what: str) -> dict[str, Any]:
    data = _load_any(secret, salt, token, max_age, what)
    if not isinstance(data.get("u"), int):
        raise ValidationError(f"this {what} link is not valid", "invalid_link")
    return data


def verification_token(secret: Secret, user: User, address: str | None = None) -> str:
    return _serializer(secret, "verify").dumps({"u": user.id, "e": address or user.email})


def verify_email(secret: Secret, token: str) -> User:
    """Mark the address in a verification link verified; commit. ValidationError otherwise."""
    data = _load(secret, "verify", token, VERIFY_MAX_AGE, "verification")
    user = db.session.get(User, data["u"])
    address = str(data.get("e"))
    if user is not None and user.email and hmac.compare_digest(user.email, address):
        if user.email_verified_at is None:
            user.email_verified_at = utcnow()
            db.session.commit()
        return user
    if (
        user is None
        or not user.pending_email
        or not hmac.compare_digest(user.pending_email, address)
    ):
        raise ValidationError("this verification link is not valid", "invalid_link")
    if db.session.scalar(select(User.id).where(User.email == address)) is not None:
        raise ValidationError("another account has this address now", "invalid_link")
    user.email, user.pending_email, user.email_verified_at = address, None, utcnow()
    db.session.commit()
    return user


def reset_token(secret: Secret, user: User) -> str:
    return _serializer(secret, "reset").dumps({"u": user.id, "p": password_fingerprint(user)})


def user_for_reset(secret: Secret, token: str) -> User:
    """The account a reset link is for, while the link is unused and fresh."""
    data = _load(secret, "reset", token, RESET_MAX_AGE, "password reset")
    user = db.session.get(User, data["u"])
    if user is None or not hmac.compare_digest(password_fingerprint(user), str(data.get("p"))):
        raise ValidationError("this password reset link was already used", "invalid_link")
    return user


# Reply e-mails: a guest's opt-in confirmation (7 days) and the per-reader unsubscribe link
# (no expiry: RFC 8058 mail clients may use it long after the message arrived).
def optin_token(secret: Secret, subscription_id: int, address: str) -> str:
    return _serializer(secret, "reply-optin").dumps({"s": subscription_id, "e": address})


def read_optin_token(secret: Secret, token: str) -> tuple[int, str]:
    """(subscription id, address) of a valid opt-in link; ValidationError otherwise."""
    data = _load_any(secret, "reply-optin", token, VERIFY_MAX_AGE, "confirmation")
    if not isinstance(data.get("s"), int) or not isinstance(data.get("e"), str):
        raise ValidationError("this confirmation link is not valid", "invalid_link")
    return data["s"], data["e"]


def unsubscribe_token(secret: Secret, recipient: str) -> str:
    return _serializer(secret, "unsubscribe").dumps({"r": recipient})


def read_unsubscribe_token(secret: Secret, token: str) -> str:
    """The recipient key (``u<id>`` or ``s<id>``) of a valid unsubscribe link."""
    data = _load_any(secret, "unsubscribe", token, None, "unsubscribe")
    if not isinstance(data.get("r"), str):
        raise ValidationError("this unsubscribe link is not valid", "invalid_link")
    return data["r"]


def _load_any(
    secret: Secret, salt: str, token: str, max_age: int | None, what: str
) -> dict[str, Any]:
    try:
        data = _serializer(secret, salt).loads(token, max_age=max_age)
    except SignatureExpired:
        raise ValidationError(
            f"this {what} link has expired; ask for a new one", "link_expired"
        ) from None
    except BadSignature:
        raise ValidationError(f"this {what} link is not valid", "invalid_link") from None
    if not isinstance(data, dict):
        raise ValidationError(f"this {what} link is not valid", "invalid_link")
    return data
