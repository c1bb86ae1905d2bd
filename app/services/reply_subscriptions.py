"""Who may get reply e-mails, and the links that change it (no sign-in needed for either).

* A reader with an account: at their verified address, unless ``User.reply_notifications`` is
  off (their profile, or the one-click unsubscribe link of any reply e-mail).
* A guest: only for a comment on which they asked (``notify_replies`` with ``author_email``)
  and then followed the confirmation link mailed to that address (double opt-in): until then
  Parley sends that address nothing else, so it cannot be used to mail strangers.

A recipient is named by a key, ``u<user id>`` or ``s<subscription id>``, never by an address;
the unsubscribe link signs that key with the deployment's secret, so it is unguessable and a
tampered link changes nothing.
"""

from __future__ import annotations

import hmac
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import func, or_, select, update

from app.extensions import db
from app.models import Comment, CommentStatus, ReplySubscription, User, UserStatus, utcnow
from app.services import email_links
from app.services.errors import ValidationError
from app.services.mail import Mailer

CONFIRMATION_INTERVAL = timedelta(hours=1)


@dataclass(frozen=True, slots=True)
class MailSetup:
    """What notification mail needs from the application: the mailer (delivering in the calling
    job), Parley's absolute base URL for links, the signing secret, the batching window."""

    mailer: Mailer
    base_url: str
    secret_key: str | bytes
    batch_window: timedelta

    def unsubscribe_url(self, recipient: str) -> str:
        token = email_links.unsubscribe_token(self.secret_key, recipient)
        return f"{self.base_url}/auth/unsubscribe/{token}"

    def optin_url(self, subscription: ReplySubscription) -> str:
        token = email_links.optin_token(self.secret_key, subscription.id, subscription.email)
        return f"{self.base_url}/auth/replies/{token}"


@dataclass(frozen=True, slots=True)
class Recipient:
    key: str
    address: str
    name: str


def clean_notify_replies(value: object, *, has_email: bool) -> bool:
    """``notify_replies`` of a guest's post: absent/false, or true with ``author_email``."""
    if value is None or value is False:
        return False
    if value is not True:
        raise ValidationError("notify_replies must be true or false", "invalid_notify_replies")
    if not has_email:
        raise ValidationError(
            "notify_replies needs author_email: the address replies are sent to",
            "invalid_notify_replies",
        )
    return True


def account_recipient(user: User | None) -> Recipient | None:
    if (
        user is None
        or not user.email
        or user.email_verified_at is None
        or not user.reply_notifications
        or user.status != UserStatus.ACTIVE
    ):
        return None
    return Recipient(f"u{user.id}", user.email, user.name)


def guest_recipient(comment: Comment) -> Recipient | None:
    subscription = db.session.scalar(
        select(ReplySubscription).where(ReplySubscription.comment_id == comment.id)
    )
    if subscription is None or not subscription.active:
        return None
    return Recipient(f"s{subscription.id}", subscription.email, comment.guest_name or "")


def author_recipient(comment: Comment) -> Recipient | None:
    """Where mail about ``comment`` may go: its account's verified address or a confirmed
    guest subscription; None when nobody agreed to be mailed."""
    if comment.user_id is not None:
        return account_recipient(comment.user)
    return guest_recipient(comment)


def recipient_by_key(key: str) -> Recipient | None:
    """The recipient a batch or an unsubscribe link names, if it may still be mailed."""
    kind, number = key[:1], key[1:]
    if not number.isdigit():
        return None
    if kind == "u":
        return account_recipient(db.session.get(User, int(number)))
    subscription = db.session.get(ReplySubscription, int(number)) if kind == "s" else None
    if subscription is None or not subscription.active:
        return None
    comment = db.session.get(Comment, subscription.comment_id)
    name = comment.guest_name if comment is not None else ""
    return Recipient(key, subscription.email, name or "")


def same_person(reply: Comment, parent: Comment, recipient: Recipient) -> bool:
    """A reply to one's own comment (same account, same guest browser, or same address)."""
    if parent.user_id is not None:
        return reply.user_id == parent.user_id
    if reply.guest_key and reply.guest_key == parent.guest_key:
        return True
    address = reply.guest_email or (reply.user.email if reply.user is not None else None)
    return bool(address) and address.casefold() == recipient.address.casefold()


def ask_for_confirmation(comment_id: int, setup: MailSetup) -> None:
    """Send the confirmation request of a new comment's guest subscription, if it has one
    still to be sent (see ``send_confirmation``)."""
    subscription = db.session.scalar(
        select(ReplySubscription).where(
            ReplySubscription.comment_id == comment_id,
            ReplySubscription.confirmation_sent_at.is_(None),
        )
    )
    comment = db.session.get(Comment, comment_id) if subscription is not None else None
    if subscription is not None and comment is not None:
        send_confirmation(subscription, comment, setup)


def confirmation_withheld(subscription: ReplySubscription, now: datetime) -> bool:
    """Whether asking this address would pester it: it unsubscribed from reply e-mails before,
    or was sent a confirmation request less than CONFIRMATION_INTERVAL ago. Someone typing a
    stranger's address on many comments gets them one message an hour at most, and none after
    they unsubscribed."""
    address = func.lower(ReplySubscription.email)
    recent = db.session.scalar(
        select(ReplySubscription.id)
        .where(
            address == subscription.email.lower(),
            ReplySubscription.id != subscription.id,
            or_(
                ReplySubscription.unsubscribed_at.is_not(None),
                ReplySubscription.confirmation_sent_at > now - CONFIRMATION_INTERVAL,
            ),
        )
        .limit(1)
    )
    return recent is not None


def send_confirmation(subscription: ReplySubscription, comment: Comment, setup: MailSetup) -> None:
    """Mail the opt-in link (only this goes to an unconfirmed address) unless it is withheld
    (``confirmation_withheld``); commit, once either way."""
    now = utcnow()
    subscription.confirmation_sent_at = now
    if confirmation_withheld(subscription, now):
        db.session.commit()
        return
    site = comment.article.site
    setup.mailer.deliver(
        setup.mailer.build(
            subscription.email,
            "Confirm reply e-mails",
            "confirm_replies",
            {
                "name": comment.guest_name or "",
                "site_name": site.name,
                "link": setup.optin_url(subscription),
            },
            sender_name=site.name,
        )
    )
    db.session.commit()


def confirm_subscription(secret: str | bytes, token: str) -> ReplySubscription:
    """Follow an opt-in link: from now on replies to that comment are mailed; commit."""
    subscription_id, address = email_links.read_optin_token(secret, token)
    subscription = db.session.get(ReplySubscription, subscription_id)
    if subscription is None or not hmac.compare_digest(
        subscription.email.encode(), address.encode()
    ):
        raise ValidationError("this confirmation link is not valid", "invalid_link")
    if subscription.confirmed_at is None:
        subscription.confirmed_at = utcnow()
        db.session.commit()
    return subscription


def check_unsubscribe_link(secret: str | bytes, token: str) -> str:
    """The recipient key of a valid unsubscribe link (ValidationError otherwise)."""
    key = email_links.read_unsubscribe_token(secret, token)
    if key[:1] not in ("u", "s") or not key[1:].isdigit():
        raise ValidationError("this unsubscribe link is not valid", "invalid_link")
    return key


def unsubscribe(secret: str | bytes, token: str) -> None:
    """One-click unsubscribe: reply e-mails off for that reader (a guest: for that address on
    every comment); commit. Works any number of times."""
    key = check_unsubscribe_link(secret, token)
    number = int(key[1:])
    if key[0] == "u":
        user = db.session.get(User, number)
        if user is not None:
            user.reply_notifications = False
    else:
        subscription = db.session.get(ReplySubscription, number)
        if subscription is not None:
            db.session.execute(
                update(ReplySubscription)
                .where(
                    func.lower(ReplySubscription.email) == subscription.email.lower(),
                    ReplySubscription.unsubscribed_at.is_(None),
                )
                .values(unsubscribed_at=utcnow())
            )
    db.session.commit()


def is_visible(comment: Comment | None) -> bool:
    return comment is not None and comment.status == CommentStatus.APPROVED
