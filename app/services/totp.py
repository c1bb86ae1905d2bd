"""Time-based one-time passwords (TOTP, RFC 6238, via pyotp) for staff accounts.

Enrolling: ``begin_enrollment`` stores a new secret and returns its ``otpauth://`` URI (for an
authenticator app); ``confirm_enrollment`` checks a first code, turns TOTP on and returns ten
recovery codes, shown once and stored as SHA-256 hashes. From then on every password sign-in
of the account also needs a current code (one step of clock drift either way) or an unused
recovery code, which is then spent. An admin can require TOTP for the staff of a site
(setting ``require_staff_totp``): such staff are sent to enroll before the dashboard opens.
API tokens are separate credentials and are not affected.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets

import pyotp
from sqlalchemy import select

from app.extensions import db
from app.limits import TOTP_CODE_MAX, TOTP_DIGITS
from app.models import Site, User, utcnow
from app.services.errors import Unauthorized, ValidationError
from app.services.permissions import moderated_site_ids
from app.services.site_settings import effective_settings

ISSUER = "Parley"
RECOVERY_CODES = 10


def _totp(user: User) -> pyotp.TOTP:
    return pyotp.TOTP(user.totp_secret, digits=TOTP_DIGITS)


def _digest(code: str) -> str:
    return hashlib.sha256(code.strip().lower().replace("-", "").encode()).hexdigest()


def enabled(user: User) -> bool:
    return user.totp_enabled_at is not None and bool(user.totp_secret)


def begin_enrollment(user: User) -> str:
    """A new secret for ``user`` (not active until confirmed); commit. Returns the URI."""
    if enabled(user):
        raise ValidationError("one-time passwords are already on", "totp_enabled")
    user.totp_secret = pyotp.random_base32()
    db.session.commit()
    return _totp(user).provisioning_uri(name=user.email or f"user-{user.id}", issuer_name=ISSUER)


def code_matches(user: User, code: object) -> bool:
    """A current code, or an unused recovery code (spent now, without committing)."""
    if (
        not isinstance(code, str)
        or not code.strip()
        or len(code) > TOTP_CODE_MAX
        or not user.totp_secret
    ):
        return False
    code = code.strip().replace(" ", "")
    if code.isdigit() and _totp(user).verify(code, valid_window=1):
        return True
    digest = _digest(code)
    for stored in user.totp_recovery_hashes or []:
        if hmac.compare_digest(stored, digest):
            user.totp_recovery_hashes = [h for h in user.totp_recovery_hashes if h != stored]
            return True
    return False


def confirm_enrollment(user: User, code: object) -> list[str]:
    """Turn TOTP on after a first valid code; commit. Returns the recovery codes (shown once)."""
    if user.totp_secret is None or enabled(user):
        raise ValidationError("start by asking for a new secret", "totp_not_started")
    if not isinstance(code, str) or not _totp(user).verify(code.strip(), valid_window=1):
        raise ValidationError("that code is not right; try the current one", "invalid_code")
    codes = [f"{secrets.token_hex(4)}-{secrets.token_hex(4)}" for _ in range(RECOVERY_CODES)]
    user.totp_recovery_hashes = [_digest(c) for c in codes]
    user.totp_enabled_at = utcnow()
    db.session.commit()
    return codes


def disable(user: User, code: object) -> None:
    """Turn TOTP off (needs a valid code, and no site requiring it); commit."""
    if required_for(user):
        raise ValidationError("a site you moderate requires one-time passwords", "totp_required")
    if not enabled(user) or not code_matches(user, code):
        raise ValidationError("that code is not right", "invalid_code")
    user.totp_secret = None
    user.totp_enabled_at = None
    user.totp_recovery_hashes = []
    db.session.commit()


def required_for(user: User) -> bool:
    """True when ``user`` is staff of a site whose admins require TOTP."""
    if not user.is_staff:
        return False
    site_ids = moderated_site_ids(user)
    query = select(Site)
    if site_ids is not None:
        query = query.where(Site.id.in_(site_ids))
    return any(effective_settings(site)["require_staff_totp"] for site in db.session.scalars(query))


def check_sign_in_code(user: User, code: object) -> None:
    """For a password sign-in: pass when TOTP is off or ``code`` is valid (a spent recovery
    code is committed); else Unauthorized(code_required)."""
    if not enabled(user):
        return
    if not code_matches(user, code):
        raise Unauthorized(
            f"Enter the {TOTP_DIGITS}-digit code from your authenticator app, or a recovery code.",
            "code_required",
        )
    db.session.commit()
