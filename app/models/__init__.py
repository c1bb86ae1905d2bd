"""Parley's data model. Import models from here."""

from app.models.comment import AUTHOR_NAME_MAX, BODY_MAX, Comment, Reaction, Report, Vote
from app.models.moderation import AuditEntry, Ban
from app.models.site import ARTICLE_KEY_MAX, SITE_SLUG_MAX, Article, Site
from app.models.types import (
    REMOVED_STATUSES,
    CommentStatus,
    ReactionKind,
    ReportReason,
    Role,
    UserStatus,
    utcnow,
)
from app.models.user import ApiToken, User, UserSession, moderator_sites

__all__ = [
    "ARTICLE_KEY_MAX",
    "AUTHOR_NAME_MAX",
    "BODY_MAX",
    "REMOVED_STATUSES",
    "SITE_SLUG_MAX",
    "ApiToken",
    "Article",
    "AuditEntry",
    "Ban",
    "Comment",
    "CommentStatus",
    "Reaction",
    "ReactionKind",
    "Report",
    "ReportReason",
    "Role",
    "Site",
    "User",
    "UserSession",
    "UserStatus",
    "Vote",
    "moderator_sites",
    "utcnow",
]
