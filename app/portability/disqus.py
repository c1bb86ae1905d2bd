"""Disqus XML export: ``<disqus>`` holding ``<thread dsq:id>`` and ``<post dsq:id>`` elements.

A thread is keyed by its identifier (``<id>``), or its ``<link>`` when it has none. A post
points to its thread and parent by ``dsq:id``; its ``<message>`` is HTML. Status: spam
(``isSpam``), deleted (``isDeleted``), pending (``isApproved`` false, when present), else
approved. Posts are not ordered in the file: a reply may come before its parent. A thread's
``<title>`` may hold HTML entities as the page or the WordPress plugin gave it
(``Let&#8217;s``, which Disqus's API offers cleaned as ``clean_title``): read back as text.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import IO
from xml.etree.ElementTree import Element

from app.models import BodyFormat, CommentStatus
from app.portability.records import (
    Skipped,
    SourceArticle,
    SourceAuthor,
    SourceComment,
    parse_flag,
    parse_time,
    unescaped,
)
from app.portability.xmlstream import child_text, local, records

NS = "{http://disqus.com}"
DSQ_ID = "{http://disqus.com/disqus-internals}id"


def check_root(root: Element, _namespaces: dict[str, str]) -> str | None:
    if root.tag == f"{NS}disqus":
        return None
    if local(root.tag) == "disqus":  # the right name in another namespace, or in none
        return f"not a Disqus export: <disqus> is not in Disqus's namespace ({NS[1:-1]})"
    return f"not a Disqus export: the document is <{local(root.tag)}>, not <disqus>"


def read(handle: IO[bytes], name: str) -> Iterator[object]:
    counts = {"thread": 0, "post": 0}
    for element, _namespaces in records(handle, name, 2, check_root):
        kind = local(element.tag)
        if kind not in counts:
            continue  # categories
        counts[kind] += 1
        where = f"{name}: {kind} #{counts[kind]} (dsq:id={element.get(DSQ_ID) or '?'})"
        yield thread(element, where) if kind == "thread" else post(element, where)


def thread(element: Element, where: str) -> SourceArticle | Skipped:
    ref = element.get(DSQ_ID)
    if not ref:
        return Skipped("article", "no dsq:id")
    if parse_flag(child_text(element, f"{NS}isDeleted")):
        return Skipped("article", "deleted in Disqus (its posts are skipped too)")
    link = child_text(element, f"{NS}link")
    key = child_text(element, f"{NS}id") or link
    if key is None:
        return Skipped("article", "no identifier or link")
    return SourceArticle(
        ref=ref,
        key=key,
        title=unescaped(child_text(element, f"{NS}title")),
        url=link,
        closed=parse_flag(child_text(element, f"{NS}isClosed")),
        created_at=parse_time(child_text(element, f"{NS}createdAt"), where, "createdAt"),
    )


def post(element: Element, where: str) -> SourceComment | Skipped:
    ref = element.get(DSQ_ID)
    if not ref:
        return Skipped("comment", "no dsq:id")
    thread_ref = element.find(f"{NS}thread")
    if thread_ref is None or not thread_ref.get(DSQ_ID):
        return Skipped("comment", "no thread")
    created_at = parse_time(child_text(element, f"{NS}createdAt"), where, "createdAt")
    if created_at is None:
        return Skipped("comment", "no createdAt")
    parent = element.find(f"{NS}parent")
    author = element.find(f"{NS}author")
    return SourceComment(
        ref=ref,
        article_ref=thread_ref.get(DSQ_ID),
        parent_ref=parent.get(DSQ_ID) if parent is not None else None,
        author=SourceAuthor(
            name=None
            if author is None
            else child_text(author, f"{NS}name") or child_text(author, f"{NS}username"),
            email=None if author is None else child_text(author, f"{NS}email"),
            ip=child_text(element, f"{NS}ipAddress"),
        ),
        body=child_text(element, f"{NS}message") or "",
        body_format=BodyFormat.HTML,
        status=status(element),
        created_at=created_at,
        where=where,
    )


def status(element: Element) -> CommentStatus:
    if parse_flag(child_text(element, f"{NS}isSpam")):
        return CommentStatus.SPAM
    if parse_flag(child_text(element, f"{NS}isDeleted")):
        return CommentStatus.DELETED
    approved = child_text(element, f"{NS}isApproved")
    if approved is not None and not parse_flag(approved):
        return CommentStatus.PENDING
    return CommentStatus.APPROVED
