"""Article reactions: one per reader per article, toggled or changed by reacting again."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from functools import cache
from typing import Any, TypeVar

from sqlalchemy import Select, bindparam, func, select
from sqlalchemy.exc import IntegrityError

from app.database import savepoint
from app.extensions import db
from app.models import Reaction, ReactionKind
from app.services.article_source import RequestSource, article_for_post
from app.services.articles import clean_article_key
from app.services.errors import ValidationError
from app.services.freshness import touch_article
from app.services.identity import Viewer, require_actor_key, require_reader_of_site
from app.services.sites import get_site

Choice = TypeVar("Choice", bound=StrEnum)


@dataclass(slots=True)
class ReactionState:
    counts: dict[str, int]  # every kind, zeros included
    mine: ReactionKind | None


@cache
def _reactions_statement() -> Select[Any]:
    table = Reaction.__table__
    return (
        select(table.c.kind, func.count())
        .where(table.c.article_id == bindparam("article_id"))
        .group_by(table.c.kind)
    )


def reaction_counts(article_id: int | None) -> dict[str, int]:
    """How many of each kind an article has, every kind present (one grouped query)."""
    counts = {kind.value: 0 for kind in ReactionKind}
    if article_id is None:
        return counts
    rows = db.session.execute(_reactions_statement(), {"article_id": article_id})
    for kind, n in rows:
        counts[kind.value] = n
    return counts


def clean_choice(choices: type[Choice], value: Any, name: str) -> Choice:
    """``value`` as a member of ``choices``; ValidationError(invalid_<name>) listing them if not."""
    if isinstance(value, str):
        try:
            return choices(value)
        except ValueError:
            pass
    names = ", ".join(member.value for member in choices)
    raise ValidationError(f"{name} must be one of {names}", f"invalid_{name}")


def react(
    *,
    site_slug: Any,
    article_key: Any,
    kind: Any,
    viewer: Viewer,
    origin: RequestSource | None = None,
) -> ReactionState:
    """Set, change or remove (same kind again) the viewer's reaction to an article, and commit.

    The article is created on its first reaction, as on its first comment, where ``origin`` may
    (app.services.article_source). Raises ValidationError(invalid_kind, invalid_article,
    invalid_site), NotFound(unknown_site, unknown_article), Forbidden(forbidden: an SSO reader
    of another site).
    """
    chosen = clean_choice(ReactionKind, kind, "kind")
    if not isinstance(site_slug, str) or not site_slug:
        raise ValidationError("site is required", "invalid_site")
    site = get_site(site_slug)
    key = clean_article_key(article_key)
    require_reader_of_site(viewer, site.id)
    actor = require_actor_key(viewer)
    article = article_for_post(site, key, None, None, viewer, origin)

    mine: ReactionKind | None = chosen
    existing = _reaction_of(article.id, actor)
    if existing is None:
        try:
            with savepoint(db.session):
                db.session.add(Reaction(article_id=article.id, reactor=actor, kind=chosen))
        except IntegrityError:
            # The same reader's concurrent request inserted first: this one still means "set".
            _reaction_of(article.id, actor).kind = chosen
    elif existing.kind == chosen:
        db.session.delete(existing)
        mine = None
    else:
        existing.kind = chosen
    db.session.flush()
    counts = reaction_counts(article.id)
    touch_article(article.id)
    db.session.commit()
    return ReactionState(counts, mine)


def _reaction_of(article_id: int, actor: str) -> Reaction | None:
    return db.session.scalar(
        select(Reaction).where(Reaction.article_id == article_id, Reaction.reactor == actor)
    )
