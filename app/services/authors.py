"""Actions on authors: ban (one site or every site), suspend for some days, trust, reset.

An author is an account, or a guest known by the browser key and the IP address of one of
their comments. Bans live in the ``bans`` table, which posting checks
(app.services.bans.check_not_banned answers 403 ``banned``): an account is banned by its
id; a guest by browser key *and* IP address (one row matching either), so clearing cookies is
not enough to come back. A suspension is a ban with an end (``expires_at``).

Who may do what: a moderator acts on the authors of the sites they moderate, and bans or
suspends on one site (``scope="site"``); only admins ban on every site (``scope="everywhere"``)
and lift such bans; nobody acts on themselves, and only admins act on staff accounts. An
account reached without a site (``user_id`` and no ``site_slug``) is for admins and all-site
moderators only: a moderator limited to some sites names the site, and sees only the bans that
apply there (that site's and the every-site ones), never another site's bans or reasons.

Trust (app.services.trust) reaches as far as the say of whoever grants it: a limited moderator
trusts an account on the site acted on; admins and all-site moderators trust everywhere.
``reset_author`` takes an author back to normal within the same reach: not trusted, and the bans
the moderator may lift are lifted. Every action is audited with the moderator, the author
(``target_user_id`` for accounts; the comment for guests), the reason and the site it touched
(no site: every site, only for admins' and all-site moderators' actions).

Every function names the author with an ``AuthorRef``: a comment id (act on its author, which
works for guests), or an account's ``user_id`` (with ``site_slug`` for a one-site action).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy import delete, or_, select

from app.extensions import db
from app.limits import SUSPEND_DAYS_MAX
from app.models import Ban, Comment, Site, User, UserStatus, utcnow
from app.services import audit
from app.services.comments import get_comment
from app.services.errors import Forbidden, NotFound, ValidationError
from app.services.moderation.actions import clean_reason
from app.services.moderation.items import AuthorHistory, author_histories
from app.services.permissions import (
    may_act_on_account,
    may_ban_everywhere,
    moderated_site_ids,
    reach,
    require_every_site,
    require_moderator,
    require_staff,
)
from app.services.sites import get_site
from app.services.trust import grant_trust, is_trusted, withdraw_trust
from app.services.user_sessions import revoke_credentials

BAN_SCOPES = ("site", "everywhere")  # the ban's site (the comment's, or site_slug), or all
AUTHOR_ACTIONS = ("ban", "suspend", "trust", "reset")  # what a moderator may do to an author


@dataclass(frozen=True, slots=True)
class AuthorRef:
    """Whom an action is on: the author of comment ``comment_id`` (on the comment's site;
    ``site_slug`` is then ignored), or account ``user_id`` on site ``site_slug`` (None: every
    site). Exactly one of the two ids (else ValidationError(invalid_author))."""

    comment_id: int | None = None
    user_id: int | None = None
    site_slug: str | None = None


@dataclass(slots=True)
class BanInfo:
    id: int
    site_slug: str | None  # None: every site
    reason: str | None
    created_at: datetime
    expires_at: datetime | None  # None: until lifted


@dataclass(slots=True)
class AuthorStatus:
    name: str
    user_id: int | None
    is_guest: bool
    trusted: bool
    history: AuthorHistory | None
    bans: list[BanInfo] = field(default_factory=list)

    @property
    def banned(self) -> bool:
        return bool(self.bans)


@dataclass(slots=True)
class _Author:
    user: User | None
    guest_key: str | None
    ip: str | None
    name: str
    comment: Comment | None
    site: Site | None

    def ban_clause(self):
        """SQL: the bans that apply to this author."""
        if self.user is not None:
            return Ban.user_id == self.user.id
        who = []
        if self.guest_key:
            who.append(Ban.guest_key == self.guest_key)
        if self.ip:
            who.append(Ban.ip == self.ip)
        return or_(*who)


def _find_author(ref: AuthorRef, moderator: User) -> _Author:
    """The author of a comment, or an account; checks the moderator may act on them."""
    if (ref.comment_id is None) == (ref.user_id is None):
        raise ValidationError("give either a comment id or a user id", "invalid_author")
    if ref.comment_id is not None:
        comment = get_comment(ref.comment_id)
        site = comment.article.site
        require_moderator(moderator, site)
        if comment.user is not None:
            author = _Author(comment.user, None, None, comment.user.name, comment, site)
        else:
            if not comment.guest_key and not comment.author_ip:
                raise ValidationError(
                    "this guest left no browser id or address to act on", "invalid_author"
                )
            name = comment.guest_name or "Guest"
            author = _Author(None, comment.guest_key, comment.author_ip, name, comment, site)
    else:
        user = db.session.get(User, ref.user_id)
        if user is None:
            raise NotFound(f"no user with id {ref.user_id}", "unknown_user")
        site = get_site(ref.site_slug) if ref.site_slug else None
        if site is not None:
            require_moderator(moderator, site)
        else:
            require_every_site(moderator, "see or act on an account")
        author = _Author(user, None, None, user.name, None, site)
    if author.user is not None:
        if author.user.id == moderator.id:
            raise ValidationError("you cannot act on your own account", "invalid_author")
        if not may_act_on_account(moderator, author.user):
            raise Forbidden("only admins may act on staff accounts", "forbidden")
    return author


def _record(action: str, author: _Author, moderator: User, reason: str | None, site_id) -> None:
    audit.record(
        action,
        comment=author.comment,
        site_id=site_id,
        actor_id=moderator.id,
        target_user_id=author.user.id if author.user is not None else None,
        reason=reason,
    )


def _ban(
    ref: AuthorRef, moderator: User | None, scope: str, reason: str | None, days: int | None
) -> AuthorStatus:
    """Ban (``days`` None) or suspend an author, audit it, commit."""
    moderator = require_staff(moderator)
    reason = clean_reason(reason)
    if scope not in BAN_SCOPES:
        raise ValidationError("scope must be site or everywhere", "invalid_scope")
    author = _find_author(ref, moderator)
    if scope == "site":
        if author.site is None:
            raise ValidationError("say which site the ban is for (site)", "invalid_site")
        site_id, where = author.site.id, f"on {author.site.slug}"
    else:
        if not may_ban_everywhere(moderator):
            raise Forbidden("only admins may ban on every site", "forbidden")
        site_id, where = None, "everywhere"
    is_guest = author.user is None
    db.session.add(
        Ban(
            site_id=site_id,
            user_id=None if is_guest else author.user.id,
            guest_key=author.guest_key if is_guest else None,
            ip=author.ip if is_guest else None,
            reason=reason,
            created_by_id=moderator.id,
            expires_at=None if days is None else utcnow() + timedelta(days=days),
        )
    )
    if days is None:
        action, note = ("ban" if scope == "site" else "ban_global"), f"banned {where}"
    else:
        action, note = "suspend", f"suspended {where} for {days} day(s)"
    _record(action, author, moderator, note + (f": {reason}" if reason else ""), site_id)
    if author.user is not None and site_id is None and days is None:
        # Banned everywhere: the account may not sign in (accounts.may_sign_in), so its
        # sessions and API tokens end now, in the same transaction.
        revoke_credentials(author.user.id)
    db.session.commit()
    return _status(author, moderator)


def _status(author: _Author, moderator: User) -> AuthorStatus:
    """The author as ``moderator`` may see them: bans on their sites and every-site bans."""
    query = (
        select(Ban, Site.slug)
        .outerjoin(Site, Site.id == Ban.site_id)
        .where(author.ban_clause(), or_(Ban.expires_at.is_(None), Ban.expires_at > utcnow()))
        .order_by(Ban.id)
    )
    allowed = moderated_site_ids(moderator)
    if allowed is not None:
        query = query.where(or_(Ban.site_id.is_(None), Ban.site_id.in_(allowed)))
    bans = db.session.execute(query).all()
    if author.user is not None:
        histories, _ = author_histories({author.user.id}, set(), moderator)
        history = histories[author.user.id]
        history.first_seen = author.user.created_at
    elif author.guest_key:
        _, histories = author_histories(set(), {author.guest_key}, moderator)
        history = histories[author.guest_key]
    else:
        history = None
    return AuthorStatus(
        name=author.name,
        user_id=author.user.id if author.user is not None else None,
        is_guest=author.user is None,
        trusted=author.user is not None and is_trusted(author.user, author.site),
        history=history,
        bans=[BanInfo(b.id, slug, b.reason, b.created_at, b.expires_at) for b, slug in bans],
    )


def author_status(ref: AuthorRef, moderator: User | None) -> AuthorStatus:
    """An author's history, trust and active bans. Raises NotFound, Forbidden."""
    moderator = require_staff(moderator)
    return _status(_find_author(ref, moderator), moderator)


def ban_author(
    ref: AuthorRef, moderator: User | None, scope: str = "site", reason: str | None = None
) -> AuthorStatus:
    """Ban an author from commenting: on the comment's (or ``site_slug``'s) site, or, for
    admins with ``scope="everywhere"``, on every site; commit. Until lifted by ``reset_author``.

    Raises NotFound(unknown_comment, unknown_user, unknown_site), Forbidden(forbidden),
    ValidationError(invalid_author, invalid_site, invalid_reason).
    """
    return _ban(ref, moderator, scope, reason, None)


def suspend_author(
    ref: AuthorRef,
    moderator: User | None,
    scope: str = "site",
    reason: str | None = None,
    days: int | None = None,
) -> AuthorStatus:
    """Like ``ban_author`` for ``days`` days (1 to 365); commit.

    Raises what ``ban_author`` raises, and ValidationError(invalid_days)."""
    if isinstance(days, bool) or not isinstance(days, int) or not 1 <= days <= SUSPEND_DAYS_MAX:
        raise ValidationError(
            f"days must be a whole number from 1 to {SUSPEND_DAYS_MAX}", "invalid_days"
        )
    return _ban(ref, moderator, scope, reason, days)


def trust_author(ref: AuthorRef, moderator: User | None, reason: str | None = None) -> AuthorStatus:
    """Mark an account trusted (skips pre-moderation and the soft rules); commit.

    Guests cannot be trusted: ValidationError(invalid_author). Raises NotFound, Forbidden."""
    moderator = require_staff(moderator)
    reason = clean_reason(reason)
    author = _find_author(ref, moderator)
    if author.user is None:
        raise ValidationError(
            "only readers with an account can be trusted, not guests", "invalid_author"
        )
    site = reach(moderator, author.site)
    grant_trust(author.user, site)
    _record("trust", author, moderator, reason, site.id if site else None)
    db.session.commit()
    return _status(author, moderator)


def reset_author(ref: AuthorRef, moderator: User | None, reason: str | None = None) -> AuthorStatus:
    """Take an author back to normal: not trusted, and unbanned where the moderator may; commit.

    A moderator lifts bans and suspensions on the sites they moderate; an admin lifts every
    ban, the global ones included (bans the moderator may not lift stay, and are listed in
    the answer). Raises NotFound, Forbidden, ValidationError(invalid_author, invalid_reason).
    """
    moderator = require_staff(moderator)
    reason = clean_reason(reason)
    author = _find_author(ref, moderator)
    site = reach(moderator, author.site)
    lift = delete(Ban).where(author.ban_clause())
    if site is not None:
        lift = lift.where(Ban.site_id == site.id)
    elif not may_ban_everywhere(moderator):
        lift = lift.where(Ban.site_id.is_not(None))
    lifted = db.session.execute(lift.execution_options(synchronize_session=False)).rowcount
    if author.user is not None:
        withdraw_trust(author.user, None if site is None else [site.id])
        if author.user.status == UserStatus.BANNED and may_ban_everywhere(moderator):
            author.user.status = UserStatus.ACTIVE
    note = f"reset to normal; {lifted} ban(s) lifted" + (f": {reason}" if reason else "")
    _record("reset", author, moderator, note, site.id if site else None)
    db.session.commit()
    return _status(author, moderator)
