"""Actions on comments: approve, reject, mark spam, restore, feature, unfeature.

Actions (``ACTIONS``) go through ``app.services.comments.change_status``, which keeps the
article's visible count right and writes the audit entry with the status before and after;
feature/unfeature keep the status and are audited too. Approving or restoring a reported
comment dismisses its reports (``report_count`` back to 0, the Report rows kept), so it leaves
the Reported queue. Readers see the change on their next request: every action bumps the
article's version (app.services.freshness), which keys every cached copy of its thread.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import select, update

from app.extensions import db
from app.limits import BULK_MAX, MODERATION_REASON_MAX
from app.models import RECORD_ID_MAX, Article, Comment, CommentStatus, User, is_record_id
from app.sanitize import normalize_text
from app.services import audit
from app.services.comments import (
    change_status,
    get_comment,
    lock_comments,
    locked_status,
)
from app.services.errors import Conflict, Forbidden, NotFound, ValidationError
from app.services.freshness import touch_article
from app.services.permissions import (
    can_feature,
    moderated_site_ids,
    require_moderator,
    require_staff,
)

ACTIONS = ("approve", "reject", "spam", "restore", "feature", "unfeature")
STATUS_ACTIONS = {
    "approve": CommentStatus.APPROVED,
    "reject": CommentStatus.REJECTED,
    "spam": CommentStatus.SPAM,
    "restore": CommentStatus.APPROVED,
}


def clean_action(action: Any) -> str:
    """One of ``ACTIONS``; ValidationError(invalid_action) otherwise."""
    if action not in ACTIONS:
        raise ValidationError(f"action must be one of {', '.join(ACTIONS)}", "invalid_action")
    return action


def clean_reason(reason: Any) -> str | None:
    """An optional reason: one of the site's reject_reasons or free text (MODERATION_REASON_MAX)."""
    if reason is None:
        return None
    if not isinstance(reason, str):
        raise ValidationError("reason must be a string", "invalid_reason")
    reason = " ".join(normalize_text(reason).split())
    if len(reason) > MODERATION_REASON_MAX:
        raise ValidationError(
            f"reason must be at most {MODERATION_REASON_MAX} characters", "invalid_reason"
        )
    return reason or None


def _apply(
    comment: Comment, action: str, moderator: User, reason: str | None, *, locked: bool = False
) -> None:
    """Apply one action to one comment, audited; the caller commits. ``locked``: the caller
    loaded the comment under its row's lock (a bulk action), so its status is current."""
    before = comment.status if locked else locked_status(comment)
    if before == CommentStatus.DELETED:
        raise Conflict(
            f"comment {comment.id} was deleted by its author; it cannot be moderated",
            "comment_deleted",
        )
    if action in ("feature", "unfeature"):
        if action == "feature" and not can_feature(comment.status):
            raise ValidationError(
                f"comment {comment.id} is {comment.status.value}: only approved comments "
                "can be featured",
                "invalid_action",
            )
        comment.featured = action == "feature"
        touch_article(comment.article_id)
        status = comment.status.value
        audit.record(
            action,
            comment=comment,
            actor_id=moderator.id,
            reason=reason,
            before=status,
            after=status,
        )
        return
    target = STATUS_ACTIONS[action]
    note = reason
    if target == CommentStatus.APPROVED and comment.report_count:
        dismissed = f"{comment.report_count} report(s) dismissed"
        note = f"{reason}; {dismissed}" if reason else dismissed
        db.session.execute(update(Comment).where(Comment.id == comment.id).values(report_count=0))
        comment.report_count = 0
    change_status(comment, target, action=action, actor_id=moderator.id, reason=note, before=before)


def moderate_comment(
    comment_id: int, action: str, moderator: User | None, reason: str | None = None
) -> Comment:
    """Approve, reject, mark spam, restore (to approved), feature or unfeature a comment; commit.

    Raises NotFound(unknown_comment), Forbidden(forbidden), ValidationError(invalid_action,
    invalid_reason), Conflict(comment_deleted) for a comment its author deleted.
    """
    moderator = require_staff(moderator)
    action = clean_action(action)
    reason = clean_reason(reason)
    comment = get_comment(comment_id)
    require_moderator(moderator, comment.article.site)
    _apply(comment, action, moderator, reason)
    db.session.commit()
    return comment


def clean_ids(comment_ids: Any) -> list[int]:
    """1 to BULK_MAX comment ids, without repeats; ValidationError(invalid_ids) otherwise."""
    if not isinstance(comment_ids, list | tuple) or not comment_ids:
        raise ValidationError("give a non-empty list of comment ids", "invalid_ids")
    if len(comment_ids) > BULK_MAX:
        raise ValidationError(f"at most {BULK_MAX} comments per bulk action", "invalid_ids")
    if not all(is_record_id(i) for i in comment_ids):
        raise ValidationError(
            f"comment ids must be whole numbers from 1 to {RECORD_ID_MAX}", "invalid_ids"
        )
    return list(dict.fromkeys(comment_ids))


def bulk_moderate(
    comment_ids: Any, action: str, moderator: User | None, reason: str | None = None
) -> list[Comment]:
    """The same action on up to 200 comments, in one transaction (all or none), each audited.

    Raises what ``moderate_comment`` raises, plus ValidationError(invalid_ids); NotFound names
    the ids that do not exist.
    """
    moderator = require_staff(moderator)
    allowed = moderated_site_ids(moderator)
    action = clean_action(action)
    reason = clean_reason(reason)
    ids = clean_ids(comment_ids)
    rows = lock_comments(
        select(Comment, Article.site_id)
        .join(Article, Article.id == Comment.article_id)
        .where(Comment.id.in_(ids))
    )
    found = {comment.id: (comment, site_id) for comment, site_id in rows}
    missing = [i for i in ids if i not in found]
    if missing:
        raise NotFound(
            f"no comments with ids {', '.join(map(str, missing[:20]))}", "unknown_comment"
        )
    if allowed is not None:
        refused = sorted({site_id for _c, site_id in found.values()} - set(allowed))
        if refused:
            raise Forbidden("some of these comments are on sites you do not moderate", "forbidden")
    comments = [found[i][0] for i in ids]
    for comment in comments:
        _apply(comment, action, moderator, reason, locked=True)
    db.session.commit()
    return comments
