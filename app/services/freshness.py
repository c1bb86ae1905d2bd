"""Article versions: the one way a change that readers can see is announced.

Every service that changes what a thread shows (a comment posted, edited, deleted, moderated,
voted on; a reaction; an article closed; a site setting, a name, a badge or an avatar shown in
threads) calls ``touch_article`` (or ``touch_articles_of`` for changes that reach many
articles) before it commits. Just before that commit, in the same transaction, each touched
article's ``version`` goes up by one: cached thread pages and ETags are keyed by it, so no
process serves the old page once the change is committed. After the commit the live events
(``comment``: a comment became visible to all; ``removed``: it stopped being) are published to
the event streams of every process (app.broker).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from app.broker import LiveEvent, publish_committed
from app.commit_work import CommitWork
from app.models import Article, Comment, CommentStatus, Site


@dataclass(slots=True)
class Touched:
    # article id -> (event name, comment) to announce once committed
    articles: dict[int, list[tuple[str, Comment]]] = field(default_factory=dict)
    site_ids: set[int] = field(default_factory=set)
    user_ids: set[int] = field(default_factory=set)


def touch_article(
    article_id: int, event_name: str | None = None, comment: Comment | None = None
) -> None:
    """Mark the article changed in this transaction; optionally announce ``event_name``
    (``comment`` or ``removed``) about ``comment`` to the live streams once committed."""
    events = WORK.collected(Touched).articles.setdefault(article_id, [])
    if event_name is not None and comment is not None:
        events.append((event_name, comment))


def touch_articles_of(*, site_id: int | None = None, user_id: int | None = None) -> None:
    """Mark every article of a site, or every article a user commented on, changed."""
    touched = WORK.collected(Touched)
    if site_id is not None:
        touched.site_ids.add(site_id)
    if user_id is not None:
        touched.user_ids.add(user_id)


def status_event(before: CommentStatus | None, after: CommentStatus) -> str | None:
    """The live event of a status change: visible to all now, or no longer."""
    if after == CommentStatus.APPROVED and before != CommentStatus.APPROVED:
        return "comment"
    if before == CommentStatus.APPROVED and after != CommentStatus.APPROVED:
        return "removed"
    return None


def _bump_versions(session: Session, touched: Touched) -> list[LiveEvent]:
    """Just before the commit: bump the touched articles' versions inside the committing
    transaction; the live events to publish once it is committed."""
    session.flush()  # new comments get their ids; pending changes precede the bump
    table = Article.__table__
    bump = {"version": table.c.version + 1}
    if touched.site_ids:
        session.execute(update(table).where(table.c.site_id.in_(touched.site_ids)).values(bump))
    if touched.user_ids:
        theirs = select(Comment.article_id).where(Comment.user_id.in_(touched.user_ids))
        session.execute(update(table).where(table.c.id.in_(theirs)).values(bump))
    if not touched.articles:
        return []
    rows = session.execute(
        update(table)
        .where(table.c.id.in_(touched.articles))
        .values(bump)
        .returning(table.c.id, table.c.site_id, table.c.key, table.c.comment_count)
    ).all()
    announced = [row for row in rows if touched.articles[row.id]]
    if not announced:
        return []
    slugs = dict(
        session.execute(
            select(Site.id, Site.slug).where(Site.id.in_({row.site_id for row in announced}))
        ).all()
    )
    return [
        LiveEvent(
            slugs[row.site_id],
            row.key,
            name,
            {"id": comment.id, "parent_id": comment.parent_id, "comment_count": row.comment_count},
        )
        for row in announced
        for name, comment in touched.articles[row.id]
    ]


WORK = CommitWork("parley_touched", _bump_versions, publish_committed)


def install_session_hooks() -> None:
    """Hook the version bump and the publication into every commit (once per process)."""
    WORK.install()
