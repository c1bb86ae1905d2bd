"""Accounts, passwords and API tokens."""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets

from sqlalchemy import select

from app.extensions import db
from app.limits import API_TOKEN_MAX, EMAIL_MAX, EMAIL_PATTERN
from app.models import AUTHOR_NAME_MAX, ApiToken, Role, Site, User, UserStatus, utcnow
from app.sanitize import normalize_name, renders_as_nothing
from app.services.errors import Conflict, NotFound, Unauthorized, ValidationError
from app.services.passwords import hash_password, password_matches

EMAIL_RE = re.compile(EMAIL_PATTERN)
TOKEN_PREFIX = "pk_"  # noqa: S105 - a public prefix, not a secret
# Checked against when the email is unknown, so sign-in takes as long either way.
_DUMMY_HASH = hash_password("parley-timing-equalizer")


def is_email_address(text: str) -> bool:
    """Whether ``text`` (trimmed) is an address Parley takes: the one rule for accounts,
    guests' reply e-mails and imported authors."""
    return len(text) <= EMAIL_MAX and EMAIL_RE.fullmatch(text) is not None


def normalize_email(email: object) -> str:
    if not isinstance(email, str):
        raise ValidationError("email must be a string", "invalid_email")
    email = email.strip().lower()
    if not is_email_address(email):
        raise ValidationError(f"{email!r} is not a valid email address", "invalid_email")
    return email


def create_user(
    email: str,
    name: str,
    password: str,
    role: Role | str = Role.READER,
    site_slugs: list[str] | tuple[str, ...] = (),
) -> User:
    """Create an account. ``site_slugs`` limits a moderator to those sites (empty: all sites)."""
    email = normalize_email(email)
    name = normalize_name(name).strip()
    if renders_as_nothing(name) or len(name) > AUTHOR_NAME_MAX:
        raise ValidationError(f"name must be 1 to {AUTHOR_NAME_MAX} characters", "invalid_name")
    if not password:
        raise ValidationError("password must not be empty", "invalid_password")
    try:
        role = Role(role)
    except ValueError:
        raise ValidationError("role must be reader, moderator or admin", "invalid_role") from None
    sites = []
    for slug in site_slugs:
        site = db.session.scalar(select(Site).where(Site.slug == slug))
        if site is None:
            raise NotFound(f"no site with slug {slug!r}", "unknown_site")
        sites.append(site)
    if db.session.scalar(select(User.id).where(User.email == email)) is not None:
        raise Conflict(f"a user with email {email} already exists", "user_exists")
    user = User(
        email=email,
        name=name,
        password_hash=hash_password(password),
        role=role,
        # Made by an operator (``flask users create``): the address counts as verified.
        email_verified_at=utcnow(),
        moderated_sites=sites,
    )
    db.session.add(user)
    db.session.commit()
    return user


def set_password(user: User, password: str) -> None:
    """Replace ``user``'s password and commit."""
    if not password:
        raise ValidationError("password must not be empty", "invalid_password")
    user.password_hash = hash_password(password)
    db.session.commit()


def get_user_by_email(email: str) -> User:
    user = db.session.scalar(select(User).where(User.email == email.strip().lower()))
    if user is None:
        raise NotFound(f"no user with email {email!r}", "unknown_user")
    return user


def authenticate(email: str, password: str) -> User | None:
    """The user with these credentials, or None. Same work whether or not the email exists."""
    user = db.session.scalar(select(User).where(User.email == email.strip().lower()))
    if user is None or not user.password_hash:
        password_matches(_DUMMY_HASH, password)
        return None
    return user if password_matches(user.password_hash, password) else None


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def issue_token(user: User) -> str:
    """Create an API token for ``user`` and return it; only its hash is stored."""
    token = TOKEN_PREFIX + secrets.token_urlsafe(32)
    db.session.add(ApiToken(user_id=user.id, token_hash=_token_hash(token)))
    db.session.commit()
    return token


def user_for_token(token: str) -> User:
    """The user a bearer token belongs to. Raises Unauthorized(invalid_token)."""
    if not token.startswith(TOKEN_PREFIX) or len(token) > API_TOKEN_MAX:
        raise Unauthorized("the bearer token is not valid", "invalid_token")
    digest = _token_hash(token)
    row = db.session.scalar(select(ApiToken).where(ApiToken.token_hash == digest))
    # The lookup is by hash; compare again in constant time as a belt-and-braces check.
    if row is None or not hmac.compare_digest(row.token_hash, digest):
        raise Unauthorized("the bearer token is not valid", "invalid_token")
    if row.user.status != UserStatus.ACTIVE:
        raise Unauthorized("the bearer token is not valid", "invalid_token")
    return row.user
