"""Authors editing or deleting their own comment within the edit window.

The author is the signed-in user who wrote it, or the guest whose browser key matches
``comments.guest_key``. The window (PARLEY_EDIT_WINDOW_SECONDS, default 15 minutes) counts
from ``created_at``; editing does not extend it. An edit goes through the same validation,
rendering and moderation rules as a new comment: it can send an approved comment back to
pending (or spam), never the other way round.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from app.extensions import db
from app.models import Comment, CommentStatus, utcnow
from app.sanitize import render_markdown
from app.services import comment_events
from app.services.bans import check_not_banned
from app.services.comment_rows import held_by_rules
from app.services.comments import (
    change_status,
    clean_body,
    get_comment,
    is_own,
    locked_status,
)
from app.services.errors import Forbidden, NotFound
from app.services.freshness import touch_article
from app.services.identity import Viewer
from app.services.rules import decide_status
from app.services.site_settings import comments_closed
from app.services.toxicity import record_confirmed, screen_comment

DEFAULT_EDIT_WINDOW_SECONDS = 900


def editable_until(
    created_at: datetime, window_seconds: int, now: datetime | None = None
) -> datetime | None:
    """When the author's edit window closes, or None once it has."""
    until = created_at + timedelta(seconds=window_seconds)
    return until if until > (now or utcnow()) else None


def _refuse_unless_changeable(comment: Comment, viewer: Viewer, window_seconds: int) -> None:
    """Raise unless ``viewer`` may still change (delete) ``comment``, judged by its status as
    loaded: NotFound(unknown_comment), Forbidden(not_your_comment, edit_window_closed)."""
    # A comment the rules hold reads to its author as pending (comment_rows.held_by_rules), so
    # they may edit or delete it like one; once a moderator decided, it is gone for them.
    removed = comment.status in (CommentStatus.REJECTED, CommentStatus.SPAM)
    if removed and not (is_own(comment, viewer) and held_by_rules(comment)):
        raise NotFound(f"no comment with id {comment.id}", "unknown_comment")
    if not is_own(comment, viewer):
        raise Forbidden("only the author can change this comment", "not_your_comment")
    if editable_until(comment.created_at, window_seconds) is None:
        minutes = window_seconds // 60
        raise Forbidden(
            f"comments can be changed only in the first {minutes} minutes after posting",
            "edit_window_closed",
        )


def _refuse_unless_editable(comment: Comment, viewer: Viewer, window_seconds: int) -> None:
    """``_refuse_unless_changeable``, and NotFound(unknown_comment) for a deleted comment."""
    _refuse_unless_changeable(comment, viewer, window_seconds)
    if comment.status == CommentStatus.DELETED:
        raise NotFound(f"comment {comment.id} was deleted", "unknown_comment")


def own_comment_source(
    comment_id: int, viewer: Viewer, window_seconds: int = DEFAULT_EDIT_WINDOW_SECONDS
) -> Comment:
    """The viewer's own comment, not deleted, while it may still be edited: what the editor
    opens (its Markdown source) and what ``edit_comment`` changes.

    The editor must start from the source: HTML cannot be turned back into the Markdown the
    author typed (escapes such as ``\\*`` are lost). Raises NotFound(unknown_comment),
    Forbidden(not_your_comment, edit_window_closed).
    """
    comment = get_comment(comment_id)
    _refuse_unless_editable(comment, viewer, window_seconds)
    return comment


def edit_comment(
    comment_id: int,
    body: Any,
    viewer: Viewer,
    window_seconds: int = DEFAULT_EDIT_WINDOW_SECONDS,
    confirm: Any = None,
) -> Comment:
    """Replace the body of the viewer's own comment, re-run the moderation rules, and commit.

    Raises NotFound(unknown_comment), Forbidden(not_your_comment, edit_window_closed,
    thread_closed, banned), ValidationError(invalid_body), ToxicityNudge (unless ``confirm``).
    """
    comment = own_comment_source(comment_id, viewer, window_seconds)
    source = clean_body(body)
    article = comment.article
    if comments_closed(article.site, article):
        raise Forbidden("comments on this article are closed", "thread_closed")
    check_not_banned(article.site, viewer)

    screening = screen_comment(article.site, viewer, source, confirm)
    html = render_markdown(source)
    decision = decide_status(
        article.site,
        article,
        viewer,
        source,
        html=html,
        editing=comment,
        toxicity=screening.toxicity.score,
    )
    # Checked again on the committed status, under the row's lock (taken after the scoring,
    # which may wait on a scorer): an edit that read the comment before its author's delete or
    # a moderator's decision committed would otherwise write over a deleted or rejected
    # comment, move it back to pending, or leave text the rules hold approved.
    before = locked_status(comment)
    _refuse_unless_editable(comment, viewer, window_seconds)
    comment.toxicity = screening.toxicity.score
    comment.body_source = source
    comment.body_html = html
    comment.edited_at = utcnow()
    if decision.status != CommentStatus.APPROVED:
        # Moderators see every reason a comment was held for, the edit's included.
        new_reasons = [r for r in decision.reasons if r not in (comment.reasons or [])]
        comment.reasons = [*(comment.reasons or []), *new_reasons]
    held = before in (CommentStatus.REJECTED, CommentStatus.SPAM)  # stays as it is
    if decision.status not in (CommentStatus.APPROVED, before) and not held:
        change_status(
            comment,
            decision.status,
            action="rule_hold",
            reason=", ".join(decision.reasons) or "edited",
            before=before,
        )
    if screening.confirmed:
        record_confirmed(comment, article.site, screening.toxicity)
    touch_article(comment.article_id)
    comment_events.record("comment.edited", comment)
    db.session.commit()
    return comment


def delete_own_comment(
    comment_id: int, viewer: Viewer, window_seconds: int = DEFAULT_EDIT_WINDOW_SECONDS
) -> Comment:
    """Soft-delete the viewer's own comment (replies stay, under a placeholder), and commit.

    A comment the rules hold is deleted too. Deleting an already deleted comment changes
    nothing. Raises NotFound(unknown_comment),
    Forbidden(not_your_comment, edit_window_closed).
    """
    comment = get_comment(comment_id)
    before = locked_status(comment)  # decided on the committed status, like edit_comment
    _refuse_unless_changeable(comment, viewer, window_seconds)
    if before != CommentStatus.DELETED:  # rejected or spam here: held by the rules
        change_status(
            comment,
            CommentStatus.DELETED,
            action="delete_own",
            actor_id=viewer.user_id,
            before=before,
        )
        db.session.commit()
    return comment
