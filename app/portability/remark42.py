"""Remark42 backup (or export) file: JSON lines, gzipped or not.

Line 1 is ``{"version": 1, "users": [...], "posts": [...]}`` (posts carry ``read_only``);
every following line is one comment: ``id``, ``pid`` (parent, "" for none), ``text`` (HTML),
``orig`` (the Markdown the author typed, when present: kept as the source), ``user``
(``name``, ``id``, ``ip``), ``locator.url`` (the thread, also its key), ``score``, ``time``,
``edit.time``, ``pin`` (featured), ``delete``, ``title``. Remark42 has no pending or spam
states: a comment is shown or deleted. It stores user names and titles HTML-escaped
(``SanitizeText``: ``Tom &amp; Jerry``), read back as text, and ``user.ip`` as an HMAC of
the address, not an address (so no IP is kept).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import IO, Any

import orjson

from app.models import BodyFormat, CommentStatus
from app.portability.records import (
    ImportFailure,
    Skipped,
    SourceArticle,
    SourceAuthor,
    SourceComment,
    parse_time,
    unescaped,
)

LINE_MAX = 1_000_000  # one comment's line; longer is not a Remark42 file
HEADER_MAX = 200_000_000  # users and posts metadata


def parse_line(line: bytes, where: str) -> Any:
    try:
        return orjson.loads(line)
    except orjson.JSONDecodeError as error:
        problem = "cut short" if not line.endswith(b"\n") else "not JSON"
        raise ImportFailure(where, f"{problem} ({str(error)[:60]})") from None


def read(handle: IO[bytes], name: str) -> Iterator[object]:
    header = parse_line(handle.readline(HEADER_MAX), f"{name}, line 1")
    if not isinstance(header, dict) or "version" not in header or "posts" not in header:
        raise ImportFailure(
            f"{name}, line 1", "not a Remark42 backup (no version/posts header line)"
        )
    if header.get("version") not in (0, 1):
        raise ImportFailure(f"{name}, line 1", f"unknown version {header.get('version')!r}")
    posts = header.get("posts")
    read_only = {
        post["url"]
        for post in (posts if isinstance(posts, list) else ())
        if isinstance(post, dict) and post.get("read_only") and isinstance(post.get("url"), str)
    }
    seen: set[str] = set()
    number = 1
    while line := handle.readline(LINE_MAX):
        number += 1
        where = f"{name}, line {number}"
        if not line.strip():
            continue
        record = parse_line(line, where)
        if not isinstance(record, dict):
            raise ImportFailure(where, "not a comment object")
        locator = record.get("locator")
        url = locator.get("url") if isinstance(locator, dict) else None
        if not isinstance(url, str) or not url:
            yield Skipped("comment", "no locator url")
            continue
        if url not in seen:
            seen.add(url)
            yield SourceArticle(
                ref=url,
                key=url,
                url=url,
                title=unescaped(text(record, "title")),
                closed=url in read_only,
            )
        yield comment(record, url, where)
    # Read-only threads nobody commented on stay closed, should comments ever come.
    for url in sorted(u for u in read_only - seen if u):
        yield SourceArticle(ref=url, key=url, url=url, closed=True)


def text(record: dict, key: str) -> str | None:
    value = record.get(key)
    return value if isinstance(value, str) and value else None


def comment(record: dict, url: str, where: str) -> SourceComment | Skipped:
    ref = text(record, "id")
    if ref is None:
        return Skipped("comment", "no id")
    created_at = parse_time(text(record, "time"), where, "time")
    if created_at is None:
        return Skipped("comment", "no time")
    user = record.get("user") if isinstance(record.get("user"), dict) else {}
    orig = text(record, "orig")
    edit = record.get("edit") if isinstance(record.get("edit"), dict) else {}
    score = record.get("score")
    return SourceComment(
        ref=ref,
        article_ref=url,
        parent_ref=text(record, "pid"),
        author=SourceAuthor(name=unescaped(text(user, "name"))),
        body=orig if orig is not None else text(record, "text") or "",
        body_format=BodyFormat.MARKDOWN if orig is not None else BodyFormat.HTML,
        status=CommentStatus.DELETED if record.get("delete") else CommentStatus.APPROVED,
        created_at=created_at,
        where=where,
        edited_at=parse_time(text(edit, "time"), where, "edit.time"),
        score=score if isinstance(score, int) and not isinstance(score, bool) else 0,
        featured=bool(record.get("pin")),
    )
