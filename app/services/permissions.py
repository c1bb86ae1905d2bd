"""Who may do what: the one place that reads a user's role, and what a comment's state allows.

Roles: an admin moderates every site and alone manages staff, changes site settings, bans on
every site and acts on staff accounts; a moderator moderates the sites in
``user.moderated_sites``, or every site when that list is empty, and may read those sites'
settings; a reader (or nobody) moderates nothing. Services call these checks first and get
``Forbidden(forbidden)`` back, so the API and the dashboard cannot forget them.
"""

from __future__ import annotations

from dataclasses import dataclass

from app.models import CommentStatus, Role, Site, User
from app.services.errors import Forbidden
from app.services.sites import get_site

# The badge a role's comments carry, for readers and in the queues.
BADGES = {Role.MODERATOR: "moderator", Role.ADMIN: "staff"}


def can_moderate(user: User | None, site: Site) -> bool:
    """Admins: every site. Moderators: their sites, or every site if they have none listed."""
    if user is None:
        return False
    if user.role == Role.ADMIN:
        return True
    if user.role != Role.MODERATOR:
        return False
    sites = user.moderated_sites
    return not sites or any(s.id == site.id for s in sites)


def require_moderator(user: User | None, site: Site) -> User:
    """Raise Forbidden(forbidden) unless ``user`` may moderate ``site``."""
    if user is None or not can_moderate(user, site):
        raise Forbidden(f"you may not moderate the site {site.slug!r}", "forbidden")
    return user


def require_staff(user: User | None) -> User:
    """Raise Forbidden(forbidden) unless ``user`` is a moderator or an admin."""
    if user is None or not user.is_staff:
        raise Forbidden("only moderators and admins may do this", "forbidden")
    return user


def is_admin(user: User | None) -> bool:
    return user is not None and user.role == Role.ADMIN


def require_admin(user: User | None, doing: str = "do this") -> User:
    """Raise Forbidden(forbidden) unless ``user`` is an admin; ``doing`` completes the message."""
    if user is None or not is_admin(user):
        raise Forbidden(f"only admins may {doing}", "forbidden")
    return user


def moderated_site_ids(user: User | None) -> list[int] | None:
    """The ids of the sites ``user`` moderates, or None for every site. Forbidden for readers."""
    user = require_staff(user)
    if user.role == Role.ADMIN or not user.moderated_sites:
        return None
    return [site.id for site in user.moderated_sites]


def acts_on_every_site(user: User | None) -> bool:
    """Admins and moderators of every site; a moderator limited to some sites does not."""
    return moderated_site_ids(user) is None


def require_every_site(user: User | None, doing: str) -> User:
    """Forbidden(forbidden) unless ``user`` acts on every site: what ``doing`` describes would
    reach sites a moderator limited to some sites has no say on (accounts reached without a
    site: their bans, reasons and trust on every site)."""
    if not acts_on_every_site(user):
        raise Forbidden(
            f"you moderate some sites only: name the site (site=SLUG) to {doing}",
            "forbidden",
        )
    return require_staff(user)


def reach(user: User, site: Site | None) -> Site | None:
    """Where trust given (or taken back) by ``user`` applies: every site (None) for admins and
    all-site moderators; for a moderator limited to some sites, the site acted on."""
    if acts_on_every_site(user):
        return None
    if site is None:  # pragma: no cover - require_every_site refused the site-less request
        raise Forbidden("name the site to act on", "forbidden")
    return site


def site_scope(user: User | None, site_slug: str | None) -> list[int] | None:
    """The site ids a staff member's list covers: the one site asked for (checked), or every
    site they moderate (None: all). Raises Forbidden, NotFound(unknown_site)."""
    allowed = moderated_site_ids(user)
    if site_slug is None or site_slug == "":
        return allowed
    site = get_site(site_slug)
    require_moderator(user, site)
    return [site.id]


def moderated_site(user: User | None, site_slug: str) -> tuple[User, Site]:
    """The staff member and the site they are acting on. Raises Forbidden, NotFound."""
    user = require_staff(user)
    site = get_site(site_slug)
    return require_moderator(user, site), site


def may_act_on_account(user: User, account: User) -> bool:
    """Staff accounts are acted on (banned, trusted, reset) by admins only."""
    return not account.is_staff or is_admin(user)


def may_ban_everywhere(user: User) -> bool:
    """Bans on every site, and lifting them, are for admins."""
    return is_admin(user)


def may_change_settings(user: User | None) -> bool:
    """Site settings: moderators of the site read them; only admins change them."""
    return is_admin(user)


# What a staff member may do beyond moderating their sites, for pages to show or hide.
STAFF_POWERS = ("manage_staff", "change_settings", "ban_everywhere", "manage_webhooks")


def powers_of(user: User) -> dict[str, bool]:
    """Each of STAFF_POWERS -> whether ``user`` has it (admins have all, moderators none)."""
    return dict.fromkeys(STAFF_POWERS, is_admin(user))


def can_feature(status: CommentStatus) -> bool:
    """Only approved comments are featured (readers see nothing else)."""
    return status == CommentStatus.APPROVED


@dataclass(frozen=True, slots=True)
class OfferedAction:
    action: str  # one of app.services.moderation.actions.ACTIONS
    label: str
    shortcut: str  # the dashboard's keyboard shortcut (app/static/dashboard/dashboard.js)


def offered_actions(
    status: CommentStatus, report_count: int, featured: bool
) -> list[OfferedAction]:
    """The actions worth offering on a comment in this state, in the order they are shown.

    Pending: approve, reject, spam. Approved: reject, spam, (un)feature, and "keep" (approve,
    which dismisses the reports) when reported. Rejected: restore, spam. Spam: restore, reject.
    A comment its author deleted offers nothing. The dashboard renders exactly these buttons.
    """
    offered = []
    if status == CommentStatus.PENDING or (status == CommentStatus.APPROVED and report_count):
        label = "Approve" if status == CommentStatus.PENDING else "Keep"
        offered.append(OfferedAction("approve", label, "a"))
    if status in (CommentStatus.REJECTED, CommentStatus.SPAM):
        offered.append(OfferedAction("restore", "Restore", "a"))
    if status in (CommentStatus.PENDING, CommentStatus.APPROVED, CommentStatus.SPAM):
        offered.append(OfferedAction("reject", "Reject", "r"))
    if status in (CommentStatus.PENDING, CommentStatus.APPROVED, CommentStatus.REJECTED):
        offered.append(OfferedAction("spam", "Spam", "s"))
    if can_feature(status):
        offered.append(
            OfferedAction("unfeature", "Unfeature", "f")
            if featured
            else OfferedAction("feature", "Feature", "f")
        )
    return offered
