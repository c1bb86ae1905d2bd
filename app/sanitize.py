"""The one place user text becomes HTML. Nothing else imports bleach or the Markdown renderer.

Defence in depth, in order:
1. Markdown is rendered by markdown-it-py with raw HTML *off*: ``<script>`` typed by a reader
   becomes the text ``&lt;script&gt;``, never markup.
2. The result goes through bleach with a small tag/attribute allowlist and a scheme allowlist
   (http, https, mailto), which also drops ``data:`` and ``javascript:`` links that the
   Markdown renderer lets through.
3. Every surviving link gets ``rel="nofollow ugc noopener noreferrer"`` and opens in a new tab;
   a link whose ``href`` was stripped, or is not an absolute http(s) URL with a host or a mailto
   address, is unwrapped to plain text. This check runs last, on every ``<a>``: bleach's own
   scheme check lets relative URLs through (and ``foo:123``, which its URL parser reads as a
   port), and the links bleach's linkify creates from bare text (``irc://``, ``data:x.com``...)
   are made after its sanitizer ran, so they were never scheme-checked.
4. The widget frame is served with a strict Content-Security-Policy (no inline script).
"""

from __future__ import annotations

import html as html_module
import re
import unicodedata
from typing import Any
from urllib.parse import urlsplit

import bleach
from bleach.linkifier import LinkifyFilter
from markdown_it import MarkdownIt

ALLOWED_TAGS = frozenset(
    {"p", "br", "em", "strong", "code", "pre", "blockquote", "ul", "ol", "li", "a", "s", "del"}
)
ALLOWED_ATTRIBUTES = {"a": ["href", "title"], "ol": ["start"]}
ALLOWED_PROTOCOLS = frozenset({"http", "https", "mailto"})
LINK_REL = "nofollow ugc noopener noreferrer"

_markdown = (
    MarkdownIt("commonmark", {"html": False, "linkify": True, "breaks": True, "typographer": False})
    .enable(["linkify", "strikethrough"])
    # Headings, images, rules and tables are not comment markup: they stay as typed.
    .disable(["heading", "lheading", "image", "hr"])
)
# Like bleach's linkify below (parse_email off): a bare address stays text, not a mailto link.
_markdown.linkify.set({"fuzzy_email": False})


def _as_written(url: str) -> str:
    """Link text stays as typed: the default decodes %-escapes (``%%30%30`` would read ``%00``)
    and punycode (``xn--80ak6aa92e.com`` would read as a look-alike of ``apple.com``)."""
    return url


_markdown.normalizeLinkText = _as_written

_HREF = (None, "href")
_REL = (None, "rel")
_TARGET = (None, "target")


def _is_allowed_href(href: str) -> bool:
    """Whether ``href`` is an absolute URL a comment may link to.

    http/https need a host (``http:alert`` and ``//host`` resolve against the page, so they are
    refused); mailto needs an address. The raw value must itself start with the scheme, so that
    nothing the URL parser would silently drop (leading spaces, tabs or newlines inside the
    scheme) can make the browser read it differently from this check.
    """
    try:
        parts = urlsplit(href)
    except ValueError:
        return False
    if parts.scheme not in ALLOWED_PROTOCOLS or not href.lower().startswith(parts.scheme + ":"):
        return False
    return bool(parts.path) if parts.scheme == "mailto" else bool(parts.hostname)


def _harden_link(attrs: dict[Any, str], new: bool = False) -> dict[Any, str] | None:
    """bleach linkify callback, run on every link: force rel/target; unwrap unsafe links to text."""
    href = attrs.get(_HREF)
    if not href or not _is_allowed_href(href):
        return None
    attrs[_REL] = LINK_REL
    attrs[_TARGET] = "_blank"
    return attrs


def _make_cleaner(*filters: Any) -> bleach.Cleaner:
    return bleach.Cleaner(
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        protocols=ALLOWED_PROTOCOLS,
        strip=True,
        strip_comments=True,
        filters=list(filters),
    )


_cleaner = _make_cleaner(
    # parse_email stays off: bare addresses are not turned into mailto links.
    lambda source: LinkifyFilter(
        source, callbacks=[_harden_link], skip_tags={"pre", "code"}, parse_email=False
    )
)
# The same cleaning without linkify, for HTML in which no link can be or become one (see
# sanitize_html): linkify is a third of the cost of cleaning, and imports clean millions.
_cleaner_without_links = _make_cleaner()
# Anything linkify could act on: an anchor, a scheme, "www.", an address, or a dotted name.
_MAY_LINK = re.compile(r"<a[\s/>]|:|&#|www\.|@|\.[^\W\d_]{2,}", re.IGNORECASE)

_CONTROL_CHARS = "\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f"  # tab, newline stay
# C0/C1 controls, bidi marks, overrides and isolates, zero-width space and word joiners.
# ZWJ/ZWNJ (U+200C/D) stay: emoji sequences and many scripts need them.
_UNSAFE_CHARS = re.compile(
    f"[{_CONTROL_CHARS}\u200b\u200e\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff]"
)
_CONTROLS = re.compile(f"[{_CONTROL_CHARS}]")
# Unicode's Default_Ignorable_Code_Point property (DerivedCoreProperties.txt): characters a
# renderer shows as nothing, among them U+034F, U+061C, the Hangul fillers, variation selectors
# and tag characters.
_DEFAULT_IGNORABLE = re.compile(
    "[\u00ad\u034f\u061c\u115f\u1160\u17b4\u17b5\u180b-\u180f\u200b-\u200f\u202a-\u202e"
    "\u2060-\u206f\u3164\ufe00-\ufe0f\ufeff\uffa0\ufff0-\ufff8\U0001bca0-\U0001bca3"
    "\U0001d173-\U0001d17a\U000e0000-\U000e0fff]"
)
_JOINERS = "\u200c\u200d"
# ZWNJ/ZWJ not between two non-ASCII characters (where Persian and Indic names and emoji need them).
_STRAY_JOINER = re.compile("(?<![^\x00-\x7f])[\u200c\u200d]|[\u200c\u200d](?![^\x00-\x7f])")
# Characters that are printed as blank space although they are letters or symbols.
_BLANK_GLYPHS = frozenset("\u2800\u3164\u115f\u1160\uffa0")
_NOTHING_ON_THEIR_OWN = frozenset({"Cc", "Cf", "Zs", "Zl", "Zp", "Mn", "Me"})


def _unify_newlines(text: str) -> str:
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    return unicodedata.normalize("NFC", text)


def normalize_text(text: str) -> str:
    """Normalize user text before storing: NFC, unify newlines, drop invisible control characters.

    Applied to free-text fields (notes, reasons, search terms) so that two strings that look the
    same compare the same, and so that bidi overrides cannot disguise them.
    """
    return _UNSAFE_CHARS.sub("", _unify_newlines(text))


def normalize_body(text: str) -> str:
    """Normalize a comment body: NFC, unified newlines, no control characters, no leading BOM.

    Everything else a writer typed stays: the zero-width space (word breaks in Thai, Khmer,
    Burmese), left-to-right and right-to-left marks, soft hyphens, a byte-order mark inside the
    text, even bidi overrides. Pages show every body isolated (``dir="auto"``), so nothing in it
    reaches the layout around it.
    """
    return _CONTROLS.sub("", _unify_newlines(text)).removeprefix("\ufeff")


def normalize_name(text: str) -> str:
    """Normalize a display name: like ``normalize_text``, and without any invisible character.

    Every default-ignorable and format character goes, except ZWNJ/ZWJ between two non-ASCII
    characters, where Persian and Indic names and emoji sequences need them. A name is then
    what it looks like, so names that look the same compare the same.
    """
    text = _CONTROLS.sub("", _unify_newlines(text))
    text = "".join(char for char in text if char in _JOINERS or not _is_invisible(char))
    return _STRAY_JOINER.sub("", text)


def _is_invisible(char: str) -> bool:
    return unicodedata.category(char) == "Cf" or _DEFAULT_IGNORABLE.match(char) is not None


def renders_as_nothing(text: str) -> bool:
    """Whether ``text`` shows no visible character: spaces, invisible or blank characters only."""
    return all(
        unicodedata.category(char) in _NOTHING_ON_THEIR_OWN
        or char in _BLANK_GLYPHS
        or _is_invisible(char)
        for char in text
    )


def render_markdown(source: str) -> str:
    """Render a comment's Markdown source to HTML that is safe to insert into a page as-is."""
    return _cleaner.clean(_markdown.render(source)).strip()


# Elements whose content is code or chrome, never comment text: dropped whole, content included
# (bleach's strip=True would keep a stripped <script>'s text).
_DROPPED_ELEMENTS = re.compile(
    r"<(script|style|template|iframe|object|embed|noscript|textarea|title|svg|math)\b[^>]*>"
    r".*?</\1\s*>",
    re.IGNORECASE | re.DOTALL,
)
# Presentational synonyms of allowed tags, as other comment systems store them.
_SYNONYMS = {"b": "strong", "i": "em", "strike": "s"}
_SYNONYM_TAG = re.compile(r"<(/?)(b|i|strike)(?=[\s/>])", re.IGNORECASE)


def sanitize_html(source: str) -> str:
    """Make HTML from another system (an import) safe to insert into a page as-is.

    The same allowlist, link rules and linkify as comments typed in Parley: imported HTML ends
    up as the same small set of tags a Markdown comment can produce. Scripts, styles and frames
    are removed with their content; every other unknown tag is removed, keeping its text.
    """
    source = _DROPPED_ELEMENTS.sub("", source)
    source = _SYNONYM_TAG.sub(lambda m: f"<{m.group(1)}{_SYNONYMS[m.group(2).lower()]}", source)
    cleaner = _cleaner if _MAY_LINK.search(source) else _cleaner_without_links
    return cleaner.clean(source).strip()


def plain_text(html: str) -> str:
    """The visible text of sanitized HTML, with tags removed (for excerpts and search).

    The result is text, not HTML (``&amp;`` comes back as ``&``): escape it where it is shown,
    as Jinja autoescape and ``textContent`` do.
    """
    return html_module.unescape(bleach.clean(html, tags=set(), strip=True))
