"""The one place user text becomes HTML. Nothing else imports bleach or the Markdown renderer.

Defence in depth, in order:
1. Markdown is rendered by markdown-it-py with raw HTML *off*: ``<script>`` typed by a reader
   becomes the text ``&lt;script&gt;``, never markup.
2. The result goes through bleach with a small tag/attribute allowlist and a scheme allowlist
   (http, https, mailto), which also drops ``data:`` and ``javascript:`` links that the
   Markdown renderer lets through.
3. Every surviving link gets ``rel="nofollow ugc noopener noreferrer"`` and opens in a new tab;
   a link whose ``href`` was stripped is unwrapped to plain text.
4. The widget frame is served with a strict Content-Security-Policy (no inline script).
"""

from __future__ import annotations

import re
import unicodedata
from typing import Any

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

_HREF = (None, "href")
_REL = (None, "rel")
_TARGET = (None, "target")


def _harden_link(attrs: dict[Any, str], new: bool = False) -> dict[Any, str] | None:
    """bleach linkify callback: force rel/target on links; unwrap links without a safe href."""
    href = attrs.get(_HREF)
    if not href:
        return None
    attrs[_REL] = LINK_REL
    attrs[_TARGET] = "_blank"
    return attrs


_cleaner = bleach.Cleaner(
    tags=ALLOWED_TAGS,
    attributes=ALLOWED_ATTRIBUTES,
    protocols=ALLOWED_PROTOCOLS,
    strip=True,
    strip_comments=True,
    filters=[
        # parse_email stays off: bare addresses are not turned into mailto links.
        lambda source: LinkifyFilter(
            source, callbacks=[_harden_link], skip_tags={"pre", "code"}, parse_email=False
        )
    ],
)

# C0/C1 controls except tab and newline, bidi overrides and isolates, zero-width characters.
_UNSAFE_CHARS = re.compile(
    "[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f"
    "\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff]"
)


def normalize_text(text: str) -> str:
    """Normalize user text before storing: NFC, unify newlines, drop invisible control characters.

    Applied to every free-text field (bodies, names, notes) so that two strings that look the same
    compare the same, and so that bidi overrides cannot disguise a name.
    """
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    text = unicodedata.normalize("NFC", text)
    return _UNSAFE_CHARS.sub("", text)


def render_markdown(source: str) -> str:
    """Render a comment's Markdown source to HTML that is safe to insert into a page as-is."""
    return _cleaner.clean(_markdown.render(source)).strip()


def plain_text(html: str) -> str:
    """The visible text of sanitized HTML, with tags removed (for excerpts and search)."""
    return bleach.clean(html, tags=set(), strip=True)
