"""Explicit allowlists of the fields readers get. Emails and IPs are never among them."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from flask import current_app, request

from app.services.threads import ArticleInfo, CommentNode, ThreadPage


def iso(dt: datetime | None) -> str | None:
    """``2026-11-25T14:03:00Z`` (UTC, seconds precision), or None."""
    if dt is None:
        return None
    return dt.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def public_base_url() -> str:
    """Absolute base for links in API answers: PARLEY_PUBLIC_URL, else this request's host."""
    return (current_app.config.get("PARLEY_PUBLIC_URL") or request.host_url).rstrip("/")


def comment_json(node: CommentNode, base: str) -> dict[str, Any]:
    return {
        "id": node.id,
        "parent_id": node.parent_id,
        "author": {
            "name": node.author_name,
            "avatar_url": base + node.avatar_path,
            "badge": node.badge,
        },
        "html": node.html,
        "created_at": iso(node.created_at),
        "edited_at": iso(node.edited_at),
        "status": node.status,
        "score": node.score,
        "featured": node.featured,
        "replies": [comment_json(reply, base) for reply in node.replies],
    }


def article_json(article: ArticleInfo) -> dict[str, Any]:
    return {
        "key": article.key,
        "title": article.title,
        "url": article.url,
        "comment_count": article.comment_count,
        "closed": article.closed,
        "reactions": article.reactions,
    }


def thread_json(page: ThreadPage) -> dict[str, Any]:
    base = public_base_url()
    return {
        "article": article_json(page.article),
        "comments": [comment_json(node, base) for node in page.comments],
        "next_cursor": page.next_cursor,
    }
