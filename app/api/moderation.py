"""The moderation API under /api/v1/moderation: parse -> one service call -> serialize.

Callers are moderators or admins with a bearer token, or a signed-in session (whose
state-changing calls must carry the CSRF token, checked by app.web.viewer). Without either the
answer is 401 ``unauthorized``; a reader, or a moderator of another site, gets 403
``forbidden`` (the services check the role on every call). Authors are shown to moderators
with their history but never with an email or IP address.
"""

from __future__ import annotations

from typing import Any

from flask import request

from app.api import bp
from app.api.payloads.moderation.answers import (
    BAN_SCOPES,
    AuthorHistory,
    AuthorStatus,
    ModerationArticle,
    ModerationComment,
    ModerationPage,
)
from app.limits import PAGE_SIZE
from app.models import User
from app.services import articles as article_service
from app.services import authors as author_service
from app.services.errors import Unauthorized, ValidationError
from app.services.moderation import actions, audit_log, items, queues, search
from app.services.site_settings import site_settings_for, update_site_settings
from app.web.parsing import json_body, query_int, required_arg
from app.web.serializers import iso, public_base_url
from app.web.viewer import current_viewer


def moderator() -> User:
    """The signed-in caller; 401 for anonymous callers (the services refuse non-staff)."""
    user = current_viewer().user
    if user is None:
        raise Unauthorized(
            "sign in as a moderator, or send Authorization: Bearer <token>", "unauthorized"
        )
    return user


def optional_int(name: str) -> int | None:
    raw = request.args.get(name)
    return None if raw in (None, "") else query_int(name, 0)


# --- serializers ----------------------------------------------------------------------------


def history_json(history: items.AuthorHistory | None) -> AuthorHistory | None:
    if history is None:
        return None
    return {
        "comments": history.comments,
        "approved": history.approved,
        "pending": history.pending,
        "rejected": history.rejected,
        "spam": history.spam,
        "first_seen": iso(history.first_seen),
        "account_age_days": history.account_age_days,
    }


def item_json(item: items.QueueItem, base: str) -> ModerationComment:
    author = item.author
    parent = item.parent
    return {
        "id": item.id,
        "site": item.site_slug,
        "article": {"key": item.article_key, "title": item.article_title, "url": item.article_url},
        "parent": None
        if parent is None
        else {
            "id": parent.id,
            "author_name": parent.author_name,
            "excerpt": parent.excerpt,
            "status": parent.status,
        },
        "author": {
            "name": author.name,
            "avatar_url": base + author.avatar_path,
            "badge": author.badge,
            "user_id": author.user_id,
            "guest": author.is_guest,
            "kind": author.kind,
            "trusted": author.trusted,
            "history": history_json(author.history),
        },
        "html": item.html,
        "status": item.status.value,
        "featured": item.featured,
        "reasons": item.reasons,
        "report_count": item.report_count,
        "report_reasons": item.report_reasons,
        "toxicity": item.toxicity,
        "created_at": iso(item.created_at),
        "edited_at": iso(item.edited_at),
    }


def page_json(page: items.QueuePage) -> ModerationPage:
    base = public_base_url()
    return {
        "comments": [item_json(item, base) for item in page.items],
        "next_cursor": page.next_cursor,
    }


def author_json(status: author_service.AuthorStatus) -> AuthorStatus:
    return {
        "name": status.name,
        "user_id": status.user_id,
        "guest": status.is_guest,
        "trusted": status.trusted,
        "banned": status.banned,
        "bans": [
            {
                "id": ban.id,
                "site": ban.site_slug,
                "reason": ban.reason,
                "created_at": iso(ban.created_at),
                "expires_at": iso(ban.expires_at),
            }
            for ban in status.bans
        ],
        "history": history_json(status.history),
    }


def article_item_json(item: article_service.ArticleItem) -> ModerationArticle:
    return {
        "key": item.key,
        "title": item.title,
        "url": item.url,
        "comment_count": item.comment_count,
        "pending_count": item.pending_count,
        "reported_count": item.reported_count,
        "closed": item.closed,
        "comments_closed": item.comments_closed,
        "premod": item.premod,
        "created_at": iso(item.created_at),
    }


# --- queues and comments --------------------------------------------------------------------


@bp.get("/moderation/queues/<queue>")
def list_moderation_queue(queue: str):
    """A page of the pending, reported, spam, approved or rejected queue."""
    page = queues.list_queue(
        queue,
        moderator(),
        site_slug=request.args.get("site") or None,
        cursor=request.args.get("cursor") or None,
        limit=query_int("limit", PAGE_SIZE),
        sort=request.args.get("sort") or "default",
    )
    return page_json(page)


@bp.get("/moderation/counts")
def get_queue_counts():
    """How many comments wait in the pending, reported and spam queues."""
    return {"counts": queues.queue_counts(moderator(), request.args.get("site") or None)}


@bp.get("/moderation/search")
def search_moderation_comments():
    """Every comment matching the filters, newest first."""
    args = request.args
    page = search.search_comments(
        moderator(),
        text=args.get("text") or None,
        author=args.get("author") or None,
        article=args.get("article") or None,
        status=args.get("status") or None,
        date_from=args.get("from") or None,
        date_to=args.get("to") or None,
        site_slug=args.get("site") or None,
        cursor=args.get("cursor") or None,
        limit=query_int("limit", PAGE_SIZE),
    )
    return page_json(page)


@bp.get("/moderation/comments/<id:comment_id>")
def get_moderation_comment(comment_id: int):
    """One comment as the queues show it."""
    return item_json(queues.queue_item(comment_id, moderator()), public_base_url())


@bp.post("/moderation/comments/<id:comment_id>")
def moderate_one_comment(comment_id: int):
    """Approve, reject, spam, restore, feature or unfeature one comment; 200 with it."""
    data = json_body()
    user = moderator()
    comment = actions.moderate_comment(comment_id, data.get("action"), user, data.get("reason"))
    return item_json(queues.queue_item(comment.id, user), public_base_url())


@bp.post("/moderation/comments")
def moderate_many_comments():
    """The same action on up to 200 comments at once (all or nothing)."""
    data = json_body()
    user = moderator()
    comments = actions.bulk_moderate(data.get("ids"), data.get("action"), user, data.get("reason"))
    return {
        "comments": [
            {"id": c.id, "status": c.status.value, "featured": c.featured} for c in comments
        ]
    }


# --- authors --------------------------------------------------------------------------------


def _author_action(data: dict[str, Any], comment_id: int | None, user_id: int | None):
    action = data.get("action")
    if action not in author_service.AUTHOR_ACTIONS:
        raise ValidationError(
            f"action must be one of {', '.join(author_service.AUTHOR_ACTIONS)}", "invalid_action"
        )
    scope = data.get("scope", "site")
    if not isinstance(scope, str) or scope not in BAN_SCOPES:  # a dict or list is unhashable
        raise ValidationError("scope must be site or global", "invalid_scope")
    site = data.get("site")
    if site is not None and not isinstance(site, str):
        raise ValidationError("site must be a site's slug", "invalid_site")
    user = moderator()
    ref = author_service.AuthorRef(comment_id=comment_id, user_id=user_id, site_slug=site)
    reason = data.get("reason")
    if action == "ban":
        return author_service.ban_author(ref, user, BAN_SCOPES[scope], reason)
    if action == "suspend":
        return author_service.suspend_author(ref, user, BAN_SCOPES[scope], reason, data.get("days"))
    if action == "trust":
        return author_service.trust_author(ref, user, reason)
    return author_service.reset_author(ref, user, reason)


@bp.get("/moderation/comments/<id:comment_id>/author")
def get_comment_author(comment_id: int):
    """The comment's author: history, trust and active bans."""
    ref = author_service.AuthorRef(comment_id=comment_id)
    return author_json(author_service.author_status(ref, moderator()))


@bp.post("/moderation/comments/<id:comment_id>/author")
def act_on_comment_author(comment_id: int):
    """Ban, suspend, trust or reset the comment's author (works for guests too)."""
    return author_json(_author_action(json_body(), comment_id, None))


@bp.get("/moderation/users/<id:user_id>")
def get_moderation_user(user_id: int):
    """An account's history, trust and active bans."""
    ref = author_service.AuthorRef(user_id=user_id, site_slug=request.args.get("site") or None)
    return author_json(author_service.author_status(ref, moderator()))


@bp.post("/moderation/users/<id:user_id>")
def act_on_user(user_id: int):
    """Ban, suspend, trust or reset an account."""
    return author_json(_author_action(json_body(), None, user_id))


# --- audit, articles, settings --------------------------------------------------------------


@bp.get("/moderation/audit")
def list_audit_entries():
    """The audit log, newest first, filtered by site, comment, user or action."""
    page = audit_log.audit_log(
        moderator(),
        site_slug=request.args.get("site") or None,
        comment_id=optional_int("comment"),
        user_id=optional_int("user"),
        action=request.args.get("action") or None,
        cursor=request.args.get("cursor") or None,
        limit=query_int("limit", PAGE_SIZE),
    )
    return {
        "entries": [
            {
                "id": e.id,
                "created_at": iso(e.created_at),
                "action": e.action,
                "actor": None if e.actor_id is None else {"id": e.actor_id, "name": e.actor_name},
                "site": e.site_slug,
                "comment_id": e.comment_id,
                "target_user": None
                if e.target_user_id is None
                else {"id": e.target_user_id, "name": e.target_user_name},
                "reason": e.reason,
                "before_status": e.before_status,
                "after_status": e.after_status,
            }
            for e in page.items
        ],
        "next_cursor": page.next_cursor,
    }


@bp.get("/moderation/articles")
def list_moderation_articles():
    """A site's articles with their counts, newest first."""
    page = article_service.list_articles(
        moderator(),
        required_arg("site", "invalid_site"),
        cursor=request.args.get("cursor") or None,
        limit=query_int("limit", PAGE_SIZE),
    )
    return {
        "articles": [article_item_json(item) for item in page.items],
        "next_cursor": page.next_cursor,
    }


@bp.post("/moderation/articles")
def update_moderation_article():
    """Close/reopen comments on an article, or set its pre-moderation."""
    data = json_body()
    site = data.get("site")
    if not isinstance(site, str) or not site:
        raise ValidationError("site is required: the site's slug", "invalid_site")
    changes = {name: data[name] for name in ("closed", "premod") if name in data}
    item = article_service.update_article(moderator(), site, data.get("article"), changes)
    return article_item_json(item)


@bp.get("/moderation/sites/<slug>/settings")
def get_site_settings(slug: str):
    """A site's moderation settings (moderators of the site)."""
    return {"settings": site_settings_for(moderator(), slug)}


@bp.patch("/moderation/sites/<slug>/settings")
def update_moderation_site_settings(slug: str):
    """Change some of a site's settings (admins)."""
    return {"settings": update_site_settings(moderator(), slug, json_body())}
