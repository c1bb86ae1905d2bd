"""Replies in pages: at most N per top-level comment in a thread read, the rest by cursor.

A thread read answers every reply under its top-level comments by default (the contract), so
1,000 replies under one comment reach every reader. With a cap, each top-level comment carries
at most ``cap`` replies (counted over its whole subtree, oldest first), the number it left out
(``more_replies``) and a cursor (``replies_cursor``); ``load_replies`` answers the next ones.

The cap is applied in SQL by window functions over each top-level comment's replies, so a read
still costs one statement for all the replies of a page, whatever their number. Placeholders of
removed replies do not count towards the cap; those that still have replies to come stay until
the last page, where the ones left with nothing under them are dropped.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from functools import cache
from typing import Any

from sqlalchemy import Connection, Integer, Select, and_, bindparam, case, func, or_, select

from app.extensions import db
from app.limits import PAGE_SIZE, REPLIES_MAX
from app.models import Article, CommentStatus, Site
from app.services import comment_rows, paging
from app.services.comment_rows import CommentNode
from app.services.errors import NotFound, ValidationError
from app.services.identity import Viewer

CURSOR_KIND = "replies"
_WIDTH = len(comment_rows.COMMENT_COLUMNS)


@dataclass(slots=True)
class ReplyPage:
    """Replies after a cursor: each comment's parent came on an earlier page or on this one."""

    site: Site
    article_id: int | None
    comments: list[CommentNode]  # the replies whose parent is not on this page, with theirs
    depths: dict[int, int] = field(default_factory=dict)  # nesting depth of each of those
    more_replies: int = 0
    next_cursor: str | None = None


def clean_cap(value: int) -> int:
    """A replies cap from 1 to REPLIES_MAX; ValidationError(invalid_replies) otherwise."""
    if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= REPLIES_MAX:
        raise ValidationError(f"replies must be between 1 and {REPLIES_MAX}", "invalid_replies")
    return value


def replies_cursor(created_at: datetime, comment_id: int) -> str:
    """The cursor for the replies after this comment (a reply, or the top-level comment itself),
    under the same top-level comment: the database knows which, by the comment's root_id."""
    return paging.encode_cursor(CURSOR_KIND, created_at, comment_id)


@cache
def _capped_statement(dialect: str, after_cursor: bool) -> Select[Any]:
    """Replies under the given top-level comments, at most ``cap`` shown ones under each.

    Each row is laid out as ``COMMENT_COLUMNS`` followed by root_id, depth, whether it is shown,
    and two window counts of shown replies under its top-level comment: up to this row (oldest
    first) and in all. A placeholder is kept while fewer than ``cap`` shown replies precede it.
    """
    c = comment_rows.COMMENTS.c
    is_shown = case((comment_rows.shown_clause(c), 1), else_=0)
    oldest_first = (c.created_at.asc(), c.id.asc())
    conditions = [
        c.parent_id.is_not(None),
        or_(comment_rows.shown_clause(c), c.status.in_(comment_rows.REMOVED)),
    ]
    if after_cursor:
        # Under the top-level comment of the cursor's comment, of the article asked for.
        after = (bindparam("after_time"), bindparam("after_id"))
        anchor = comment_rows.COMMENTS.alias("anchor")
        root = select(anchor.c.root_id).where(anchor.c.id == after[1]).scalar_subquery()
        conditions += [
            c.root_id == root,
            c.article_id == bindparam("article_id"),
            paging.keyset_after((c.created_at, c.id), after, descending=False),
        ]
    else:
        conditions.append(comment_rows.in_list(c.root_id, "roots", dialect))
    ranked = (
        select(
            *comment_rows.COMMENT_COLUMNS,
            c.root_id,
            c.depth,
            is_shown.label("is_shown"),
            func.sum(is_shown)
            .over(partition_by=c.root_id, order_by=oldest_first)
            .label("shown_upto"),
            func.sum(is_shown).over(partition_by=c.root_id).label("shown_total"),
        )
        .select_from(comment_rows.COMMENT_FROM)
        .where(*conditions)
        .subquery("ranked")
    )
    r = ranked.c
    cap = bindparam("cap", type_=Integer)
    kept = or_(
        and_(r.is_shown == 1, r.shown_upto <= cap), and_(r.is_shown == 0, r.shown_upto < cap)
    )
    return select(*ranked.c).where(kept).order_by(r.created_at.asc(), r.id.asc())


@dataclass(slots=True)
class _Tally:
    """Per top-level comment: shown replies in all, shown ones attached, the last one attached."""

    total: int = 0
    attached: int = 0
    last: tuple[datetime, int] | None = None


def _attach(
    rows: list[Any], nodes_by_id: dict[int, CommentNode], viewer: dict[str, Any]
) -> tuple[list[tuple[CommentNode, int]], dict[int, _Tally]]:
    """Attach rows to their parents (in ``nodes_by_id`` or among the rows); returns the rows
    whose parent was in neither (with their depth) and the tally per top-level comment."""
    orphans: list[tuple[CommentNode, int]] = []
    tallies: dict[int, _Tally] = {}
    for row in rows:
        values = row[:_WIDTH]
        root_id, depth, is_shown, _upto, total = row[_WIDTH:]
        tally = tallies.setdefault(root_id, _Tally())
        tally.total = total
        if is_shown:
            tally.attached += 1
            tally.last = (values[9], values[0])  # created_at, id
        node = comment_rows.node_from_row(values, viewer["viewer_user"], viewer["viewer_guest"])
        parent = nodes_by_id.get(node.parent_id)
        if parent is not None:
            parent.replies.append(node)
        else:
            orphans.append((node, depth))
        nodes_by_id[node.id] = node
    return orphans, tallies


def attach_capped_replies(
    connection: Connection, roots: list[CommentNode], viewer: Viewer, cap: int
) -> list[CommentNode]:
    """Attach at most ``cap`` shown replies under each of ``roots`` (one query); each root
    that has more gets ``more_replies`` and ``replies_cursor``. Returns the roots to show."""
    by_id = {node.id: node for node in roots}
    params = comment_rows.viewer_params(viewer)
    rows = connection.execute(
        _capped_statement(connection.dialect.name, False),
        {**params, "roots": list(by_id), "cap": cap},
    ).all()
    _orphans, tallies = _attach(rows, by_id, params)  # orphans: under a comment not shown
    shown = []
    for root in roots:
        tally = tallies.get(root.id, _Tally())
        root.more_replies = tally.total - tally.attached
        if root.more_replies:
            after = tally.last or (root.created_at, root.id)
            root.replies_cursor = replies_cursor(*after)
        else:
            root.replies = comment_rows.prune_placeholders(root.replies)
        if root.status != CommentStatus.DELETED.value or root.replies or root.more_replies:
            shown.append(root)
    return shown


@cache
def _site_and_article_statement() -> Select[Any]:
    return (
        select(Site, Article.id)
        .outerjoin(
            Article, and_(Article.site_id == Site.id, Article.key == bindparam("article_key"))
        )
        .where(Site.slug == bindparam("site_slug"))
    )


def load_replies(
    site_slug: str, article_key: str, viewer: Viewer, cursor: str, limit: int = PAGE_SIZE
) -> ReplyPage:
    """The next ``limit`` shown replies under one top-level comment, after ``cursor``.

    Raises NotFound(unknown_site), ValidationError(invalid_cursor/invalid_limit). A cursor of
    another article's comment answers no replies. Two queries whatever the number of replies.
    """
    position = paging.decode_cursor(cursor, CURSOR_KIND, paging.KeyType.TIME)
    if position is None:
        raise paging.invalid_cursor()
    after_time, after_id = position
    limit = paging.clean_limit(limit, REPLIES_MAX)
    found = db.session.execute(
        _site_and_article_statement(), {"site_slug": site_slug, "article_key": article_key}
    ).first()
    if found is None:
        raise NotFound(f"no site with slug {site_slug!r}", "unknown_site")
    site, article_id = found
    if article_id is None:
        return ReplyPage(site, None, [])
    params = comment_rows.viewer_params(viewer)
    connection = db.session.connection()
    rows = connection.execute(
        _capped_statement(connection.dialect.name, True),
        {
            **params,
            "cap": limit,
            "article_id": article_id,
            "after_time": after_time,
            "after_id": after_id,
        },
    ).all()
    orphans, tallies = _attach(rows, {}, params)
    tally = next(iter(tallies.values()), _Tally())  # one top-level comment at most
    page = ReplyPage(site, article_id, [], more_replies=tally.total - tally.attached)
    if page.more_replies:
        page.next_cursor = replies_cursor(*(tally.last or position))
        kept = [node for node, _depth in orphans]
    else:
        kept = comment_rows.prune_placeholders([node for node, _depth in orphans])
    page.comments = kept
    page.depths = {node.id: depth for node, depth in orphans}
    return page
