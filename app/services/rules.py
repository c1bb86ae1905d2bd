"""Moderation rules: decide the status of a new comment, with the reasons recorded.

Every new comment passes through ``decide_status``. Today it applies pre-moderation
(site-wide or per article); trusted authors and staff skip it.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from app.models import Article, CommentStatus, Site
from app.services.identity import Viewer


@dataclass(slots=True)
class Decision:
    status: CommentStatus
    reasons: list[str] = field(default_factory=list)


def decide_status(site: Site, article: Article, viewer: Viewer, body: str) -> Decision:
    """The status a new comment gets, and why."""
    user = viewer.user
    if user is not None and (user.is_staff or user.trusted):
        return Decision(CommentStatus.APPROVED)
    premod = article.premod if article.premod is not None else site.premod
    if premod:
        return Decision(CommentStatus.PENDING, ["premod"])
    return Decision(CommentStatus.APPROVED)
