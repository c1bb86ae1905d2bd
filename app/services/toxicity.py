"""Toxicity: one scorer interface, the per-site thresholds, and the nudge.

Every new or edited comment is scored from 0 to 1 (``assess``) by the site's scorer:

- ``local`` (the default): alt-profanity-check's linear model, inside the process
  (app.services.toxicity_model). It knows English only, so text that
  app.services.languages does not take for English gets no score.
- ``http``: when the site's ``toxicity_scorer_url`` is set, a server speaking Perspective's
  format (app.services.toxicity_http); it gets every language.

No score (``None``: another language, a scorer that failed) means the toxicity rule does
nothing for that comment: it is never held or nudged because it could not be scored.

Quoted text (between double quotes, or Markdown ``>`` lines) is left out of the score when
the comment has words of its own around it, so a reader who quotes a slur to condemn it is
scored on what they wrote, not on the quote. A comment that is only a quote is scored whole.

Two per-site settings use the score (both ``"off"`` for new sites): ``toxicity_hold``
(app.services.rules holds the comment as pending with reason ``toxic:0.91``) and
``toxicity_nudge`` (``check_nudge`` refuses the post with 422 ``toxicity_nudge`` unless the
writer confirms; a confirmed post is audited as ``toxicity_confirmed``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any, Protocol

from app.extensions import db
from app.models import Comment, Site
from app.services import audit
from app.services.errors import DomainError, ValidationError
from app.services.identity import Viewer
from app.services.languages import ENGLISH, detect_language
from app.services.site_settings import effective_settings
from app.services.toxicity_http import DEFAULT_TIMEOUT, HttpScorer
from app.services.toxicity_model import load_weights, score_words
from app.services.toxicity_settings import OFF

# Markdown blockquote lines, and spans between straight or curly double quotes.
QUOTED = re.compile(r'^[ \t]*>.*$|"[^"\n]*"|“[^”\n]*”', re.MULTILINE)
OWN_WORDS_MIN = 3
WORD = re.compile(r"\w+")
GUIDELINES_FALLBACK = "Please keep the discussion civil: criticise ideas, not people."


class Scorer(Protocol):
    """Text in; a score from 0 to 1, or None when it cannot score that text."""

    name: str

    def score(self, text: str, language: str | None) -> float | None: ...


class LocalScorer:
    """The packaged English model; weights loaded once per process on first use."""

    @property
    def name(self) -> str:
        return load_weights().name

    def score(self, text: str, language: str | None) -> float | None:
        if language != ENGLISH:
            return None
        return score_words(text, load_weights())


@dataclass(slots=True)
class ScoringConfig:
    """Process-wide switches, from PARLEY_TOXICITY and PARLEY_TOXICITY_TIMEOUT_MS."""

    enabled: bool = True
    timeout: float = DEFAULT_TIMEOUT


CONFIG = ScoringConfig()
LOCAL = LocalScorer()


def configure_scoring(enabled: bool, timeout_ms: int, preload: bool) -> None:
    """Set the process-wide switches; ``preload`` reads the local model now (about a second
    of CPU, once per process) rather than in the first request that posts a comment."""
    CONFIG.enabled = enabled
    CONFIG.timeout = max(1, timeout_ms) / 1000
    if enabled and preload:
        load_weights()


@dataclass(frozen=True, slots=True)
class Toxicity:
    score: float | None
    model: str | None


def scorer_for(settings: dict[str, Any]) -> Scorer:
    url = settings.get("toxicity_scorer_url")
    return HttpScorer(url, CONFIG.timeout) if url else LOCAL


def text_to_score(source: str) -> str:
    """The comment without quoted text, when enough of its own words remain."""
    own = QUOTED.sub(" ", source)
    if own != source and len(WORD.findall(own)) >= OWN_WORDS_MIN:
        return own
    return source


def assess(settings: dict[str, Any], source: str) -> Toxicity:
    """Score a comment's Markdown source with the site's scorer (rounded to 4 places)."""
    if not CONFIG.enabled:
        return Toxicity(None, None)
    scorer = scorer_for(settings)
    text = text_to_score(source)
    value = scorer.score(text, detect_language(text))
    return Toxicity(None if value is None else round(value, 4), scorer.name)


def at_or_above(score: float | None, threshold: Any) -> bool:
    return score is not None and threshold != OFF and score >= threshold


def hold_reason(score: float) -> str:
    return f"toxic:{score:.2f}"


class ToxicityNudge(DomainError):
    """422: the comment scores at or above the site's nudge threshold; nothing was stored.

    ``details`` carries the site's community guidelines for the writer."""

    status = 422
    code = "toxicity_nudge"

    def __init__(self, message: str, guidelines: dict[str, str | None]):
        super().__init__(message)
        self.details = {"guidelines": guidelines}


def guidelines(settings: dict[str, Any]) -> dict[str, str | None]:
    return {
        "text": settings.get("guidelines_text") or GUIDELINES_FALLBACK,
        "url": settings.get("guidelines_url") or None,
    }


def check_nudge(
    settings: dict[str, Any], toxicity: Toxicity, *, confirm: Any, exempt: bool
) -> bool:
    """Raise ToxicityNudge for a comment at or above the nudge threshold, unless confirmed.

    Returns True when the writer confirmed past a nudge (the caller audits it with
    ``record_confirmed`` once the comment exists). ``exempt``: staff and trusted authors.
    """
    if confirm is not None and not isinstance(confirm, bool):
        raise ValidationError("confirm must be true or false", "invalid_confirm")
    if exempt or not at_or_above(toxicity.score, settings["toxicity_nudge"]):
        return False
    if confirm:
        return True
    raise ToxicityNudge(
        "this comment may come across as hostile: please read the community guidelines, "
        'then edit it, or send it again with "confirm": true to post it as it is',
        guidelines(settings),
    )


@dataclass(frozen=True, slots=True)
class Screening:
    toxicity: Toxicity
    confirmed: bool  # the writer posted anyway past a nudge


def screen_comment(site: Site, viewer: Viewer, source: str, confirm: Any) -> Screening:
    """Score a new or edited comment and apply the nudge (raises ToxicityNudge, or
    ValidationError(invalid_confirm)). Staff and trusted authors are scored, never nudged."""
    settings = effective_settings(site)
    toxicity = assess(settings, source)
    user = viewer.user
    exempt = user is not None and (user.is_staff or user.trusted)
    return Screening(toxicity, check_nudge(settings, toxicity, confirm=confirm, exempt=exempt))


def record_confirmed(comment: Comment, site: Site, toxicity: Toxicity) -> None:
    """Audit a post (or edit) sent anyway after a nudge; the caller commits."""
    db.session.flush()
    audit.record(
        "toxicity_confirmed",
        comment=comment,
        site_id=site.id,
        actor_id=comment.user_id,
        reason=f"{hold_reason(toxicity.score or 0)} by {toxicity.model}",
    )
