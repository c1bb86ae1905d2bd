"""Readers' reports of comments, which feed the moderation queues.

One report per reader per comment (``Report.reporter`` is the viewer's actor key). Each new
report increments ``comments.report_count``. When the number of distinct reporters reaches the
site's ``report_threshold`` setting (app.services.site_settings, default 3), an approved comment
is hidden pending review: its status moves to pending (audited as ``rule_reports``) and
``"reports"`` joins its reasons. Reporters are counted as distinct accounts or distinct
addresses (``Report.counted_as``): guests count once per IP address, since a guest identity
costs nothing to mint. A comment by staff is never hidden by reports (it still reaches the
reported queue). Only a comment the reader can see may be reported: others are 404, as if
missing, so reports do not reveal which ids are held for moderation.
That happens once: a comment a moderator approves again while its reasons still say
``"reports"`` is not hidden again by further reports.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import func, select, update
from sqlalchemy.exc import IntegrityError

from app.database import savepoint
from app.extensions import db
from app.limits import REPORT_NOTE_MAX
from app.models import Comment, CommentStatus, Report, ReportReason
from app.sanitize import normalize_text
from app.services import comment_events
from app.services.comments import change_status, get_comment, is_own, locked_status
from app.services.errors import NotFound, ValidationError
from app.services.identity import Viewer, require_actor_key, require_reader_of_site
from app.services.reactions import clean_choice
from app.services.site_settings import effective_settings

REPORT_REASON = "reports"


@dataclass(slots=True)
class ReportResult:
    report: Report
    created: bool  # False: the reader had already reported this comment; nothing changed


def clean_note(note: Any) -> str | None:
    if note is None:
        return None
    if not isinstance(note, str):
        raise ValidationError("note must be a string", "invalid_note")
    note = normalize_text(note).strip()
    if len(note) > REPORT_NOTE_MAX:
        raise ValidationError(f"note must be at most {REPORT_NOTE_MAX} characters", "invalid_note")
    return note or None


def report_comment(comment_id: int, reason: Any, note: Any, viewer: Viewer) -> ReportResult:
    """Record the viewer's report of an approved or pending comment, and commit.

    A repeat by the same reader returns the first report with ``created`` False and changes
    nothing. Raises ValidationError(invalid_reason, invalid_note), NotFound(unknown_comment),
    Forbidden(forbidden) for an SSO reader of another site.
    """
    chosen = clean_choice(ReportReason, reason, "reason")
    clean = clean_note(note)
    comment = get_comment(comment_id)
    visible = comment.status == CommentStatus.APPROVED or (
        comment.status == CommentStatus.PENDING and is_own(comment, viewer)
    )
    if not visible:
        raise NotFound(f"no comment with id {comment_id}", "unknown_comment")
    require_reader_of_site(viewer, comment.article.site_id)
    reporter = require_actor_key(viewer)

    existing = _report_of(comment.id, reporter)
    if existing is not None:
        return ReportResult(existing, created=False)
    report = Report(
        comment_id=comment.id,
        reporter=reporter,
        counted_as=viewer.counted_as,
        reason=chosen,
        note=clean,
    )
    try:
        with savepoint(db.session):
            db.session.add(report)
    except IntegrityError:
        # The same reader's concurrent request recorded it first.
        return ReportResult(_report_of(comment.id, reporter), created=False)

    db.session.execute(
        update(Comment)
        .where(Comment.id == comment.id)
        .values(report_count=Comment.report_count + 1)
    )
    counted = func.coalesce(Report.counted_as, Report.reporter)
    reporters = db.session.scalar(
        select(func.count(func.distinct(counted))).where(Report.comment_id == comment.id)
    )
    threshold = effective_settings(comment.article.site)["report_threshold"]
    if reporters >= threshold and REPORT_REASON not in (comment.reasons or []):
        comment.reasons = [*(comment.reasons or []), REPORT_REASON]
        by_staff = comment.user is not None and comment.user.is_staff
        if locked_status(comment) == CommentStatus.APPROVED and not by_staff:
            change_status(
                comment,
                CommentStatus.PENDING,
                action="rule_reports",
                reason=f"reported by {reporters} readers (threshold {threshold})",
                before=CommentStatus.APPROVED,
            )
    comment_events.record("comment.reported", comment)
    db.session.commit()
    return ReportResult(report, created=True)


def _report_of(comment_id: int, reporter: str) -> Report | None:
    return db.session.scalar(
        select(Report).where(Report.comment_id == comment_id, Report.reporter == reporter)
    )
