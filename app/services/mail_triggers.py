"""Whether a comment event may mail anyone, asked before its transaction commits.

A background job costs a worker several milliseconds of queue bookkeeping even when it mails
nobody, and most comments mail nobody: a top-level comment is no one's reply, and a site may
have no moderator who asked for alerts. These answers spare those jobs. They answer "maybe"
generously: the jobs still decide whom to mail, and record what they sent.
"""

from __future__ import annotations

from sqlalchemy import exists, select

from app.extensions import db
from app.models import Article, Comment, CommentStatus, ModeratorAlert, ReplySubscription
from app.services.moderator_alerts import QUEUE_OF_EVENT


def alert_may_be_due(event: str, comment: Comment) -> bool:
    """A new item in a moderation queue, on a site where a moderator asked for alerts."""
    queue = QUEUE_OF_EVENT.get(event)
    if queue is None or (queue == "pending" and comment.status != CommentStatus.PENDING):
        return False
    site_id = select(Article.site_id).where(Article.id == comment.article_id).scalar_subquery()
    wanted = exists().where(ModeratorAlert.site_id == site_id, ModeratorAlert.frequency != "off")
    return bool(db.session.scalar(select(wanted)))


def reader_mail_may_be_due(event: str, comment: Comment) -> bool:
    """A visible reply (its parent's author may want it), an approval (the reply now visible,
    or the author's alert), or a guest's subscription still to confirm."""
    if event == "comment.approved":
        return True
    if event != "comment.created":
        return False
    if comment.parent_id is not None and comment.status == CommentStatus.APPROVED:
        return True
    unconfirmed = exists().where(
        ReplySubscription.comment_id == comment.id,
        ReplySubscription.confirmation_sent_at.is_(None),
    )
    return bool(db.session.scalar(select(unconfirmed)))
