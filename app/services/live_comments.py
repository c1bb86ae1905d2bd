"""The comments a live update announces, fetched one by one by the widget when shown."""

from __future__ import annotations

from app.models import Comment, CommentStatus
from app.services.comment_rows import node_for_comment
from app.services.comments import get_comment
from app.services.errors import NotFound
from app.services.identity import Viewer
from app.services.thread_stamps import find_site_and_article
from app.services.threads import ArticleInfo, ThreadPage


def load_announced_comment(
    site_slug: str, article_key: str, comment_id: int, viewer: Viewer
) -> tuple[ThreadPage, Comment]:
    """A one-comment page of an approved comment of that article, as ``viewer`` sees it.

    Raises NotFound(unknown_site, unknown_comment): a comment of another article, or one that
    is not visible to all, is not announced and not found here.
    """
    site, article = find_site_and_article(site_slug, article_key)
    comment = get_comment(comment_id)
    if article is None or comment.article_id != article.id:
        raise NotFound(f"no comment with id {comment_id} in this article", "unknown_comment")
    if comment.status != CommentStatus.APPROVED:
        raise NotFound(f"comment {comment_id} is not shown to readers", "unknown_comment")
    info = ArticleInfo(article.key, article.title, article.url, article.comment_count, False, {})
    info.id = article.id
    return ThreadPage(site, info, [node_for_comment(comment, viewer)], None), comment
