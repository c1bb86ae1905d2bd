"""Moderators' e-mail alerts about new items in a site's pending and reported queues.

Each moderator chooses per site they moderate: ``off`` (the default), ``immediately`` (one
e-mail per new item), ``hourly`` or ``daily`` (a digest of the items since the last one, sent
by ``flask notifications digests``). An item is recorded once per moderator and queue
(``ModeratorAlertItem`` is unique), so a retried job or a second report mails nothing twice.
Alerts go to the moderator's verified address only and link to the dashboard; they name a
comment's author by display name, never by address.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from email.message import EmailMessage

from sqlalchemy import select

from app.extensions import db
from app.models import (
    Comment,
    CommentStatus,
    ModeratorAlert,
    ModeratorAlertItem,
    Site,
    User,
    utcnow,
)
from app.services.errors import ValidationError
from app.services.permissions import can_moderate, moderated_site_ids, require_moderator
from app.services.reply_mail import recorded_once
from app.services.reply_subscriptions import MailSetup
from app.services.sites import get_site

FREQUENCIES = ("off", "immediately", "hourly", "daily")
DIGEST_EVERY = {"hourly": timedelta(hours=1), "daily": timedelta(days=1)}
QUEUE_OF_EVENT = {"comment.created": "pending", "comment.reported": "reported"}
EXCERPT_CHARS = 300


@dataclass(frozen=True, slots=True)
class SiteAlert:
    site: Site
    frequency: str


def alert_choices(user: User) -> list[SiteAlert]:
    """Every site ``user`` moderates, with their alert frequency there (``off`` if unset)."""
    ids = moderated_site_ids(user)
    query = select(Site).order_by(Site.slug)
    if ids is not None:
        query = query.where(Site.id.in_(ids))
    stored = {
        alert.site_id: alert.frequency
        for alert in db.session.scalars(
            select(ModeratorAlert).where(ModeratorAlert.user_id == user.id)
        )
    }
    return [SiteAlert(site, stored.get(site.id, "off")) for site in db.session.scalars(query)]


def set_alerts(user: User, choices: dict[str, object]) -> None:
    """Store ``{site slug: frequency}`` for sites ``user`` moderates; commit. ValidationError
    (invalid_frequency) for an unknown value, Forbidden for a site they do not moderate."""
    for slug, frequency in choices.items():
        if frequency not in FREQUENCIES:
            raise ValidationError(
                f"alert frequency must be one of {', '.join(FREQUENCIES)}", "invalid_frequency"
            )
        site = get_site(slug)
        require_moderator(user, site)
        alert = db.session.scalar(
            select(ModeratorAlert).where(
                ModeratorAlert.user_id == user.id, ModeratorAlert.site_id == site.id
            )
        )
        if alert is None:
            alert = ModeratorAlert(user_id=user.id, site_id=site.id, frequency=str(frequency))
            db.session.add(alert)
        elif alert.frequency != frequency:
            alert.frequency = str(frequency)
            alert.last_digest_at = None if frequency == "off" else alert.last_digest_at
    db.session.commit()


def may_alert(user: User | None, site: Site) -> bool:
    return (
        user is not None
        and bool(user.email)
        and user.email_verified_at is not None
        and can_moderate(user, site)
    )


def note_queue_item(event: str, comment_id: int, setup: MailSetup) -> int:
    """Record a new pending or reported item for every moderator who wants alerts, mailing
    those who chose ``immediately``; commits per moderator. The number of e-mails sent."""
    queue = QUEUE_OF_EVENT.get(event)
    comment = db.session.get(Comment, comment_id)
    if queue is None or comment is None:
        return 0
    if queue == "pending" and comment.status != CommentStatus.PENDING:
        return 0
    site = comment.article.site
    alerts = db.session.scalars(
        select(ModeratorAlert)
        .where(ModeratorAlert.site_id == site.id, ModeratorAlert.frequency != "off")
        .order_by(ModeratorAlert.id)
    ).all()
    sent = 0
    failure: Exception | None = None
    for alert_id, user_id, frequency in [(a.id, a.user_id, a.frequency) for a in alerts]:
        user = db.session.get(User, user_id)
        if user is None or not may_alert(user, site):
            continue
        item = ModeratorAlertItem(alert_id=alert_id, comment_id=comment_id, queue=queue)
        if not recorded_once(item):  # already recorded for this moderator
            continue
        if frequency == "immediately":
            try:
                setup.mailer.deliver(alert_message(user, site, [item], setup, digest=False))
            except Exception as error:  # this mailbox failed: the others still get theirs
                db.session.rollback()
                failure = failure or error
                continue
            item.sent_at = utcnow()
            sent += 1
        db.session.commit()
    if failure is not None:
        raise failure  # the job is retried; those already told are recorded and skipped
    return sent


def send_digests(setup: MailSetup, now: datetime | None = None) -> int:
    """Mail each hourly/daily moderator whose period has passed the items since their last
    digest (nothing when there are none); commits per moderator. The number sent."""
    now = now or utcnow()
    alerts = db.session.scalars(
        select(ModeratorAlert)
        .where(ModeratorAlert.frequency.in_(tuple(DIGEST_EVERY)))
        .order_by(ModeratorAlert.id)
    ).all()
    sent = 0
    for alert in alerts:
        due = (
            alert.last_digest_at is None
            or alert.last_digest_at + DIGEST_EVERY[alert.frequency] <= now
        )
        if not due:
            continue
        items = db.session.scalars(
            select(ModeratorAlertItem)
            .where(ModeratorAlertItem.alert_id == alert.id, ModeratorAlertItem.sent_at.is_(None))
            .order_by(ModeratorAlertItem.id)
            .with_for_update()
        ).all()
        user = db.session.get(User, alert.user_id)
        site = db.session.get(Site, alert.site_id)
        if items and site is not None and user is not None and may_alert(user, site):
            setup.mailer.deliver(alert_message(user, site, list(items), setup, digest=True))
            sent += 1
        for item in items:
            item.sent_at = now
        alert.last_digest_at = now
        db.session.commit()
    return sent


def alert_message(
    user: User, site: Site, items: list[ModeratorAlertItem], setup: MailSetup, *, digest: bool
) -> EmailMessage:
    rows = []
    for item in items:
        comment = db.session.get(Comment, item.comment_id)
        if comment is None:
            continue
        author = comment.user.name if comment.user is not None else (comment.guest_name or "")
        text = comment.body_source
        rows.append(
            {
                "queue": item.queue,
                "author": author,
                "article": comment.article.title or comment.article.key,
                "text": text if len(text) <= EXCERPT_CHARS else text[:EXCERPT_CHARS] + "…",
                "link": f"{setup.base_url}/moderation/comments/{comment.id}",
            }
        )
    count = len(rows)
    noun = "item" if count == 1 else "items"
    subject = (
        f"Moderation digest: {count} new {noun}" if digest else f"Moderation: {count} new {noun}"
    )
    context = {
        "name": user.name,
        "site_name": site.name,
        "items": rows,
        "queues": {
            queue: f"{setup.base_url}/moderation/sites/{site.slug}/queue/{queue}"
            for queue in ("pending", "reported")
        },
        "settings_link": f"{setup.base_url}/moderation/alerts",
    }
    return setup.mailer.build(
        user.email or "", subject, "moderator_alert", context, sender_name=site.name
    )
