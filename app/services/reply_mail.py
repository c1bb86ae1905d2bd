"""Reply e-mails and author alerts: whom to mail, when, and remembering what was sent.

A reply that becomes visible (posted approved, or approved by a moderator) is announced to the
author of the comment it answers (app.services.reply_subscriptions decides who may be mailed;
never for one's own reply). Each reply is recorded once (``ReplyNotice`` is unique per reply), in
the same transaction that marks it sent, so a retried job or a second approval sends nothing
twice.

Batching: one recipient gets at most one e-mail per thread per window (``MailSetup.
batch_window``). The first reply is mailed at once; later ones within the window wait in the
database, and ``send_batch`` mails them together once the window has passed (a delayed job with
Redis, ``flask notifications send-due`` in any case). The batch row is locked (``FOR UPDATE``)
while it is decided and sent, so two workers never both send "the first" e-mail.

The message is delivered inside the calling job (SMTP errors raise, nothing is marked sent, the
job is retried). Headers: the site's name as sender name, ``List-Id``, and RFC 8058's
``List-Unsubscribe`` / ``List-Unsubscribe-Post``. Addresses never appear in a message except
its own ``To``.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from email.message import EmailMessage
from urllib.parse import urlsplit

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from app.database import savepoint
from app.extensions import db
from app.models import AuthorAlert, Comment, ReplyMailBatch, ReplyNotice, Site, utcnow
from app.services.reply_subscriptions import (
    MailSetup,
    Recipient,
    author_recipient,
    is_visible,
    recipient_by_key,
    same_person,
)
from app.services.site_settings import effective_settings


@dataclass(frozen=True, slots=True)
class Later:
    """A batch that waits: send it (``send_batch(batch_id)``) in ``seconds``."""

    batch_id: int
    seconds: float


def author_name(comment: Comment) -> str:
    return comment.user.name if comment.user is not None else (comment.guest_name or "")


def permalink(comment: Comment) -> str | None:
    """The comment on its article's page (the widget's ``#parley-comment-<id>`` anchor)."""
    url = comment.article.url
    return f"{url}#parley-comment-{comment.id}" if url else None


def announce_reply(reply_id: int, setup: MailSetup, now: datetime | None = None) -> Later | None:
    """Record a visible reply for its parent's author and mail it now, or leave it for the
    batch (answered as ``Later``). Does nothing for a hidden, own or already recorded reply."""
    now = now or utcnow()
    reply = db.session.get(Comment, reply_id)
    if reply is None or not is_visible(reply):
        return None
    parent = db.session.get(Comment, reply.reply_to_id or reply.parent_id or 0)
    if parent is None or not is_visible(parent):
        return None
    if db.session.scalar(select(ReplyNotice.id).where(ReplyNotice.reply_id == reply.id)):
        return None
    recipient = author_recipient(parent)
    if recipient is None or same_person(reply, parent, recipient):
        return None
    batch = locked_batch(recipient.key, parent.root_id or parent.id)
    if not recorded_once(ReplyNotice(reply_id=reply.id, batch_id=batch.id, created_at=now)):
        return None  # another worker recorded this reply meanwhile
    if batch.last_sent_at is not None and batch.last_sent_at + setup.batch_window > now:
        db.session.commit()
        due = batch.last_sent_at + setup.batch_window
        return Later(batch.id, (due - now).total_seconds())
    send_pending(batch, recipient, setup, now)
    return None


def recorded_once(row: object) -> bool:
    """Add ``row`` (unique per reply, alert...) to this transaction; False, with the transaction
    rolled back, when another job recorded it first.

    Deliberately not a savepoint: SQLite's driver commits a savepoint opened outside a
    transaction when it is released, and the record must vanish with the transaction if the
    message that follows cannot be delivered (the job is then retried, nothing is lost).
    """
    db.session.add(row)
    try:
        db.session.flush()
    except IntegrityError:
        db.session.rollback()
        return False
    return True


def locked_batch(recipient: str, thread_id: int) -> ReplyMailBatch:
    """The (recipient, thread) batch row, created if new, locked until the commit."""
    query = (
        select(ReplyMailBatch)
        .where(ReplyMailBatch.recipient == recipient, ReplyMailBatch.thread_id == thread_id)
        .with_for_update()
        .execution_options(populate_existing=True)
    )
    batch = db.session.scalar(query)
    if batch is not None:
        return batch
    try:
        with savepoint(db.session):
            db.session.add(ReplyMailBatch(recipient=recipient, thread_id=thread_id))
    except IntegrityError:  # made by another worker at the same moment
        pass
    batch = db.session.scalar(query)
    if batch is None:  # pragma: no cover - the row exists after either branch
        raise RuntimeError("reply mail batch vanished")
    return batch


def send_batch(batch_id: int, setup: MailSetup, now: datetime | None = None) -> Later | None:
    """Mail a batch's waiting replies if its window has passed (else ``Later``); commit."""
    now = now or utcnow()
    batch = db.session.scalar(
        select(ReplyMailBatch)
        .where(ReplyMailBatch.id == batch_id)
        .with_for_update()
        .execution_options(populate_existing=True)
    )
    if batch is None:
        db.session.rollback()
        return None
    if batch.last_sent_at is not None and batch.last_sent_at + setup.batch_window > now:
        due = batch.last_sent_at + setup.batch_window
        db.session.rollback()
        return Later(batch_id, (due - now).total_seconds())
    recipient = recipient_by_key(batch.recipient)
    send_pending(batch, recipient, setup, now)
    return None


def send_pending(
    batch: ReplyMailBatch, recipient: Recipient | None, setup: MailSetup, now: datetime
) -> None:
    """Mail every waiting, still visible reply of ``batch`` in one message, then mark them all
    done and commit (a reader who turned mail off meanwhile gets nothing)."""
    notices = db.session.scalars(
        select(ReplyNotice)
        .where(ReplyNotice.batch_id == batch.id, ReplyNotice.done_at.is_(None))
        .order_by(ReplyNotice.id)
    ).all()
    replies = [db.session.get(Comment, notice.reply_id) for notice in notices]
    visible = [reply for reply in replies if reply is not None and is_visible(reply)]
    if visible and recipient is not None:
        setup.mailer.deliver(reply_message(visible, recipient, setup))
        batch.last_sent_at = now
    for notice in notices:
        notice.done_at = now
    db.session.commit()


def due_batches(setup: MailSetup, now: datetime | None = None) -> list[int]:
    """Batches with waiting replies whose window has passed (for ``notifications send-due``)."""
    now = now or utcnow()
    rows = db.session.execute(
        select(ReplyMailBatch.id, ReplyMailBatch.last_sent_at)
        .join(ReplyNotice, ReplyNotice.batch_id == ReplyMailBatch.id)
        .where(ReplyNotice.done_at.is_(None))
        .distinct()
        .order_by(ReplyMailBatch.id)
    ).all()
    return [batch_id for batch_id, last in rows if last is None or last + setup.batch_window <= now]


def list_headers(site: Site, recipient: Recipient, setup: MailSetup) -> dict[str, str]:
    host = urlsplit(setup.base_url).hostname or "localhost"
    return {
        "List-Id": f"<replies.{site.slug}.{host}>",
        "List-Unsubscribe": f"<{setup.unsubscribe_url(recipient.key)}>",
        "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
    }


def reply_message(replies: list[Comment], recipient: Recipient, setup: MailSetup) -> EmailMessage:
    article = replies[0].article
    site = article.site
    count = len(replies)
    subject = "New reply to your comment" if count == 1 else f"{count} new replies to your comment"
    context = {
        "name": recipient.name,
        "site_name": site.name,
        "article_title": article.title or "",
        "article_url": article.url,
        "replies": [
            {"author": author_name(reply), "text": reply.body_source, "link": permalink(reply)}
            for reply in replies
        ],
        "unsubscribe_url": setup.unsubscribe_url(recipient.key),
    }
    return setup.mailer.build(
        recipient.address,
        subject,
        "reply",
        context,
        sender_name=site.name,
        headers=list_headers(site, recipient, setup),
    )


def alert_author(comment_id: int, setup: MailSetup) -> bool:
    """Tell the author of an approved, held comment that it is published (where the site has
    ``author_alerts`` on and the author may be mailed); once per comment; commit."""
    comment = db.session.get(Comment, comment_id)
    if comment is None or not is_visible(comment):
        return False
    site = comment.article.site
    if not effective_settings(site).get("author_alerts"):
        return False
    recipient = author_recipient(comment)
    if recipient is None:
        return False
    if not recorded_once(AuthorAlert(comment_id=comment.id)):
        return False  # already told
    context = {
        "name": recipient.name,
        "site_name": site.name,
        "article_title": comment.article.title or "",
        "text": comment.body_source,
        "link": permalink(comment),
        "unsubscribe_url": setup.unsubscribe_url(recipient.key),
    }
    setup.mailer.deliver(
        setup.mailer.build(
            recipient.address,
            "Your comment is published",
            "comment_approved",
            context,
            sender_name=site.name,
            headers=list_headers(site, recipient, setup),
        )
    )
    db.session.commit()
    return True
