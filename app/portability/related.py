"""Reactions, votes and moderation history of an import (Parley's own export carries them).

Written in batches after the comments and articles they point to. Reactions and votes are one
per reader, so ones already in the site are skipped; audit entries are brought in only with a
comment this run imported, so importing twice does not double the history.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from sqlalchemy import insert, select, tuple_

from app.extensions import db
from app.models import AuditEntry, Reaction, ReactionKind, Vote
from app.portability.records import SourceAuditEntry, SourceReaction, SourceVote

if TYPE_CHECKING:
    from app.portability.writer import ImportRun

KINDS = frozenset(kind.value for kind in ReactionKind)


class RelatedWriter:
    def __init__(self, run: ImportRun) -> None:
        self.run = run
        self.reactions: list[SourceReaction] = []
        self.votes: list[SourceVote] = []
        self.audit: list[SourceAuditEntry] = []

    def add(self, record: SourceReaction | SourceVote | SourceAuditEntry) -> None:
        if isinstance(record, SourceReaction):
            self.reactions.append(record)
        elif isinstance(record, SourceVote):
            self.votes.append(record)
        else:
            self.audit.append(record)
        if len(self.reactions) + len(self.votes) + len(self.audit) >= self.run.batch_size:
            self.flush()

    def flush(self) -> None:
        self.run.flush_comments()
        self.flush_reactions()
        self.flush_votes()
        self.flush_audit()

    def flush_reactions(self) -> None:
        batch, self.reactions = self.reactions, []
        rows = {}
        for reaction in batch:
            article_id = self.run.articles.get(reaction.article_ref, -1)
            if article_id < 0 or reaction.kind not in KINDS:
                self.run.skip("reaction", "unknown article or kind")
                continue
            reactor = self.run.authors.actor_key(
                reaction.reactor, reaction.account_email, self.run.source
            )
            rows[(article_id, reactor)] = {
                "article_id": article_id,
                "reactor": reactor,
                "kind": ReactionKind(reaction.kind),
                "created_at": reaction.created_at,
            }
        existing = self.existing(Reaction.article_id, Reaction.reactor, rows)
        self.insert(Reaction, "reactions", rows, existing)

    def flush_votes(self) -> None:
        batch, self.votes = self.votes, []
        rows = {}
        for vote in batch:
            comment_id = self.run.tree.id_of(vote.comment_ref)
            if comment_id is None or vote.value not in (-1, 1):
                self.run.skip("vote", "unknown comment or value")
                continue
            voter = self.run.authors.actor_key(vote.voter, vote.account_email, self.run.source)
            rows[(comment_id, voter)] = {
                "comment_id": comment_id,
                "voter": voter,
                "value": vote.value,
                "created_at": vote.created_at,
            }
        existing = self.existing(Vote.comment_id, Vote.voter, rows)
        self.insert(Vote, "votes", rows, existing)

    def flush_audit(self) -> None:
        batch, self.audit = self.audit, []
        rows = []
        for entry in batch:
            if entry.comment_ref and not self.run.tree.is_new(entry.comment_ref):
                self.run.skip("audit entry", "its comment was imported before, or not at all")
                continue
            actor_id = self.run.authors.account_id(entry.actor_email)
            if not entry.comment_ref and self.site_entry_exists(entry, actor_id):
                self.run.skip("audit entry", "already there")
                continue
            rows.append(
                {
                    "site_id": self.run.site.id,
                    "comment_id": self.run.tree.id_of(entry.comment_ref)
                    if entry.comment_ref
                    else None,
                    "actor_id": actor_id,
                    "action": entry.action[:40],
                    "reason": (entry.reason or None) and entry.reason[:500],
                    "before_status": (entry.before_status or None) and entry.before_status[:16],
                    "after_status": (entry.after_status or None) and entry.after_status[:16],
                    "created_at": entry.created_at,
                }
            )
        if rows:
            db.session.execute(insert(AuditEntry), rows)
            self.run.summary.imported["audit entries"] += len(rows)

    def site_entry_exists(self, entry: SourceAuditEntry, actor_id: int | None) -> bool:
        """Whether the site already has this entry that is not about a comment (closing an
        article, a ban): such entries have no source id, so they are compared whole."""
        return (
            db.session.scalar(
                select(AuditEntry.id).where(
                    AuditEntry.site_id == self.run.site.id,
                    AuditEntry.comment_id.is_(None),
                    AuditEntry.action == entry.action[:40],
                    AuditEntry.created_at == entry.created_at,
                    AuditEntry.actor_id.is_(None)
                    if actor_id is None
                    else AuditEntry.actor_id == actor_id,
                )
            )
            is not None
        )

    @staticmethod
    def existing(owner, key, rows: dict) -> set[tuple]:
        """The (owner, key) pairs of ``rows`` already in the table."""
        if not rows:
            return set()
        match = tuple_(owner, key).in_(list(rows))
        return {tuple(row) for row in db.session.execute(select(owner, key).where(match))}

    def insert(self, model, kind: str, rows: dict, existing: set[tuple]) -> None:
        new = [row for pair, row in rows.items() if pair not in existing]
        for _pair in existing:
            self.run.skip(kind[:-1], "already there")
        if new:
            db.session.execute(insert(model), new)
            self.run.summary.imported[kind] += len(new)
