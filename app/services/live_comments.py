"""One comment as the frame shows it, fetched by the widget one at a time: a comment a live
update announced, or the reader's own just posted or edited (the frame renders every comment it
adds on the server: app/widget/comment_items.py)."""

from __future__ import annotations

from app.models import Comment, CommentStatus
from app.services.comments import get_comment, is_own
from app.services.errors import NotFound
from app.services.identity import Viewer
from app.services.thread_stamps import find_site_and_article
from app.services.threads import ArticleInfo, ThreadPage


def load_announced_comment(
    site_slug: str, article_key: str, comment_id: int, viewer: Viewer
) -> tuple[ThreadPage, Comment]:
    """A one-comment page of a comment of that article that ``viewer`` may be shown: an
    approved one, or their own (not deleted; one the rules removed reads as pending with no
    text: app.services.comment_rows.node_for_author).

    Raises NotFound(unknown_site, unknown_comment): a comment of another article, or another
    reader's that is not visible to all, is not found here.
    """
    site, article = find_site_and_article(site_slug, article_key)
    comment = get_comment(comment_id)
    if article is None or comment.article_id != article.id:
        raise NotFound(f"no comment with id {comment_id} in this article", "unknown_comment")
    shown = comment.status == CommentStatus.APPROVED or (
        comment.status != CommentStatus.DELETED and is_own(comment, viewer)
    )
    if not shown:
        raise NotFound(f"comment {comment_id} is not shown to readers", "unknown_comment")
    info = ArticleInfo(article.key, article.title, article.url, article.comment_count, False, {})
    info.id = article.id
    return ThreadPage(site, info, [], None), comment
