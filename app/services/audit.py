"""The audit log: every moderation decision, by a person or by a rule.

``record`` only adds the entry to the current transaction; the calling service commits it
together with the change it describes, so the log never disagrees with the data.
"""

from __future__ import annotations

from app.extensions import db
from app.limits import AUDIT_REASON_MAX
from app.models import AuditEntry, Comment


def record(
    action: str,
    *,
    comment: Comment | None = None,
    site_id: int | None = None,
    actor_id: int | None = None,
    target_user_id: int | None = None,
    reason: str | None = None,
    before: str | None = None,
    after: str | None = None,
) -> AuditEntry:
    """Add an audit entry. ``actor_id`` None means a rule or the system decided."""
    if comment is not None and site_id is None:
        site_id = comment.article.site_id
    entry = AuditEntry(
        action=action,
        site_id=site_id,
        comment_id=comment.id if comment is not None else None,
        actor_id=actor_id,
        target_user_id=target_user_id
        if target_user_id is not None
        else (comment.user_id if comment is not None else None),
        reason=reason[:AUDIT_REASON_MAX] if reason else None,
        before_status=before,
        after_status=after,
    )
    db.session.add(entry)
    return entry
