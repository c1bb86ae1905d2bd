"""Parley's data model. Import models from here."""

# The limits the models size their columns by, importable from here as before.
from app.limits import ARTICLE_KEY_MAX, AUTHOR_NAME_MAX, BODY_MAX, RECORD_ID_MAX, SITE_SLUG_MAX
from app.models.comment import Comment, Reaction, Report, Vote
from app.models.moderation import AuditEntry, Ban
from app.models.notifications import (
    AuthorAlert,
    ModeratorAlert,
    ModeratorAlertItem,
    ReplyMailBatch,
    ReplyNotice,
    ReplySubscription,
)
from app.models.site import Article, Site
from app.models.types import (
    REMOVED_STATUSES,
    BodyFormat,
    CommentStatus,
    ReactionKind,
    ReportReason,
    Role,
    UserStatus,
    is_record_id,
    utcnow,
)
from app.models.user import ApiToken, User, UserSession, moderator_sites, site_trusted_authors
from app.models.webhooks import DeliveryStatus, Webhook, WebhookDelivery

__all__ = [
    "ARTICLE_KEY_MAX",
    "AUTHOR_NAME_MAX",
    "BODY_MAX",
    "RECORD_ID_MAX",
    "REMOVED_STATUSES",
    "SITE_SLUG_MAX",
    "ApiToken",
    "Article",
    "AuditEntry",
    "AuthorAlert",
    "Ban",
    "BodyFormat",
    "Comment",
    "CommentStatus",
    "ModeratorAlert",
    "ModeratorAlertItem",
    "DeliveryStatus",
    "Reaction",
    "ReactionKind",
    "ReplyMailBatch",
    "ReplyNotice",
    "ReplySubscription",
    "Report",
    "ReportReason",
    "Role",
    "Site",
    "User",
    "UserSession",
    "UserStatus",
    "Vote",
    "Webhook",
    "WebhookDelivery",
    "is_record_id",
    "moderator_sites",
    "site_trusted_authors",
    "utcnow",
]
