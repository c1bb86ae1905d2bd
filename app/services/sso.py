"""Publisher single sign-on: a JWT from the publisher's page makes its reader a Parley reader.

Keys, per site: shared secrets (HS256; several at once for rotation, picked by the token's
``kid``) and/or the publisher's JWKS URL (RS256 and ES256 public keys, picked by ``kid``,
``app.services.jwks``). Verification is PyJWT's; what Parley adds is choosing the key:

* the algorithm must be HS256 (then only a shared secret is tried), RS256 or ES256 (then only
  a JWKS key of the matching type); ``none`` and everything else are refused, and a public
  key is never used as an HMAC secret;
* ``aud`` must be the site's slug; ``exp``, ``sub`` and ``aud`` are required; 30 s leeway;
* claims: ``sub`` (string), ``name`` (1-80 characters), optional ``avatar`` (https URL),
  ``badge`` (up to 20 characters) and ``email`` (accepted, never stored or shown).

Refusals: 401 ``sso_token_expired`` for an expired token, else 401 ``invalid_sso_token``.
The same ``sub`` on a site is always the same reader; name, avatar and badge follow the
latest valid token.
"""

from __future__ import annotations

import hmac
import unicodedata
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

import jwt
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from app.database import savepoint
from app.extensions import db
from app.json_values import InvalidJSON, check_json_value
from app.limits import BADGE_MAX, SSO_AVATAR_URL_MAX, SSO_SECRET_MIN, SSO_SUBJECT_MAX, SSO_TOKEN_MAX
from app.models import AUTHOR_NAME_MAX, Role, Site, User
from app.sanitize import normalize_text
from app.services import jwks
from app.services.errors import Unauthorized, ValidationError
from app.services.freshness import touch_articles_of
from app.services.reserved_names import name_key

LEEWAY_SECONDS = 30
ASYMMETRIC = ("RS256", "ES256")
STAFF_BADGE_KEYS = frozenset({"moderator", "staff", "admin", "mod", "administrator"})


def invalid(message: str) -> Unauthorized:
    return Unauthorized(f"the SSO token was refused: {message}", "invalid_sso_token")


@dataclass(frozen=True, slots=True)
class SsoClaims:
    subject: str
    name: str
    avatar: str | None
    badge: str | None


def sso_enabled(site: Site) -> bool:
    return bool(site.sso_secrets) or bool(site.sso_jwks_url)


def _check_text(value: Any) -> None:
    """A NUL or lone surrogate in a token's header or claims (or absurd nesting) makes it
    malformed (401), as such a JSON body is refused (400): never a server error."""
    try:
        check_json_value(value)
    except InvalidJSON as error:
        raise invalid(f"it is not a well-formed JWT ({error})") from None


def _audience(token: str) -> str:
    try:
        claims = jwt.decode(token, options={"verify_signature": False})
    except jwt.InvalidTokenError:
        raise invalid("it is not a well-formed JWT") from None
    _check_text(claims)
    audience = claims.get("aud")
    if isinstance(audience, list) and len(audience) == 1:
        audience = audience[0]
    if not isinstance(audience, str) or not audience:
        raise invalid("aud must be the site's slug")
    return audience


def _shared_secret(site: Site, kid: str | None) -> bytes:
    entries = [e for e in site.sso_secrets or [] if isinstance(e, dict)]
    matches = [e for e in entries if e.get("kid") == kid]
    if not matches and kid is None and len(entries) == 1:
        matches = entries
    if not matches:
        raise invalid("unknown kid" if kid else "the token names no kid")
    return str(matches[0]["secret"]).encode()


def _public_key(site: Site, alg: str, kid: str | None) -> Any:
    if not site.sso_jwks_url:
        raise invalid(f"this site accepts no {alg} tokens")
    if kid is None:
        raise invalid("the token names no kid")
    try:
        key = jwks.signing_key(site.sso_jwks_url, kid)
    except jwks.JwksUnavailable as exc:
        raise invalid(str(exc)) from None
    if key is None:
        raise invalid("unknown kid")
    if jwks.algorithm_for(key) != alg:
        raise invalid(f"the key {kid} is not an {alg} key")
    return key.key


def _is_https_url(value: object) -> bool:
    """An https URL with a host, and nothing in it that no URL holds: no whitespace or control
    character (a line break is not part of an address), no quote, angle bracket or backslash."""
    if not isinstance(value, str) or len(value) > SSO_AVATAR_URL_MAX:
        return False
    if any(ch.isspace() or unicodedata.category(ch) == "Cc" or ch in "\"'<>\\" for ch in value):
        return False
    try:
        parts = urlsplit(value)
    except ValueError:  # e.g. an unclosed IPv6 bracket
        return False
    return parts.scheme == "https" and value.startswith("https://") and bool(parts.hostname)


def _claims(data: dict[str, Any]) -> SsoClaims:
    subject = data.get("sub")
    if not isinstance(subject, str) or not 1 <= len(subject) <= SSO_SUBJECT_MAX:
        raise invalid(f"sub must be a string of 1 to {SSO_SUBJECT_MAX} characters")
    name = data.get("name")
    name = normalize_text(name).strip() if isinstance(name, str) else ""
    if not 1 <= len(name) <= AUTHOR_NAME_MAX:
        raise invalid(f"name must be 1 to {AUTHOR_NAME_MAX} characters")
    avatar = data.get("avatar")
    if avatar is not None and not _is_https_url(avatar):
        raise invalid("avatar must be an https URL")
    badge = data.get("badge")
    if badge is not None:
        badge = normalize_text(badge).strip() if isinstance(badge, str) else None
        if not badge or len(badge) > BADGE_MAX:
            raise invalid(f"badge must be 1 to {BADGE_MAX} characters")
        if name_key(badge) in STAFF_BADGE_KEYS:
            badge = None  # staff badges are Parley's to give: a publisher's "moderator" is dropped
    return SsoClaims(subject, name, avatar, badge)


def verify_token(token: object, site: Site | None = None) -> tuple[Site, SsoClaims]:
    """The site and reader a token stands for. Raises Unauthorized (see the module docstring).

    ``site``: the site the caller acts on, when known; the token's ``aud`` must name it.
    """
    if not isinstance(token, str) or not token.strip() or len(token) > SSO_TOKEN_MAX:
        raise invalid("send the token as a string")
    token = token.strip()
    try:
        header = jwt.get_unverified_header(token)
    except jwt.InvalidTokenError:
        raise invalid("it is not a well-formed JWT") from None
    _check_text(header)
    alg, kid = header.get("alg"), header.get("kid")
    if kid is not None and not isinstance(kid, str):
        raise invalid("kid must be a string")
    slug = _audience(token)
    if site is None:
        site = db.session.scalar(select(Site).where(Site.slug == slug))
    if site is None or not sso_enabled(site) or not hmac.compare_digest(site.slug, slug):
        raise invalid("aud names no site that signs its readers in")
    if alg == "HS256":
        key: Any = _shared_secret(site, kid)
    elif alg in ASYMMETRIC:
        key = _public_key(site, alg, kid)
    else:
        raise invalid("alg must be HS256, RS256 or ES256")
    try:
        data = jwt.decode(
            token,
            key,
            algorithms=[alg],
            audience=site.slug,
            leeway=LEEWAY_SECONDS,
            options={"require": ["exp", "sub", "aud"]},
        )
    except jwt.ExpiredSignatureError:
        raise Unauthorized("the SSO token has expired", "sso_token_expired") from None
    except jwt.InvalidTokenError as exc:
        raise invalid(str(exc) or "bad signature") from None
    return site, _claims(data)


def reader_for_token(token: object, site: Site | None = None) -> User:
    """The Parley reader for a valid token, created on first sight, profile updated; commit."""
    site, claims = verify_token(token, site)
    query = select(User).where(User.sso_site_id == site.id, User.sso_subject == claims.subject)
    user = db.session.scalar(query)
    if user is None:
        try:
            with savepoint(db.session):
                user = User(
                    email=None,
                    name=claims.name,
                    role=Role.READER,
                    sso_site_id=site.id,
                    sso_subject=claims.subject,
                )
                db.session.add(user)
        except IntegrityError:  # the same reader's first two requests raced
            user = db.session.scalar(query)
            if user is None:  # pragma: no cover
                raise
    profile = (claims.name, claims.avatar, claims.badge)
    if (user.name, user.sso_avatar_url, user.sso_badge) != profile:
        user.name, user.sso_avatar_url, user.sso_badge = profile
        touch_articles_of(user_id=user.id)  # their name, avatar and badge in threads
    db.session.commit()
    return user


def configure(
    site: Site,
    *,
    secret: str | None = None,
    kid: str | None = None,
    remove_kid: str | None = None,
    jwks_url: str | None = None,
    off: bool = False,
) -> Site:
    """Change a site's SSO keys (``flask sites sso``); commit.

    ``secret`` without ``kid`` replaces every shared secret with this one; with ``kid`` it is
    added beside the others (or replaces that kid's), which is how secrets are rotated.
    """
    if off:
        site.sso_secrets, site.sso_jwks_url = [], None
    if secret is not None:
        if len(secret) < SSO_SECRET_MIN:
            raise ValidationError(f"a shared secret needs at least {SSO_SECRET_MIN} characters")
        kept = [e for e in site.sso_secrets or [] if kid is not None and e.get("kid") != kid]
        site.sso_secrets = [*kept, {"kid": kid, "secret": secret}]
    if remove_kid is not None:
        site.sso_secrets = [e for e in site.sso_secrets or [] if e.get("kid") != remove_kid]
    if jwks_url is not None:
        if not jwks.is_allowed_url(jwks_url):
            raise ValidationError("the JWKS URL must be https (or http on a loopback address)")
        site.sso_jwks_url = jwks_url
        jwks.forget(jwks_url)
    db.session.commit()
    return site
