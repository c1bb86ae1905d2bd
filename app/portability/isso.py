"""Isso: its SQLite database, opened read-only.

Tables ``threads`` (id, uri, title) and ``comments`` (tid, id, parent, created, modified,
mode, remote_addr, text, author, email, website, likes, dislikes, ...). A thread is keyed by
its URI. Comment text is Markdown and is kept as such. ``mode``: 1 accepted, 2 pending (in
moderation), 4 deleted (Isso keeps a deleted comment that has replies, with its text
emptied). The score is likes minus dislikes; Isso keeps no list of who voted. Isso stores
``author`` and ``email`` HTML-escaped (``Tom &amp; Jerry``): they are read back as text.
"""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

from app.models import BodyFormat, CommentStatus
from app.portability.records import (
    ImportFailure,
    Skipped,
    SourceArticle,
    SourceAuthor,
    SourceComment,
    unescaped,
)

MODES = {1: CommentStatus.APPROVED, 2: CommentStatus.PENDING, 4: CommentStatus.DELETED}
NEEDED = {
    "threads": {"id", "uri", "title"},
    "comments": {"tid", "id", "parent", "created", "modified", "mode", "text", "author"},
}
FETCH = 1000


def when(value, where: str, name: str) -> datetime | None:
    if value is None:
        return None
    try:
        return datetime.fromtimestamp(float(value), UTC)
    except (TypeError, ValueError, OverflowError, OSError):
        raise ImportFailure(where, f"{name} {str(value)[:30]!r} is not a time") from None


class IssoReader:
    """Reads an Isso database; ``position()`` / ``total`` drive the progress bar."""

    def __init__(self, path: str) -> None:
        self.path = path
        self.done = 0
        if not os.path.isfile(path):
            raise ImportFailure(path, "cannot read it (no such file)")
        try:
            # A URI (for mode=ro), so a name holding "?", "#" or "%" is percent-encoded.
            self.db = sqlite3.connect(f"{Path(path).resolve().as_uri()}?mode=ro", uri=True)
            self.check()
            self.total = self.db.execute("SELECT count(*) FROM comments").fetchone()[0]
        except sqlite3.DatabaseError as error:
            raise ImportFailure(path, f"not a readable Isso database ({error})") from None

    def position(self) -> int:
        return self.done

    def check(self) -> None:
        for table, columns in NEEDED.items():
            found = {row[1] for row in self.db.execute(f"PRAGMA table_info({table})")}  # noqa: S608
            missing = columns - found
            if missing:
                raise ImportFailure(
                    self.path,
                    f"not an Isso database: table {table!r} lacks {', '.join(sorted(missing))}",
                )

    def read(self) -> Iterator[object]:
        try:
            yield from self.threads()
            yield from self.comments()
        except sqlite3.DatabaseError as error:
            raise ImportFailure(self.path, f"the database is damaged ({error})") from None
        finally:
            self.db.close()

    def threads(self) -> Iterator[object]:
        for tid, uri, title in self.db.execute("SELECT id, uri, title FROM threads ORDER BY id"):
            if not uri:
                yield Skipped("article", "no URI")
                continue
            yield SourceArticle(ref=str(tid), key=str(uri), title=title, url=None)

    def comments(self) -> Iterator[object]:
        columns = ["tid", "id", "parent", "created", "modified", "mode", "text", "author"]
        optional = [c for c in ("email", "remote_addr", "likes", "dislikes") if self.has(c)]
        cursor = self.db.execute(
            f"SELECT {', '.join(columns + optional)} FROM comments ORDER BY id"  # noqa: S608
        )
        while rows := cursor.fetchmany(FETCH):
            for row in rows:
                self.done += 1
                yield self.comment(dict(zip(columns + optional, row, strict=True)))

    def has(self, column: str) -> bool:
        return any(row[1] == column for row in self.db.execute("PRAGMA table_info(comments)"))

    def comment(self, row: dict) -> SourceComment | Skipped:
        where = f"{self.path}: comment id {row['id']}"
        status = MODES.get(row["mode"])
        if status is None:
            return Skipped("comment", f"unknown mode {row['mode']!r}")
        created_at = when(row["created"], where, "created")
        if created_at is None:
            return Skipped("comment", "no creation time")
        modified = when(row["modified"], where, "modified")
        return SourceComment(
            ref=str(row["id"]),
            article_ref=str(row["tid"]),
            parent_ref=None if row["parent"] is None else str(row["parent"]),
            author=SourceAuthor(
                name=unescaped(row["author"]),
                email=unescaped(row.get("email")),
                ip=row.get("remote_addr"),
            ),
            body=str(row["text"] or ""),
            body_format=BodyFormat.MARKDOWN,
            status=status,
            created_at=created_at,
            where=where,
            edited_at=modified if status != CommentStatus.DELETED else None,
            score=int(row.get("likes") or 0) - int(row.get("dislikes") or 0),
        )
