"""Writes the records an importer yields into one site: batches, parents, authors, counts.

Memory stays bounded by the batch size plus a small entry per comment (its id, parent, root
and depth; never its text), so a file of millions of comments imports in a few hundred MB.

All or nothing: batches are written as they are parsed, inside ONE database transaction that
is committed only after the whole file was read and every parent resolved. Any failure (a
truncated or malformed file, a bad value, the database) rolls the whole run back, so a run
either imports everything it reported or nothing at all.

Idempotent: each imported comment keeps ``source_ref`` = "<source>:<id in the source>", and
comments already in the site under that ref are skipped, so the same file imported twice adds
nothing and a newer export of the same source adds only what is new. Articles are found by
key, reactions and votes by their one-per-reader keys.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from sqlalchemy import func, insert, select, text, update

from app.database import without_time_limits
from app.extensions import db
from app.limits import (
    ARTICLE_KEY_MAX,
    ARTICLE_TITLE_MAX,
    ARTICLE_URL_MAX,
    IMPORTED_BODY_MAX,
    SOURCE_REF_MAX,
)
from app.models import Article, Comment, CommentStatus, Site
from app.portability.authors import AuthorResolver
from app.portability.records import (
    Skipped,
    SourceArticle,
    SourceAuditEntry,
    SourceComment,
    SourceReaction,
    SourceVote,
)
from app.portability.related import RelatedWriter
from app.portability.tree import CommentTree
from app.sanitize import normalize_text, plain_text
from app.services.comments import render_source

BATCH_SIZE = 1000

Record = SourceArticle | SourceComment | SourceReaction | SourceVote | SourceAuditEntry | Skipped


@dataclass
class ImportSummary:
    source: str
    site: str
    imported: Counter[str] = field(default_factory=Counter)  # per kind
    statuses: Counter[str] = field(default_factory=Counter)  # imported comments per status
    skipped: Counter[tuple[str, str]] = field(default_factory=Counter)  # (kind, reason)
    notes: Counter[str] = field(default_factory=Counter)  # imported, with a change


def clean_text(value: str | None, limit: int) -> str | None:
    """Normalized, stripped text cut to ``limit`` characters; None when empty."""
    if value is None:
        return None
    value = normalize_text(value).strip()
    return value[:limit] or None


class ImportRun:
    """One import of one file into one site. Call ``run(records)`` once."""

    def __init__(
        self,
        site: Site,
        source: str,
        batch_size: int = BATCH_SIZE,
        on_progress: Callable[[int], None] | None = None,
    ) -> None:
        self.site = site
        self.source = source
        self.batch_size = batch_size
        self.on_progress = on_progress
        self.summary = ImportSummary(source, site.slug)
        self.articles: dict[str, int] = {}  # source ref -> article id
        self.pending_articles: list[SourceArticle] = []
        self.pending_comments: list[SourceComment] = []
        self.tree = CommentTree()
        self.authors = AuthorResolver()
        self.related = RelatedWriter(self)
        self.records = 0

    # -- driving -------------------------------------------------------------------------

    def run(self, records: Iterable[Record]) -> ImportSummary:
        """Import every record and commit; on any exception roll everything back and re-raise.

        Without a request's time limits (app.database.without_time_limits): a batch of
        inserts is sent at once and answered at once, and may take longer than a request may.
        """
        try:
            with without_time_limits(db.session.connection()):
                # Take SQLite's write lock now (a no-op write), so no other writer comes between
                # choosing comment ids and inserting them (see allocate_ids).
                db.session.execute(
                    update(Site).where(Site.id == self.site.id).values(slug=Site.slug)
                )
                self.tree.load_existing(self.site.id, f"{self.source}:")
                for record in records:
                    self.add(record)
                    self.records += 1
                    if self.on_progress is not None and self.records % 500 == 0:
                        self.on_progress(self.records)
                self.finish()
            db.session.commit()
        except BaseException:
            db.session.rollback()
            raise
        return self.summary

    def add(self, record: Record) -> None:
        if isinstance(record, SourceComment):
            self.pending_comments.append(record)
            if len(self.pending_comments) >= self.batch_size:
                self.flush_comments()
        elif isinstance(record, SourceArticle):
            self.pending_articles.append(record)
            if len(self.pending_articles) >= self.batch_size:
                self.flush_articles()
        elif isinstance(record, Skipped):
            self.summary.skipped[(record.kind, record.reason)] += 1
        else:
            self.related.add(record)

    def finish(self) -> None:
        self.flush_comments()
        for comment_id, parent_id, root_id, depth in self.tree.settle(self.summary.notes):
            db.session.execute(
                update(Comment)
                .where(Comment.id == comment_id)
                .values(parent_id=parent_id, root_id=root_id, depth=depth)
            )
        self.related.flush()
        self.recount()

    def skip(self, kind: str, reason: str) -> None:
        self.summary.skipped[(kind, reason)] += 1

    # -- articles ------------------------------------------------------------------------

    def flush_articles(self) -> None:
        batch, self.pending_articles = self.pending_articles, []
        if not batch:
            return
        wanted: dict[str, SourceArticle] = {}
        for article in batch:
            key = clean_text(article.key, ARTICLE_KEY_MAX + 1)
            if key is None or len(key) > ARTICLE_KEY_MAX:
                reason = "no identifier or URL" if key is None else "key over 512 characters"
                self.skip("article", reason)
                continue
            article.key = key
            wanted.setdefault(key, article)  # threads sharing an identifier share an article
        existing = {
            row.key: row
            for row in db.session.scalars(
                select(Article).where(Article.site_id == self.site.id, Article.key.in_(wanted))
            )
        }
        rows = []
        for key, article in wanted.items():
            found = existing.get(key)
            if found is not None:
                # Already there (imported before, or commented on in Parley): keep it, fill gaps.
                found.closed = found.closed or article.closed
                found.title = found.title or clean_text(article.title, ARTICLE_TITLE_MAX)
                found.url = found.url or clean_url(article.url)
                continue
            rows.append(self.article_row(article))
        if rows:
            db.session.execute(insert(Article), rows)
            self.summary.imported["articles"] += len(rows)
        db.session.flush()
        ids = dict(
            db.session.execute(
                select(Article.key, Article.id).where(
                    Article.site_id == self.site.id, Article.key.in_(wanted)
                )
            ).all()
        )
        for article in batch:
            if article.key in ids:
                self.articles[article.ref] = ids[article.key]

    def article_row(self, article: SourceArticle) -> dict:
        row = {
            "site_id": self.site.id,
            "key": article.key,
            "title": clean_text(article.title, ARTICLE_TITLE_MAX),
            "url": clean_url(article.url),
            "closed": article.closed,
            "premod": article.premod,
            "comment_count": 0,
        }
        if article.created_at is not None:
            row["created_at"] = article.created_at
        return row

    # -- comments ------------------------------------------------------------------------

    def flush_comments(self) -> None:
        self.flush_articles()
        batch, self.pending_comments = self.pending_comments, []
        if not batch:
            return
        self.authors.prepare(batch)
        rows: list[tuple[SourceComment, dict]] = []
        refs: set[str] = set()
        for comment in batch:
            if comment.ref in refs:
                self.skip("comment", "duplicate id")
                continue
            row = self.comment_row(comment)
            if row is not None:
                rows.append((comment, row))
                refs.add(comment.ref)
        if not rows:
            return
        # Ids are taken before inserting, in file order: a reply can point to a parent earlier
        # in the same batch, and comments keep the source's order (an export's order).
        for (comment, row), comment_id in zip(rows, self.allocate_ids(len(rows)), strict=True):
            place = self.tree.place(comment.parent_ref, row["article_id"])
            row.update(
                id=comment_id, parent_id=place.parent_id, root_id=place.root_id, depth=place.depth
            )
            self.tree.record(comment.ref, comment_id, place, row["article_id"])
            self.summary.statuses[row["status"].value] += 1
        db.session.execute(Comment.__table__.insert(), [row for _comment, row in rows])
        self.summary.imported["comments"] += len(rows)

    def allocate_ids(self, count: int) -> list[int]:
        """``count`` new comment ids, increasing.

        PostgreSQL hands them out from the table's sequence, safe beside other writers. SQLite
        has one writer at a time, and this run holds the write lock from its start (``run``),
        so the ids after the largest one are free.
        """
        if db.session.get_bind().dialect.name == "postgresql":
            ids = db.session.scalars(
                text(
                    "SELECT nextval(pg_get_serial_sequence('comments', 'id'))"
                    " FROM generate_series(1, :count)"
                ),
                {"count": count},
            ).all()
            return sorted(ids)
        first = (db.session.scalar(select(func.max(Comment.id))) or 0) + 1
        return list(range(first, first + count))

    def comment_row(self, comment: SourceComment) -> dict | None:
        """The row to insert for ``comment``, or None (counted as skipped) if it is not imported."""
        ref = f"{self.source}:{comment.ref}"
        if self.tree.known(comment.ref):
            reason = "already imported" if self.tree.existed(comment.ref) else "duplicate id"
            self.skip("comment", reason)
            return None
        article_id = self.articles.get(comment.article_ref, -1)
        if article_id < 0:
            self.skip("comment", "its thread is missing or was not imported")
            return None
        body = normalize_text(comment.body).strip()
        if len(body) > IMPORTED_BODY_MAX:
            self.skip("comment", f"text over {IMPORTED_BODY_MAX:,} characters")
            return None
        status = comment.status
        html = render_source(body, comment.body_format) if body else ""
        # What readers would see: an image-only comment renders as an empty "<p></p>".
        if not plain_text(html).strip() and status not in (
            CommentStatus.DELETED,
            CommentStatus.SPAM,
        ):
            # Nothing to show (an empty or image-only comment): a placeholder keeps its replies.
            self.summary.notes["comments without text kept as deleted placeholders"] += 1
            status = CommentStatus.DELETED
        author = self.authors.resolve(comment.author)
        return {
            "article_id": article_id,
            "reply_to_id": None,
            "user_id": author.user_id,
            "guest_name": author.guest_name,
            "guest_email": author.guest_email,
            "guest_key": author.guest_key,
            "author_ip": author.ip,
            "body_source": body,
            "body_html": html,
            "body_format": comment.body_format,
            "source_ref": ref[:SOURCE_REF_MAX],
            "status": status,
            "reasons": comment.reasons,
            "featured": comment.featured,
            "score": comment.score,
            "report_count": 0,
            "created_at": comment.created_at,
            "edited_at": comment.edited_at,
        }

    # -- the end -------------------------------------------------------------------------

    def recount(self) -> None:
        """Set every article's approved-comment count of the site from its comments, and bump
        every article's version: cached thread pages and ETags are keyed by it
        (app.services.freshness), and an import may add to articles readers already read."""
        approved = (
            select(func.count(Comment.id))
            .where(Comment.article_id == Article.id, Comment.status == CommentStatus.APPROVED)
            .scalar_subquery()
        )
        db.session.execute(
            update(Article)
            .where(Article.site_id == self.site.id)
            .values(comment_count=approved, version=Article.version + 1)
        )


def clean_url(value: str | None) -> str | None:
    url = clean_text(value, ARTICLE_URL_MAX + 1)
    if (
        url is None
        or len(url) > ARTICLE_URL_MAX
        or not url.lower().startswith(("http://", "https://"))
    ):
        return None
    return url
