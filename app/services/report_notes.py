"""What readers wrote when they reported a comment, for the moderators who decide on it."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select

from app.extensions import db
from app.models import Report

NOTES_SHOWN = 20  # per comment, newest first: enough to judge, bounded for a mass-reported one


@dataclass(frozen=True, slots=True)
class ReportNote:
    reason: str
    note: str
    created_at: datetime


def report_notes(comment_ids: list[int]) -> dict[int, list[ReportNote]]:
    """The notes readers typed with their reports of these comments (one query).

    Reporters are not named: a note is the reader's words, not who they are.
    """
    if not comment_ids:
        return {}
    rows = db.session.execute(
        select(Report.comment_id, Report.reason, Report.note, Report.created_at)
        .where(Report.comment_id.in_(comment_ids), Report.note.is_not(None))
        .order_by(Report.comment_id, Report.created_at.desc(), Report.id.desc())
    )
    notes: dict[int, list[ReportNote]] = {}
    for comment_id, reason, note, created_at in rows:
        kept = notes.setdefault(comment_id, [])
        if len(kept) < NOTES_SHOWN:
            kept.append(ReportNote(reason.value, note, created_at))
    return notes
