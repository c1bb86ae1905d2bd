"""Guests' personal data: erased on request, and IP addresses forgotten after a while.

A guest has no account to delete; what identifies one is the e-mail address they gave with
their comments, and the browser key and IP address those comments carry. ``erase_guest`` does
for them what deleting an account does for a reader (app.services.reader_data): every comment
given with the address loses the address, the IP address, the browser key and the name
("[deleted user]" instead), and follows its site's ``deleted_account_comments`` setting
(``remove`` removes it, replies keep a placeholder); reply e-mail subscriptions of the address
end; the votes, reactions and reports of those browser keys are deleted. The audit log records
the erasure, never the address.

``forget_ips`` clears the IP address of comments older than a retention period. Bans keep the
address they were made on: they are a moderator's decision, lifted in the dashboard.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import and_, delete, func, select, update

from app.database import without_time_limits
from app.extensions import db
from app.models import (
    REMOVED_STATUSES,
    Article,
    Comment,
    CommentStatus,
    ReplySubscription,
    Site,
    utcnow,
)
from app.services import audit
from app.services.comments import change_status, lock_comments
from app.services.freshness import touch_article
from app.services.reader_data import (
    DELETED_NAME,
    reacted_articles,
    remove_actor_traces,
    traced_comments,
)
from app.services.site_settings import effective_settings
from app.services.users import normalize_email

FORGET_BATCH = 10_000  # comment ids per statement and commit in forget_ips


@dataclass(frozen=True)
class GuestErasure:
    """What ``erase_guest`` changed."""

    comments: int  # comments that carried the address (all lose it, the IP and the name)
    removed: int  # of those, removed by their site's deleted_account_comments setting
    subscriptions: int
    votes: int
    reactions: int
    reports: int


def erase_guest(email: object) -> GuestErasure:
    """Erase what Parley holds about the guest who gave ``email``, as the module says; commit.

    Raises ValidationError(invalid_email). An address Parley never stored erases nothing.
    """
    address = normalize_email(email)
    # An operator runs it once, and it searches every comment: no request's time limits.
    with without_time_limits(db.session.connection()):
        erasure = _erase(address)
    db.session.commit()
    return erasure


def _erase(address: str) -> GuestErasure:
    given = and_(Comment.user_id.is_(None), func.lower(Comment.guest_email) == address)
    keys = db.session.scalars(
        select(Comment.guest_key)
        .where(given, Comment.guest_key.is_not(None))
        .distinct()
        .order_by(Comment.guest_key)
    ).all()
    actors = [f"g:{key}" for key in keys]
    # Locked first, as delete_account locks an account's: the guest's comments, each decided
    # on its committed status, those the votes and reports of their browsers leave, and the
    # articles of all of them and of their reactions.
    rows = lock_comments(
        select(Comment, Site, given)
        .join(Article, Article.id == Comment.article_id)
        .join(Site, Site.id == Article.site_id)
        .where(traced_comments(given, actors)),
        reacted_articles(actors),
    )
    theirs = [(comment, site) for comment, site, is_given in rows if is_given]
    removed = 0
    site_ids: set[int] = set()
    for comment, site in theirs:
        site_ids.add(site.id)
        comment.guest_email = None
        comment.guest_key = None
        comment.author_ip = None
        comment.guest_name = DELETED_NAME
        touch_article(comment.article_id)
        remove = effective_settings(site)["deleted_account_comments"] == "remove"
        if remove and comment.status not in REMOVED_STATUSES:
            change_status(
                comment, CommentStatus.DELETED, action="erase_guest", before=comment.status
            )
            removed += 1
    subscriptions = db.session.execute(
        delete(ReplySubscription).where(func.lower(ReplySubscription.email) == address)
    ).rowcount
    traces = [remove_actor_traces(actor) for actor in actors]
    for site_id in sorted(site_ids):
        audit.record("guest_erased", site_id=site_id)
    return GuestErasure(
        comments=len(theirs),
        removed=removed,
        subscriptions=subscriptions,
        votes=sum(t.votes for t in traces),
        reactions=sum(t.reactions for t in traces),
        reports=sum(t.reports for t in traces),
    )


def forget_ips(older_than_days: int, batch: int = FORGET_BATCH) -> int:
    """Clear the IP address of every comment posted more than ``older_than_days`` days ago, and
    return how many comments lost one.

    By ranges of ``batch`` ids, each committed: one statement over a large table would outlast
    the statement timeout and hold its rows' locks against readers' votes meanwhile, and a
    range costs the same on the hundredth daily run as on the first (no scan of what earlier
    runs cleared).
    """
    cutoff = utcnow() - timedelta(days=older_than_days)
    last = db.session.scalar(select(func.max(Comment.id))) or 0
    total = 0
    for first in range(1, last + 1, batch):
        total += db.session.execute(
            update(Comment)
            .where(Comment.id >= first, Comment.id < first + batch)
            .where(Comment.author_ip.is_not(None), Comment.created_at < cutoff)
            .values(author_ip=None)
        ).rowcount
        db.session.commit()
    return total
