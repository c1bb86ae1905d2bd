"""Readers' own accounts: sign up, sign in, passwords, verified addresses.

No answer tells whether an address has an account:

* Sign-in failures (unknown address, wrong password, banned) are one message, and an unknown
  address costs a scrypt check like a known one (``users.authenticate``).
* Sign-up always creates an account and signs the new reader in, with the same work either
  way. When the address already belongs to an account, the new account gets *no* address
  (it lives in this session only: it cannot sign in again or be mailed), and the owner of
  the address is told by e-mail (if verified) that someone tried; otherwise the new address
  gets its verification link. The answer is the same in both cases.
* A password reset request always answers the same; the link goes only to a verified
  address (an unverified one gets its verification link again instead).
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from app.extensions import db
from app.limits import EMAIL_MAX
from app.models import AUTHOR_NAME_MAX, Role, User
from app.sanitize import normalize_text
from app.services import email_links
from app.services.accounts import may_sign_in
from app.services.errors import Unauthorized, ValidationError
from app.services.mail import Mailer
from app.services.passwords import check_strength, hash_password, password_matches
from app.services.reserved_names import check_not_reserved
from app.services.totp import check_sign_in_code
from app.services.user_sessions import end_sessions
from app.services.users import authenticate, normalize_email

SIGN_IN_FAILED = "That email and password do not match an account."


@dataclass(frozen=True, slots=True)
class Links:
    """What mail about accounts needs from the web layer: Parley's absolute base URL for links
    (PARLEY_PUBLIC_URL or the host), the secret key that signs them, and the mailer."""

    base_url: str
    secret_key: str | bytes
    mailer: Mailer

    def verify(self, token: str) -> str:
        return f"{self.base_url}/auth/verify/{token}"

    def reset(self, token: str) -> str:
        return f"{self.base_url}/auth/reset/{token}"


def clean_display_name(name: object, *, own_name: str | None = None) -> str:
    """A display name: 1 to 80 characters after normalizing, and no staff member's name."""
    if not isinstance(name, str):
        raise ValidationError("name must be a string", "invalid_name")
    name = normalize_text(name).strip()
    if not 1 <= len(name) <= AUTHOR_NAME_MAX:
        raise ValidationError(f"name must be 1 to {AUTHOR_NAME_MAX} characters", "invalid_name")
    check_not_reserved(name, None, own_name=own_name)
    return name


def send_verification(user: User, links: Links) -> None:
    if user.email and user.email_verified_at is None:
        token = email_links.verification_token(links.secret_key, user)
        links.mailer.send(
            user.email,
            "Confirm your e-mail address",
            "verify_email",
            user=user,
            link=links.verify(token),
        )


def sign_up(name: object, email: object, password: object, links: Links) -> User:
    """Create a reader account (see the module docstring for a taken address); commit."""
    name = clean_display_name(name)
    address = normalize_email(email)
    check_strength(password, name=name, email=address)
    assert isinstance(password, str)
    owner = db.session.scalar(select(User).where(User.email == address))
    user = User(name=name, email=None if owner else address, password_hash=hash_password(password))
    user.role = Role.READER
    db.session.add(user)
    try:
        db.session.commit()
    except IntegrityError:  # the same address signed up a moment ago
        db.session.rollback()
        owner = db.session.scalar(select(User).where(User.email == address))
        user = User(name=name, email=None, password_hash=user.password_hash, role=Role.READER)
        db.session.add(user)
        db.session.commit()
    if owner is not None:
        links.mailer.send_to_user(
            owner, "Someone tried to sign up with your address", "account_exists"
        )
    else:
        send_verification(user, links)
    return user


def sign_in(email: object, password: object, code: object = None) -> User:
    """The account these credentials open (with a one-time code when the account uses TOTP).

    Unauthorized(sign_in_failed) for any wrong credential; Unauthorized(code_required) when the
    password is right but the account's one-time code is missing or wrong.
    """
    if not isinstance(email, str) or not isinstance(password, str):
        raise Unauthorized(SIGN_IN_FAILED, "sign_in_failed")
    user = authenticate(email[:EMAIL_MAX], password[:1024])
    if user is None or not may_sign_in(user):
        raise Unauthorized(SIGN_IN_FAILED, "sign_in_failed")
    check_sign_in_code(user, code)
    return user


def change_password(user: User, current: object, new: object, *, keep_session: str | None) -> int:
    """Set a new password after checking the current one; end the account's other sessions.

    Returns how many sessions ended. Raises Unauthorized(wrong_password), ValidationError.
    """
    if not isinstance(current, str) or not user.password_hash:
        raise Unauthorized("the current password is not right", "wrong_password")
    if not password_matches(user.password_hash, current):
        raise Unauthorized("the current password is not right", "wrong_password")
    check_strength(new, name=user.name, email=user.email or "")
    assert isinstance(new, str)
    user.password_hash = hash_password(new)
    db.session.commit()
    return end_sessions(user, keep=keep_session)


def request_password_reset(email: object, links: Links) -> None:
    """Mail a reset link to the account with this verified address, if any. Same answer always."""
    try:
        address = normalize_email(email)
    except ValidationError:
        return
    user = db.session.scalar(select(User).where(User.email == address))
    if user is None or not may_sign_in(user):
        return
    if user.email_verified_at is None:
        send_verification(user, links)
        return
    token = email_links.reset_token(links.secret_key, user)
    links.mailer.send_to_user(
        user, "Reset your Parley password", "reset_password", link=links.reset(token)
    )


def reset_password(secret: str | bytes, token: str, new: object) -> User:
    """Set a new password from a reset link (once); end every session of the account; commit."""
    user = email_links.user_for_reset(secret, token)
    check_strength(new, name=user.name, email=user.email or "")
    assert isinstance(new, str)
    user.password_hash = hash_password(new)
    db.session.commit()
    end_sessions(user)
    return user


def request_email_change(user: User, password: object, new_email: object, links: Links) -> None:
    """Ask to change the account's address (password confirmed). The new address becomes the
    account's only when its owner follows the link sent to it; until then nothing visible
    changes, so the answer never tells whether another account has that address (its owner is
    told by e-mail instead)."""
    if not user.password_hash or not isinstance(password, str):
        raise Unauthorized("confirm with your current password", "wrong_password")
    if not password_matches(user.password_hash, password):
        raise Unauthorized("confirm with your current password", "wrong_password")
    address = normalize_email(new_email)
    owner = db.session.scalar(select(User).where(User.email == address))
    if owner is not None:
        if owner.id != user.id:
            links.mailer.send_to_user(
                owner, "Someone tried to sign up with your address", "account_exists"
            )
        return
    user.pending_email = address
    db.session.commit()
    links.mailer.send(
        address,
        "Confirm your e-mail address",
        "verify_email",
        user=user,
        link=links.verify(email_links.verification_token(links.secret_key, user, address)),
    )
