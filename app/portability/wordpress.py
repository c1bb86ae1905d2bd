"""WordPress export (WXR): ``<rss><channel><item>`` per post or page, with ``<wp:comment>``s.

A thread is keyed by the post's id (``wp:post_id``), or its link when it has none; it is
closed when ``wp:comment_status`` is ``closed``. Attachments, menu items and other non-content
types are not threads. Comment content is HTML (WordPress adds paragraphs on display, so text
without paragraph tags gets them here). ``wp:comment_approved``: 1 approved, 0 pending,
``spam`` spam, ``trash`` and ``post-trashed`` deleted. Pingbacks and trackbacks are skipped.
WordPress stores comment author names HTML-escaped (``_wp_specialchars``) and post titles as
HTML (``&amp;``, ``&#8217;``): both are read back as text.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import IO
from xml.etree.ElementTree import Element

from app.models import BodyFormat, CommentStatus
from app.portability.records import (
    Skipped,
    SourceArticle,
    SourceAuthor,
    SourceComment,
    parse_time,
    unescaped,
)
from app.portability.xmlstream import child_text, local, records

# The wp: namespace, by its URI (``http://wordpress.org/export/1.2/``), not its prefix; WordPress
# also declares ``.../export/1.2/excerpt/``, and before it.
WXR_NAMESPACE = re.compile(r"http://wordpress\.org/export/\d+(\.\d+)*/")
NOT_THREADS = frozenset(
    {
        "attachment",
        "nav_menu_item",
        "revision",
        "custom_css",
        "customize_changeset",
        "oembed_cache",
        "user_request",
        "wp_block",
        "wp_template",
        "wp_template_part",
        "wp_global_styles",
        "wp_navigation",
    }
)
STATUSES = {
    "1": CommentStatus.APPROVED,
    "0": CommentStatus.PENDING,
    "spam": CommentStatus.SPAM,
    "trash": CommentStatus.DELETED,
    "post-trashed": CommentStatus.DELETED,
}
PARAGRAPHS = re.compile(r"<p[\s>]", re.IGNORECASE)
# Content laid out by its author (preformatted text, divisions, tables, rules) is kept as
# written: paragraphing inside <pre> would break it, as wpautop itself avoids.
AS_WRITTEN = re.compile(r"<(?:pre|div|table|hr)\b", re.IGNORECASE)
# The block elements WordPress's wpautop() keeps out of paragraphs, of those a comment holds.
BLOCKS = r"(?:blockquote|dl|dd|dt|ul|ol|li|h[1-6])"
BLOCK_OPEN = re.compile(rf"(<{BLOCKS}[\s/>])", re.IGNORECASE)
BLOCK_CLOSE = re.compile(rf"(</{BLOCKS}>)", re.IGNORECASE)
P_BEFORE_BLOCK = re.compile(rf"<p>\s*(</?{BLOCKS}[^>]*>)", re.IGNORECASE)
P_AFTER_BLOCK = re.compile(rf"(</?{BLOCKS}[^>]*>)\s*</p>", re.IGNORECASE)
P_QUOTE = re.compile(r"<p>(<blockquote[^>]*>)", re.IGNORECASE)
NO_DATE = "0000-00-00 00:00:00"


def wxr_namespace(namespaces: dict[str, str]) -> str | None:
    return next((uri for uri in namespaces.values() if WXR_NAMESPACE.fullmatch(uri)), None)


def check_root(root: Element, namespaces: dict[str, str]) -> str | None:
    if local(root.tag) != "rss":
        return f"not a WordPress export: the document is <{local(root.tag)}>, not <rss>"
    if wxr_namespace(namespaces) is None:
        return "an RSS feed, not a WordPress export (WXR): it declares no wp: namespace"
    return None


def read(handle: IO[bytes], name: str) -> Iterator[object]:
    items = 0
    for element, namespaces in records(handle, name, 3, check_root):
        if local(element.tag) != "item":
            continue
        items += 1
        wp = "{" + (wxr_namespace(namespaces) or "") + "}"
        yield from item(element, wp, f"{name}: item #{items}")


def item(element: Element, wp: str, where: str) -> Iterator[object]:
    post_type = child_text(element, f"{wp}post_type") or "post"
    comments = element.findall(f"{wp}comment")
    if post_type in NOT_THREADS:
        yield Skipped("article", f"a {post_type}, not a thread")
        for _ in comments:
            yield Skipped("comment", f"on a {post_type}")
        return
    post_id = child_text(element, f"{wp}post_id")
    link = child_text(element, "link")
    key = post_id or link
    if key is None:
        yield Skipped("article", "no post id or link")
        for _ in comments:
            yield Skipped("comment", "its post has no id or link")
        return
    where = f"{where} (post {key})"
    yield SourceArticle(
        ref=key,
        key=key,
        title=unescaped(child_text(element, "title")),
        url=link,
        closed=child_text(element, f"{wp}comment_status") == "closed",
        created_at=wp_time(element, wp, "post_date", where),
    )
    for index, comment in enumerate(comments, 1):
        yield wp_comment(comment, wp, key, f"{where}, comment #{index}")


def wp_time(element: Element, wp: str, name: str, where: str):
    """The GMT time, or the local one (read as UTC) when WordPress left GMT empty."""
    for tag in (f"{name}_gmt", name):
        value = child_text(element, f"{wp}{tag}")
        if value and value != NO_DATE:
            return parse_time(value, where, f"wp:{tag}")
    return None


def wp_comment(element: Element, wp: str, post_key: str, where: str) -> SourceComment | Skipped:
    ref = child_text(element, f"{wp}comment_id")
    if ref is None:
        return Skipped("comment", "no wp:comment_id")
    kind = child_text(element, f"{wp}comment_type") or "comment"
    if kind != "comment":
        return Skipped("comment", f"a {kind}, not a comment")
    approved = (child_text(element, f"{wp}comment_approved") or "1").lower()
    status = STATUSES.get(approved)
    if status is None:
        return Skipped("comment", f"unknown wp:comment_approved {approved[:20]!r}")
    created_at = wp_time(element, wp, "comment_date", f"{where} (id {ref})")
    if created_at is None:
        return Skipped("comment", "no wp:comment_date")
    parent = child_text(element, f"{wp}comment_parent")
    return SourceComment(
        ref=ref,
        article_ref=post_key,
        parent_ref=None if parent in (None, "0") else parent,
        author=SourceAuthor(
            name=unescaped(child_text(element, f"{wp}comment_author")),
            email=child_text(element, f"{wp}comment_author_email"),
            ip=child_text(element, f"{wp}comment_author_IP"),
        ),
        body=with_paragraphs(child_text(element, f"{wp}comment_content") or ""),
        body_format=BodyFormat.HTML,
        status=status,
        created_at=created_at,
        where=f"{where} (id {ref})",
    )


def with_paragraphs(content: str) -> str:
    """WordPress stores comments as typed and adds <p> and <br> when showing them (wpautop):
    do the same, also around the block elements a comment may hold (a quoted
    <blockquote>, a list), unless the content has paragraphs or a layout of its own."""
    if PARAGRAPHS.search(content) or AS_WRITTEN.search(content):
        return content
    text = content.replace("\r\n", "\n")
    text = BLOCK_CLOSE.sub(r"\1\n\n", BLOCK_OPEN.sub(r"\n\n\1", text))
    chunks = (chunk.strip() for chunk in re.split(r"\n\s*\n", text))
    html = "".join(f"<p>{chunk.replace(chr(10), '<br>')}</p>" for chunk in chunks if chunk)
    html = P_QUOTE.sub(r"\1<p>", html).replace("</blockquote></p>", "</p></blockquote>")
    return P_AFTER_BLOCK.sub(r"\1", P_BEFORE_BLOCK.sub(r"\1", html))
