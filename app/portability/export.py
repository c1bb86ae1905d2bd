"""Parley's export: one site as one JSON document (docs/export.schema.json), streamed.

Rows are read in keyset-paged batches of plain columns and written one JSON record a line, so
memory stays flat however many comments the site has. Accounts appear by id (with their
e-mail addresses only when asked for); guests by name (their e-mail addresses likewise). IP
addresses are never exported. ``import parley`` reads it back (app.portability.parley_format).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import IO, Any

import orjson
from sqlalchemy import Select, select

from app.extensions import db
from app.models import Article, AuditEntry, Comment, Reaction, Site, User, Vote, utcnow

FORMAT = "parley-export"
VERSION = 1
BATCH = 2000
OPTIONS = orjson.OPT_UTC_Z


def actor(key: str) -> dict[str, Any]:
    """A reader key as exported: an account by id, anything else as the opaque key."""
    if key.startswith("u:") and key[2:].isdigit():
        return {"account": int(key[2:])}
    return {"key": key}


def paged(statement: Select, id_column) -> Iterator:
    """Every row of ``statement`` in id order, ``BATCH`` at a time (keyset paging)."""
    last = 0
    while True:
        rows = db.session.execute(
            statement.where(id_column > last).order_by(id_column).limit(BATCH)
        ).all()
        if not rows:
            return
        yield from rows
        last = rows[-1].id


def as_exported(model, names: str) -> list:
    """``model``'s columns named in ``names``, each labelled as the export calls it.

    ``names`` is space-separated; ``column:label`` exports a column under another name.
    """
    columns = []
    for name in names.split():
        column, _, label = name.partition(":")
        columns.append(getattr(model, column).label(label or column))
    return columns


def record(row) -> dict[str, Any]:
    """A row of ``id`` and ``as_exported`` columns as its record: every column but the id."""
    fields = row._asdict()
    del fields["id"]
    return fields


class ExportWriter:
    def __init__(self, site: Site, out: IO[bytes], include_emails: bool, on_progress) -> None:
        self.site = site
        self.out = out
        self.include_emails = include_emails
        self.on_progress = on_progress
        self.counts: dict[str, int] = {}
        self.written = 0

    def section(self, name: str, records: Iterator[dict[str, Any]], last: bool = False) -> None:
        self.out.write(f'"{name}":['.encode())
        count = 0
        for record in records:
            self.out.write(b"\n" if count == 0 else b",\n")
            self.out.write(orjson.dumps(record, option=OPTIONS))
            count += 1
            self.written += 1
            if self.on_progress is not None and self.written % 1000 == 0:
                self.on_progress(self.written)
        self.out.write(b"\n]" + (b"}\n" if last else b",\n"))
        self.counts[name] = count

    def write(self) -> dict[str, int]:
        header = {
            "format": FORMAT,
            "version": VERSION,
            "exported_at": utcnow(),
            "site": {"slug": self.site.slug, "name": self.site.name},
        }
        self.out.write(orjson.dumps(header, option=OPTIONS)[:-1] + b",\n")
        self.section("accounts", self.accounts())
        self.section("articles", self.articles())
        self.section("comments", self.comments())
        self.section("reactions", self.reactions())
        self.section("votes", self.votes())
        self.section("audit_log", self.audit_log(), last=True)
        return self.counts

    def in_site(self, statement: Select) -> Select:
        return statement.where(Article.site_id == self.site.id)

    def account_ids(self) -> set[int]:
        """Every account the site's records point to: authors, reactors, voters, moderators."""
        ids = set(
            db.session.scalars(
                self.in_site(select(Comment.user_id).join(Article))
                .where(Comment.user_id.is_not(None))
                .distinct()
            )
        )
        keys = db.session.scalars(
            self.in_site(select(Reaction.reactor).join(Article))
            .where(Reaction.reactor.startswith("u:"))
            .distinct()
        ).all()
        keys += db.session.scalars(
            self.in_site(select(Vote.voter).join(Comment).join(Article))
            .where(Vote.voter.startswith("u:"))
            .distinct()
        ).all()
        ids.update(int(key[2:]) for key in keys if key[2:].isdigit())
        ids.update(
            db.session.scalars(
                select(AuditEntry.actor_id)
                .where(AuditEntry.site_id == self.site.id, AuditEntry.actor_id.is_not(None))
                .distinct()
            )
        )
        return ids

    def accounts(self) -> Iterator[dict[str, Any]]:
        ids = sorted(self.account_ids())
        for start in range(0, len(ids), BATCH):
            chunk = ids[start : start + BATCH]
            users = db.session.execute(
                select(User.id, User.name, User.role, User.email)
                .where(User.id.in_(chunk))
                .order_by(User.id)
            )
            for user in users:
                account = {"id": user.id, "name": user.name, "role": user.role.value}
                if self.include_emails:
                    account["email"] = user.email
                yield account

    def articles(self) -> Iterator[dict[str, Any]]:
        query = select(
            Article.id,
            *as_exported(Article, "key title url closed premod comment_count created_at"),
        ).where(Article.site_id == self.site.id)
        for row in paged(query, Article.id):
            yield record(row)

    def comments(self) -> Iterator[dict[str, Any]]:
        query = self.in_site(
            select(
                Comment.id,
                Article.key,
                Comment.parent_id,
                Comment.user_id,
                Comment.guest_name,
                Comment.guest_email,
                Comment.guest_key,
                Comment.body_source,
                Comment.body_format,
                Comment.body_html,
                Comment.status,
                Comment.reasons,
                Comment.featured,
                Comment.score,
                Comment.created_at,
                Comment.edited_at,
            ).join(Article, Article.id == Comment.article_id)
        )
        for row in paged(query, Comment.id):
            if row.user_id is not None:
                author: dict[str, Any] = {"account": row.user_id}
            else:
                author = {"name": row.guest_name or "Guest"}
                if row.guest_key:
                    author["guest_key"] = row.guest_key
                if self.include_emails and row.guest_email:
                    author["email"] = row.guest_email
            yield {
                "id": row.id,
                "article": row.key,
                "parent_id": row.parent_id,
                "author": author,
                "source": row.body_source,
                "format": row.body_format.value,
                "html": row.body_html,
                "status": row.status.value,
                "reasons": row.reasons or [],
                "featured": row.featured,
                "score": row.score,
                "created_at": row.created_at,
                "edited_at": row.edited_at,
            }

    def reactions(self) -> Iterator[dict[str, Any]]:
        query = self.in_site(
            select(
                Reaction.id, Article.key, Reaction.reactor, Reaction.kind, Reaction.created_at
            ).join(Article, Article.id == Reaction.article_id)
        )
        for row in paged(query, Reaction.id):
            yield {
                "article": row.key,
                "by": actor(row.reactor),
                "kind": row.kind.value,
                "created_at": row.created_at,
            }

    def votes(self) -> Iterator[dict[str, Any]]:
        query = self.in_site(
            select(Vote.id, Vote.comment_id, Vote.voter, Vote.value, Vote.created_at)
            .join(Comment, Comment.id == Vote.comment_id)
            .join(Article, Article.id == Comment.article_id)
        )
        for row in paged(query, Vote.id):
            yield {
                "comment": row.comment_id,
                "by": actor(row.voter),
                "value": row.value,
                "created_at": row.created_at,
            }

    def audit_log(self) -> Iterator[dict[str, Any]]:
        query = select(
            AuditEntry.id,
            *as_exported(
                AuditEntry,
                "comment_id:comment actor_id:actor action reason before_status after_status "
                "created_at",
            ),
        ).where(AuditEntry.site_id == self.site.id)
        for row in paged(query, AuditEntry.id):
            yield record(row)


def write_site(
    site: Site,
    out: IO[bytes],
    include_emails: bool = False,
    on_progress: Callable[[int], None] | None = None,
) -> dict[str, int]:
    """Write ``site`` to ``out``; returns how many records of each section were written."""
    return ExportWriter(site, out, include_emails, on_progress).write()
