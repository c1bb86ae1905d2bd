"""Where each imported comment goes in its thread, whatever order the source lists them in.

A reply may come before its parent in a file (Disqus exports are not ordered), so a comment
whose parent has not been seen yet is written at top level and remembered; ``settle`` then
attaches it once the whole file was read and recomputes the root and depth of every comment
whose ancestry changed. Only ids and positions are kept per comment, never text.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass

from sqlalchemy import select

from app.extensions import db
from app.models import Article, Comment


@dataclass(slots=True)
class Placed:
    parent_id: int | None
    root_id: int | None
    depth: int
    waiting_for: str | None = None  # the parent's source ref, not seen yet


@dataclass(slots=True)
class Entry:
    id: int
    parent_id: int | None
    root_id: int | None
    depth: int
    article_id: int
    new: bool


class CommentTree:
    def __init__(self) -> None:
        self.entries: dict[str, Entry] = {}  # source ref -> entry
        self.waiting: list[tuple[Entry, str]] = []

    def load_existing(self, site_id: int, prefix: str) -> None:
        """Remember the comments a previous import of this source brought into the site."""
        rows = db.session.execute(
            select(
                Comment.source_ref,
                Comment.id,
                Comment.parent_id,
                Comment.root_id,
                Comment.depth,
                Comment.article_id,
            )
            .join(Article, Article.id == Comment.article_id)
            .where(Article.site_id == site_id, Comment.source_ref.startswith(prefix))
        )
        for ref, *values in rows:
            self.entries[ref[len(prefix) :]] = Entry(*values, new=False)

    def known(self, ref: str) -> bool:
        return ref in self.entries

    def existed(self, ref: str) -> bool:
        return ref in self.entries and not self.entries[ref].new

    def is_new(self, ref: str) -> bool:
        return ref in self.entries and self.entries[ref].new

    def id_of(self, ref: str) -> int | None:
        entry = self.entries.get(ref)
        return entry.id if entry is not None else None

    def place(self, parent_ref: str | None, article_id: int) -> Placed:
        if parent_ref is None:
            return Placed(None, None, 0)
        parent = self.entries.get(parent_ref)
        if parent is None or parent.article_id != article_id:
            return Placed(None, None, 0, waiting_for=parent_ref)
        return Placed(parent.id, parent.root_id or parent.id, parent.depth + 1)

    def record(self, ref: str, comment_id: int, place: Placed, article_id: int) -> None:
        entry = Entry(comment_id, place.parent_id, place.root_id, place.depth, article_id, True)
        self.entries[ref] = entry
        if place.waiting_for is not None:
            self.waiting.append((entry, place.waiting_for))

    def settle(self, notes: Counter[str]) -> Iterator[tuple[int, int | None, int | None, int]]:
        """Attach the comments that waited for their parent; yield (id, parent, root, depth)
        for every comment whose position changed."""
        by_id = {entry.id: entry for entry in self.entries.values()}
        reparented = set()
        for entry, parent_ref in self.waiting:
            parent = self.entries.get(parent_ref)
            if parent is None:
                notes["replies whose parent is not in the file, kept at top level"] += 1
            elif parent.article_id != entry.article_id:
                notes["replies to a comment of another thread, kept at top level"] += 1
            elif self._descends_from(parent, entry.id, by_id):
                notes["replies in a parent loop, kept at top level"] += 1
            else:
                entry.parent_id = parent.id
                reparented.add(entry.id)
        self.waiting = []
        if not reparented:
            return
        settled: dict[int, tuple[int | None, int]] = {}
        for entry in list(self.entries.values()):
            if not entry.new:
                continue
            root_id, depth = self._position(entry, by_id, settled)
            if entry.id in reparented or (root_id, depth) != (entry.root_id, entry.depth):
                entry.root_id, entry.depth = root_id, depth
                yield entry.id, entry.parent_id, root_id, depth

    @staticmethod
    def _position(
        entry: Entry, by_id: dict[int, Entry], settled: dict[int, tuple[int | None, int]]
    ) -> tuple[int | None, int]:
        """(root id, depth) of ``entry`` from the current parent links, memoized in ``settled``
        (a top-level comment's root id is None, as for comments posted in Parley)."""
        chain = []
        node = entry
        while node.id not in settled:
            parent = by_id.get(node.parent_id) if node.parent_id is not None else None
            if parent is None:
                settled[node.id] = (node.root_id, node.depth) if node.parent_id else (None, 0)
                break
            chain.append(node)
            node = parent
        for child in reversed(chain):
            parent_root, parent_depth = settled[child.parent_id]
            settled[child.id] = (parent_root or child.parent_id, parent_depth + 1)
        return settled[entry.id]

    @staticmethod
    def _descends_from(entry: Entry, ancestor_id: int, by_id: dict[int, Entry]) -> bool:
        """Whether ``ancestor_id`` is ``entry`` or one of its ancestors (a loop if attached)."""
        node: Entry | None = entry
        for _ in range(len(by_id) + 1):
            if node is None:
                return False
            if node.id == ancestor_id:
                return True
            node = by_id.get(node.parent_id) if node.parent_id is not None else None
        return True
