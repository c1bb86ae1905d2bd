"""What one reader has of their own on a thread, beside the page every reader shares.

The thread frame's page is the same for every guest (app.widget.shared_frame), so what is theirs
alone comes apart, in one private read: their reaction, votes and reports
(``load_viewer_state``) and their own comments, pending ones with their text, each with what
only its author sees (the edit window, no vote or report buttons).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import or_, select
from sqlalchemy.orm import selectinload

from app.extensions import db
from app.limits import OWN_COMMENTS_MAX
from app.models import Comment, CommentStatus, Site
from app.services.comment_rows import held_by_rules_clause
from app.services.identity import Viewer
from app.services.thread_stamps import find_site_and_article
from app.services.threads import ArticleInfo
from app.services.viewer_state import ViewerState, load_viewer_state

SHOWN_TO_AUTHOR = (CommentStatus.APPROVED, CommentStatus.PENDING)


@dataclass(slots=True)
class ReaderState:
    site: Site
    article: ArticleInfo
    state: ViewerState = field(default_factory=ViewerState)
    own: list[Comment] = field(default_factory=list)  # oldest first: parents before replies


def load_reader_state(site_slug: str, article_key: str, viewer: Viewer) -> ReaderState:
    """The viewer's own state on the thread. Raises NotFound(unknown_site).

    Empty, with no query past the site's, for a reader with no account and no guest id: an
    address is no identity (many readers may share one).
    """
    site, article = find_site_and_article(site_slug, article_key)
    if article is None:
        return ReaderState(site, ArticleInfo(article_key, None, None, 0, False, {}))
    info = ArticleInfo(article.key, article.title, article.url, article.comment_count, False, {})
    info.id = article.id
    found = ReaderState(site, info)
    if viewer.user is None and viewer.guest_key is None:
        return found
    found.state = load_viewer_state(article.id, None, viewer)
    found.own = own_comments(article.id, viewer)
    return found


def own_comments(article_id: int, viewer: Viewer) -> list[Comment]:
    """The viewer's latest comments on the article that they can read (approved, pending, or
    held by the rules, which its author sees as pending)."""
    if viewer.user is not None:
        mine = Comment.user_id == viewer.user.id
    elif viewer.guest_key is not None:
        mine = Comment.guest_key == viewer.guest_key
    else:
        return []
    latest = db.session.scalars(
        select(Comment)
        .where(
            Comment.article_id == article_id,
            mine,
            or_(Comment.status.in_(SHOWN_TO_AUTHOR), held_by_rules_clause(Comment)),
        )
        .options(
            selectinload(Comment.user),
            selectinload(Comment.parent).selectinload(Comment.user),
        )
        .order_by(Comment.id.desc())
        .limit(OWN_COMMENTS_MAX)
    ).all()
    return list(reversed(latest))
