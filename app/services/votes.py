"""Comment votes: one per reader per comment; the comment's score moves in the same transaction.

A score counts accounts one vote each and guests one vote per address (``Vote.counted_as``):
a guest identity costs nothing to mint, so the votes of several guests from one address count
as the first of them. Every reader still sees their own vote.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import func, select, update
from sqlalchemy.exc import IntegrityError

from app.database import savepoint
from app.extensions import db
from app.models import Comment, CommentStatus, Vote
from app.services.comments import get_comment, is_own, locked_status
from app.services.errors import Forbidden, NotFound, ValidationError
from app.services.freshness import touch_article
from app.services.identity import Viewer, require_actor_key, require_reader_of_site

VOTE_VALUES = (1, -1, 0)  # up, down, take the vote back


@dataclass(slots=True)
class VoteResult:
    score: int
    mine: int  # -1, 0 or 1


def clean_vote_value(value: Any) -> int:
    if isinstance(value, bool) or value not in VOTE_VALUES:
        raise ValidationError("value must be 1 (up), -1 (down) or 0 (remove)", "invalid_vote")
    return int(value)


def vote(comment_id: int, value: Any, viewer: Viewer) -> VoteResult:
    """Set (1/-1), change or remove (0) the viewer's vote on an approved comment, and commit.

    Raises ValidationError(invalid_vote), NotFound(unknown_comment) for a missing or unapproved
    comment, Forbidden(own_comment) for the viewer's own comment, Forbidden(forbidden) for an
    SSO reader of another site.
    """
    wanted = clean_vote_value(value)
    comment = get_comment(comment_id)
    # Locked until commit: each vote sets the score to its count of the votes, so a vote
    # counting before another's commit would write a score without it (12 readers voting at
    # once scored 2).
    if locked_status(comment) != CommentStatus.APPROVED:
        raise NotFound(f"no comment with id {comment_id}", "unknown_comment")
    if is_own(comment, viewer):
        raise Forbidden("you cannot vote on your own comment", "own_comment")
    require_reader_of_site(viewer, comment.article.site_id)
    voter = require_actor_key(viewer)

    existing = _vote_of(comment.id, voter)
    before = existing.value if existing is not None else 0
    if existing is None and wanted:
        try:
            with savepoint(db.session):
                db.session.add(
                    Vote(
                        comment_id=comment.id,
                        voter=voter,
                        counted_as=viewer.counted_as,
                        value=wanted,
                    )
                )
        except IntegrityError:
            # The same reader's concurrent request voted first: change that vote instead.
            existing = _vote_of(comment.id, voter)
            before = existing.value
    if existing is not None:
        if wanted:
            existing.value = wanted
        else:
            db.session.delete(existing)
    if wanted != before:
        db.session.flush()
        score = counted_score(comment.id)
        db.session.execute(update(Comment).where(Comment.id == comment.id).values(score=score))
    else:
        score = db.session.scalar(select(Comment.score).where(Comment.id == comment.id))
    if wanted != before:
        touch_article(comment.article_id)
    db.session.commit()
    return VoteResult(score=score, mine=wanted)


def counted_score(comment_id: int) -> int:
    """The sum of the comment's votes, each account or address counted once (its first vote)."""
    return counted_scores([comment_id]).get(comment_id, 0)


def counted_scores(comment_ids: list[int]) -> dict[int, int]:
    """``counted_score`` of each of ``comment_ids`` that has a vote."""
    of_these = Vote.comment_id.in_(comment_ids)
    first = (
        select(func.min(Vote.id))
        .where(of_these)
        .group_by(Vote.comment_id, func.coalesce(Vote.counted_as, Vote.voter))
    )
    totals = (
        select(Vote.comment_id, func.sum(Vote.value))
        .where(of_these, Vote.id.in_(first))
        .group_by(Vote.comment_id)
    )
    return {comment_id: int(total) for comment_id, total in db.session.execute(totals)}


def _vote_of(comment_id: int, voter: str) -> Vote | None:
    return db.session.scalar(select(Vote).where(Vote.comment_id == comment_id, Vote.voter == voter))
