"""Moderation rules: decide the status of a new or edited comment, with the reasons recorded.

Every new comment passes through ``decide_status`` (app.services.comments.post_comment), and
every edit too (the edit service passes ``editing=`` the comment). The rules, in the order the
settings form lists them (app.services.site_settings has their settings and defaults):

========================  =========  =========================================================
reason                    status     fires when
========================  =========  =========================================================
``banned_word:W``         rejected   the text contains the banned word or phrase W
                          or spam    (``banned_words_action``)
``duplicate``             spam       the same author posted the same text within
                                     ``duplicate_window_minutes``
``suspect_word:W``        pending    the text contains the suspect word or phrase W
``links:N``               pending    the comment has N links, more than ``max_links``
``new_author``            pending    one of the author's first ``new_author_comments`` comments
``toxic:S``               pending    the toxicity score S is at or above ``toxicity_hold``
                                     (app.services.toxicity scores; None never holds)
``caps``                  pending    mostly capital letters (at least 12 letters)
``non_letters``           pending    mostly symbols, digits or emoji (at least 12 characters)
``premod``                pending    the site or the article is pre-moderated
========================  =========  =========================================================

The strongest status wins (rejected > spam > pending > approved) and every rule that fired is
listed, so a moderator sees all the reasons. Staff and trusted authors skip every rule except
banned words. Posting faster than ``rate_limit_posts`` per ``rate_limit_seconds`` (per author
or IP address, within the site) is refused with ``RateLimited`` (429, ``Retry-After``) before
anything is stored; edits are not rate-limited here. A third source of holds, readers' reports
(reason ``reports``), lives in app.services.reports.

Word matching sees through the usual disguises (``fold``): case, compatibility forms (NFKC:
full-width and mathematical letters), accents, zero-width and other invisible characters,
look-alikes from other scripts (Unicode's confusables data, with a few of our own), and digits
or symbols standing for letters (``v1agra``, ``vi@gra``, ``$hit``, ``0``/``o``, ``3``/``e``);
letters spaced out one by one (``v i a g r a``) are joined. Matching is on word boundaries, so
``class`` never matches ``ass``.

Rules that need the database (duplicate, new author, rate) run a query only when enabled.
"""

from __future__ import annotations

import html as html_lib
import json
import re
import unicodedata
from dataclasses import dataclass, field
from datetime import timedelta
from functools import lru_cache
from importlib.resources import files

from sqlalchemy import func, or_, select

from app.extensions import db
from app.models import Article, Comment, CommentStatus, Site, utcnow
from app.sanitize import render_markdown
from app.services.errors import DomainError
from app.services.identity import Viewer
from app.services.site_settings import effective_settings
from app.services.toxicity import at_or_above, hold_reason
from app.services.trust import is_trusted

SEVERITY = {
    CommentStatus.APPROVED: 0,
    CommentStatus.PENDING: 1,
    CommentStatus.SPAM: 2,
    CommentStatus.REJECTED: 3,
}
SHOUT_MIN_LETTERS = 12
SHOUT_UPPER_SHARE = 0.8
SYMBOLS_MIN_CHARS = 12
SYMBOLS_LETTER_SHARE = 0.3


class RateLimited(DomainError):
    """429: posting too fast. ``retry_after`` (seconds) becomes the Retry-After header."""

    status = 429
    code = "rate_limited"

    def __init__(self, message: str, retry_after: int):
        super().__init__(message)
        self.retry_after = max(1, int(retry_after))


@dataclass(slots=True)
class Decision:
    status: CommentStatus
    reasons: list[str] = field(default_factory=list)

    def hold(self, status: CommentStatus, reason: str) -> None:
        """Record that a rule fired; keep the strongest status."""
        self.reasons.append(reason)
        if SEVERITY[status] > SEVERITY[self.status]:
            self.status = status


# --- folding text for word matching -------------------------------------------------------

# Look-alike letters from other scripts, after casefolding.
_CONFUSABLES = {
    # Cyrillic
    "а": "a", "в": "b", "е": "e", "ё": "e", "з": "3", "и": "u", "й": "u", "і": "i", "ї": "i",
    "ј": "j", "к": "k", "м": "m", "н": "h", "о": "o", "п": "n", "р": "p", "с": "c", "т": "t",
    "у": "y", "х": "x", "ѕ": "s", "ԁ": "d", "ԛ": "q", "ԝ": "w", "ɡ": "g", "ь": "b",
    # Greek
    "α": "a", "β": "b", "γ": "y", "δ": "d", "ε": "e", "η": "n", "ι": "i", "κ": "k", "μ": "u",
    "ν": "v", "ο": "o", "ρ": "p", "σ": "o", "ς": "c", "τ": "t", "υ": "u", "χ": "x", "ω": "w",
    # Latin look-alikes that NFKC keeps, small capitals among them
    "ı": "i", "ł": "l", "ø": "o", "đ": "d", "ß": "ss", "æ": "ae", "œ": "oe", "ɑ": "a",
    "ᴀ": "a", "ʙ": "b", "ᴄ": "c", "ᴅ": "d", "ᴇ": "e", "ғ": "f", "ɢ": "g", "ʜ": "h", "ɪ": "i",
    "ᴊ": "j", "ᴋ": "k", "ʟ": "l", "ᴍ": "m", "ɴ": "n", "ᴏ": "o", "ᴘ": "p", "ʀ": "r", "ꜱ": "s",
    "ᴛ": "t", "ᴜ": "u", "ᴠ": "v", "ᴡ": "w", "ʏ": "y", "ᴢ": "z",
}  # fmt: skip
# Digits and symbols that stand for letters inside a word. "l" and "1" and "|" all fold to "i"
# (the folded banned word is compared, so "kill" and "ki11" fold alike).
_LEET = {
    "0": "o", "1": "i", "3": "e", "4": "a", "5": "s", "7": "t", "8": "b", "9": "g",
    "@": "a", "$": "s", "!": "i", "|": "i", "€": "e", "£": "l", "+": "t", "l": "i",
}  # fmt: skip
_LEET_SYMBOLS = "".join(ch for ch in _LEET if not ch.isalnum())
_WORDISH = re.compile(r"(?:[^\W_]|[" + re.escape(_LEET_SYMBOLS) + r"])+")
_SYMBOL_CLASS = "[" + re.escape(_LEET_SYMBOLS) + "]"
_SYMBOL_EDGES = re.compile(f"^{_SYMBOL_CLASS}+|{_SYMBOL_CLASS}+$")


_DROPPED = frozenset({"Mn", "Me", "Mc", "Cf"})


def _unicode_look_alikes() -> dict[str, str]:
    """Every letter that Unicode's confusables data (UTS #39, as confusable-homoglyphs ships it)
    lists as looking like an ASCII letter or digit, mapped to it, keyed as ``_fold_chars`` meets
    it (after case folding and compatibility forms: capital look-alikes too). A letter rather
    than a digit where it looks like both. The data is read here and dropped (about 10 MB)."""
    data = json.loads(files("confusable_homoglyphs").joinpath("confusables.json").read_text())
    pairs = [
        pair
        for key, homoglyphs in data.items()
        for glyph in homoglyphs
        for pair in ((key, glyph["c"]), (glyph["c"], key))
    ]
    table: dict[str, str] = {}
    for char, target in sorted(pairs, key=lambda pair: not pair[1].isalpha()):
        if len(char) != 1 or len(target) != 1 or not char.isalpha():
            continue
        if char.isascii() or not target.isascii() or not target.isalnum():
            continue
        folded = unicodedata.normalize("NFKD", unicodedata.normalize("NFKC", char).casefold())
        folded = "".join(ch for ch in folded if unicodedata.category(ch) not in _DROPPED)
        if len(folded) == 1 and not folded.isascii():
            table.setdefault(folded, target.lower())
    return table


_CONFUSABLE_TABLE = str.maketrans({**_unicode_look_alikes(), **_CONFUSABLES})
_LEET_TABLE = str.maketrans(_LEET)


def _fold_chars(text: str) -> str:
    """Case, compatibility forms, accents, invisible characters and other scripts folded away."""
    text = unicodedata.normalize("NFKD", unicodedata.normalize("NFKC", text).casefold())
    if not text.isascii():  # accents and other marks (M*), zero-width/format characters (Cf)
        text = "".join(ch for ch in text if unicodedata.category(ch) not in _DROPPED)
    return text.translate(_CONFUSABLE_TABLE)


def _leet(token: str) -> str:
    return token.translate(_LEET_TABLE)


@lru_cache(maxsize=32)
def fold_variants(text: str) -> tuple[str, ...]:
    """The folded forms of ``text`` to match against, as space-separated words.

    1. every symbol inside a word read as a letter (``vi@gra`` -> ``viagra``, ``a$$`` -> ``ass``);
    2. symbols at a word's edges dropped first (``hello!`` -> ``hello``);
    3. like 2, with runs of one-letter words joined (``v i a g r a`` -> ``viagra``).
    """
    words = _WORDISH.findall(_fold_chars(text))
    inner = " ".join(_leet(w) for w in words)
    trimmed_words = [_leet(w) for w in (_SYMBOL_EDGES.sub("", w) for w in words) if w]
    trimmed = " ".join(trimmed_words)
    joined_words: list[str] = []
    run: list[str] = []
    for word in trimmed_words:
        if len(word) == 1:
            run.append(word)
            continue
        if run:
            joined_words.append("".join(run))
            run = []
        joined_words.append(word)
    if run:
        joined_words.append("".join(run))
    joined = " ".join(joined_words)
    return tuple(dict.fromkeys((inner, trimmed, joined)))


def fold_term(term: str) -> str:
    """A banned or suspect word/phrase folded the way text is (symbols read as letters)."""
    return " ".join(_leet(w) for w in _WORDISH.findall(_fold_chars(term)))


@lru_cache(maxsize=256)
def _compile_terms(terms: tuple[str, ...]) -> tuple[dict[str, str], tuple[tuple[str, str], ...]]:
    """Single words (set lookup) and phrases (substring search), mapped to the term as typed."""
    words: dict[str, str] = {}
    phrases: list[tuple[str, str]] = []
    for term in terms:
        folded = fold_term(term)
        if not folded:
            continue
        if " " in folded:
            phrases.append((f" {folded} ", term))
        else:
            words.setdefault(folded, term)
    return words, tuple(phrases)


def find_terms(text: str, terms: list[str] | tuple[str, ...]) -> list[str]:
    """The configured terms (as typed) that occur in ``text`` on word boundaries, in list order."""
    if not terms:
        return []
    words, phrases = _compile_terms(tuple(terms))
    found: set[str] = set()
    for variant in fold_variants(text):
        found.update(words[w] for w in variant.split() if w in words)
        padded = f" {variant} "
        found.update(term for needle, term in phrases if needle in padded)
    return [t for t in terms if t in found]


# --- the other content rules ----------------------------------------------------------------


_TAG = re.compile(r"<[^>]*>")


def visible_text(html: str) -> str:
    """The text of sanitized comment HTML, for counting letters (cheaper than a parser: the
    HTML is our own sanitizer's output, so tags are well formed)."""
    return html_lib.unescape(_TAG.sub(" ", html))


def count_links(html: str) -> int:
    return html.count("<a ")


def shouting_reason(text: str) -> str | None:
    """``caps`` for text mostly in capitals, ``non_letters`` for mostly symbols/digits/emoji."""
    chars = [ch for ch in text if not ch.isspace()]
    letters = [ch for ch in chars if ch.isalpha()]
    cased = [ch for ch in letters if ch.isupper() or ch.islower()]
    if len(cased) >= SHOUT_MIN_LETTERS:
        upper = sum(1 for ch in cased if ch.isupper())
        if upper / len(cased) >= SHOUT_UPPER_SHARE:
            return "caps"
    if len(chars) >= SYMBOLS_MIN_CHARS and len(letters) / len(chars) < SYMBOLS_LETTER_SHARE:
        return "non_letters"
    return None


def _author_clause(viewer: Viewer):
    """SQL: comments by the same author (account, or guest browser id)."""
    if viewer.user is not None:
        return Comment.user_id == viewer.user.id
    if viewer.guest_key is not None:
        return Comment.guest_key == viewer.guest_key
    return None


def _site_article_ids(site: Site):
    return select(Article.id).where(Article.site_id == site.id).scalar_subquery()


def check_rate(site: Site, viewer: Viewer, posts: int, seconds: int) -> None:
    """Raise RateLimited if this author or IP posted ``posts`` comments in the last ``seconds``."""
    who = []
    author = _author_clause(viewer)
    if author is not None:
        who.append(author)
    if viewer.ip:
        who.append(Comment.author_ip == viewer.ip)
    if not who:
        return
    since = utcnow() - timedelta(seconds=seconds)
    recent = db.session.execute(
        select(func.count(), func.min(Comment.created_at)).where(
            or_(*who), Comment.created_at > since, Comment.article_id.in_(_site_article_ids(site))
        )
    ).one()
    count, oldest = recent
    if count >= posts:
        wait = (oldest + timedelta(seconds=seconds) - utcnow()).total_seconds() if oldest else 1
        raise RateLimited(
            f"you are posting too fast: at most {posts} comments per {seconds} seconds "
            "on this site; try again in a moment",
            retry_after=int(wait) + 1,
        )


def _is_duplicate(viewer: Viewer, source: str, minutes: int, editing: Comment | None) -> bool:
    author = _author_clause(viewer)
    if author is None:
        return False
    query = select(Comment.id).where(
        author,
        Comment.body_source == source,
        Comment.created_at > utcnow() - timedelta(minutes=minutes),
    )
    if editing is not None and editing.id is not None:
        query = query.where(Comment.id != editing.id)
    return db.session.scalar(query.limit(1)) is not None


def _is_new_author(viewer: Viewer, needed: int, editing: Comment | None) -> bool:
    """True while the author has fewer than ``needed`` approved comments (account or guest)."""
    author = _author_clause(viewer)
    if author is None:
        return True  # a guest with no browser id is always new
    query = select(func.count()).where(author, Comment.status == CommentStatus.APPROVED)
    if editing is not None and editing.id is not None:
        query = query.where(Comment.id != editing.id)
    return db.session.scalar(query) < needed


def decide_status(
    site: Site,
    article: Article,
    viewer: Viewer,
    body: str,
    *,
    html: str | None = None,
    editing: Comment | None = None,
    toxicity: float | None = None,
) -> Decision:
    """The status a new (or edited) comment gets, and why.

    ``body`` is the cleaned Markdown source, ``html`` its rendering (rendered here if not given),
    ``editing`` the comment being edited (its own row is left out of the duplicate and history
    checks, and no rate limit applies), ``toxicity`` its score (None: not scored). Raises
    RateLimited for a new comment over the site's posting rate. Does not write anything: the
    caller stores the decision and audits it.
    """
    settings = effective_settings(site)
    user = viewer.user
    privileged = user is not None and (user.is_staff or is_trusted(user, site))
    if editing is None and not privileged and settings["rate_limit_posts"]:
        check_rate(site, viewer, settings["rate_limit_posts"], settings["rate_limit_seconds"])

    decision = Decision(CommentStatus.APPROVED)
    banned_status = (
        CommentStatus.SPAM if settings["banned_words_action"] == "spam" else CommentStatus.REJECTED
    )
    for term in find_terms(body, settings["banned_words"]):
        decision.hold(banned_status, f"banned_word:{term}")
    if privileged:
        return decision

    if settings["duplicate_window_minutes"] and _is_duplicate(
        viewer, body, settings["duplicate_window_minutes"], editing
    ):
        decision.hold(CommentStatus.SPAM, "duplicate")
    for term in find_terms(body, settings["suspect_words"]):
        decision.hold(CommentStatus.PENDING, f"suspect_word:{term}")
    if html is None:
        html = render_markdown(body)
    links = count_links(html)
    if settings["max_links"] is not None and links > settings["max_links"]:
        decision.hold(CommentStatus.PENDING, f"links:{links}")
    if settings["new_author_comments"] and _is_new_author(
        viewer, settings["new_author_comments"], editing
    ):
        decision.hold(CommentStatus.PENDING, "new_author")
    if at_or_above(toxicity, settings["toxicity_hold"]):
        decision.hold(CommentStatus.PENDING, hold_reason(toxicity))
    if settings["hold_shouting"]:
        reason = shouting_reason(visible_text(html))
        if reason:
            decision.hold(CommentStatus.PENDING, reason)
    premod = article.premod if article.premod is not None else site.premod
    if premod:
        decision.hold(CommentStatus.PENDING, "premod")
    return decision
