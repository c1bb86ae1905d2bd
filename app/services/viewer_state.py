"""What the current reader has done on a thread: their reaction and their votes.

Two queries at most, whatever the number of comments, so the thread read stays constant.
Keyed by ``Viewer.actor_key`` exactly as the reactions and votes services record them.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable
from dataclasses import dataclass, field

from sqlalchemy import SmallInteger, literal, select, union_all

from app.extensions import db
from app.models import Comment, Reaction, ReactionKind, Report, Vote
from app.services.comment_rows import CommentNode
from app.services.identity import Viewer


@dataclass(slots=True)
class ViewerState:
    reaction: ReactionKind | None = None
    votes: dict[int, int] = field(default_factory=dict)  # comment id -> 1 or -1
    reported: set[int] = field(default_factory=set)  # comments this reader has reported


def load_viewer_state(
    article_id: int | None, comment_ids: Collection[int] | None, viewer: Viewer
) -> ViewerState:
    """The viewer's reaction to the article, votes on those comments (ids of any depth; None:
    every comment of the article) and which of them they reported.

    Empty for a viewer with no account, token or guest cookie: an IP address is no identity
    to report back (many readers may share it).
    """
    state = ViewerState()
    if viewer.user is None and viewer.guest_key is None:
        # Never tell one reader behind a shared address what another chose; this also spares
        # the hot anonymous read two queries.
        return state
    actor = viewer.actor_key
    if article_id is None:
        return state
    state.reaction = db.session.scalar(
        select(Reaction.kind).where(Reaction.article_id == article_id, Reaction.reactor == actor)
    )
    if comment_ids is None or comment_ids:
        # Joined by article rather than an IN list of every comment id: the SQL stays the same
        # size for a 5- or a 5,000-comment thread.
        # Votes and reports in one statement: a report is a row of kind "report".
        wanted = None if comment_ids is None else set(comment_ids)
        votes = (
            select(Vote.comment_id, Vote.value, literal("vote").label("kind"))
            .join(Comment, Comment.id == Vote.comment_id)
            .where(Comment.article_id == article_id, Vote.voter == actor)
        )
        reports = (
            select(Report.comment_id, literal(0, SmallInteger), literal("report"))
            .join(Comment, Comment.id == Report.comment_id)
            .where(Comment.article_id == article_id, Report.reporter == actor)
        )
        for cid, value, kind in db.session.execute(union_all(votes, reports)):
            if wanted is not None and cid not in wanted:
                continue
            if kind == "report":
                state.reported.add(cid)
            elif value:
                state.votes[cid] = value
    return state


def node_ids(nodes: Iterable[CommentNode]) -> list[int]:
    """The ids of these comments and of all their replies."""
    ids: list[int] = []
    stack = list(nodes)
    while stack:
        node = stack.pop()
        ids.append(node.id)
        stack.extend(node.replies)
    return ids
