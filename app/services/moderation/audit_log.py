"""Reading the audit log (app.services.audit writes it), newest first, one site's or all."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import or_, select
from sqlalchemy.orm import aliased

from app.limits import AUDIT_ACTION_NAME_MAX, PAGE_SIZE, QUEUE_PAGE_MAX
from app.models import RECORD_ID_MAX, AuditEntry, Site, User, is_record_id
from app.services.errors import ValidationError
from app.services.paging import newest_first_by_id
from app.services.permissions import site_scope
from app.services.shapes import shape


@dataclass(slots=True)
class AuditItem:
    id: int
    created_at: datetime
    action: str
    actor_id: int | None  # None: a rule or the system
    actor_name: str | None
    site_slug: str | None
    comment_id: int | None
    target_user_id: int | None
    target_user_name: str | None
    reason: str | None
    before_status: str | None
    after_status: str | None


@dataclass(slots=True)
class AuditPage:
    items: list[AuditItem] = field(default_factory=list)
    next_cursor: str | None = None


def audit_log(
    moderator: User | None,
    site_slug: str | None = None,
    comment_id: int | None = None,
    user_id: int | None = None,
    action: str | None = None,
    cursor: str | None = None,
    limit: int = PAGE_SIZE,
) -> AuditPage:
    """Audit entries, newest first, filtered; a moderator sees the entries of their sites.

    Entries without a site (global bans) are shown to admins and all-site moderators only.
    Raises Forbidden, NotFound(unknown_site), ValidationError(invalid_cursor/limit/action).
    """
    site_ids = site_scope(moderator, site_slug)
    for name, value in (("comment", comment_id), ("user", user_id)):
        if value is not None and not is_record_id(value):
            raise ValidationError(
                f"{name} must be an id from 1 to {RECORD_ID_MAX}", f"invalid_{name}"
            )
    actor = aliased(User, name="actor")
    target = aliased(User, name="target")
    query = (
        select(
            AuditEntry,
            actor.name.label("actor_name"),
            target.name.label("target_name"),
            Site.slug.label("site_slug"),
        )
        .outerjoin(actor, actor.id == AuditEntry.actor_id)
        .outerjoin(target, target.id == AuditEntry.target_user_id)
        .outerjoin(Site, Site.id == AuditEntry.site_id)
    )
    if site_ids is not None:
        query = query.where(AuditEntry.site_id.in_(site_ids))
    if comment_id is not None:
        query = query.where(AuditEntry.comment_id == comment_id)
    if user_id is not None:
        query = query.where(
            or_(AuditEntry.target_user_id == user_id, AuditEntry.actor_id == user_id)
        )
    if action:
        if not isinstance(action, str) or len(action) > AUDIT_ACTION_NAME_MAX:
            raise ValidationError("action must be an audit action name", "invalid_action")
        query = query.where(AuditEntry.action == action)
    rows, next_cursor = newest_first_by_id(
        query, "audit", AuditEntry.id, cursor, limit, QUEUE_PAGE_MAX
    )
    items = [
        shape(AuditItem, entry, actor_name=actor, site_slug=slug, target_user_name=target)
        for entry, actor, target, slug in rows
    ]
    return AuditPage(items, next_cursor)
