"""Reading Parley's own export (app.portability.export) back, streaming, for ``import parley``.

The document is parsed event by event (ijson), one record at a time. Comments keep their
Markdown (or imported HTML) source, status, reasons, score and times; their HTML is rendered
again from the source. Accounts are matched by e-mail address when the export has them
(``flask export --include-emails``); otherwise their comments come in as guests under the
account's name, and their reactions and votes under an opaque imported key.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import IO, Any

import ijson

from app.models import BodyFormat, CommentStatus
from app.portability.export import FORMAT, VERSION
from app.portability.records import (
    ImportFailure,
    SourceArticle,
    SourceAuditEntry,
    SourceAuthor,
    SourceComment,
    SourceReaction,
    SourceVote,
    parse_time,
)

SECTIONS = ("accounts", "articles", "comments", "reactions", "votes", "audit_log")
ITEMS = {f"{name}.item": name for name in SECTIONS}


def items(handle: IO[bytes], name: str) -> Iterator[tuple[str, int, dict[str, Any]]]:
    """(section, index, record) for every record of every section, in file order."""
    builder = None
    section = ""
    counts = dict.fromkeys(SECTIONS, 0)
    seen_format = False
    try:
        for prefix, event, value in ijson.parse(handle, use_float=True):
            if builder is not None:
                builder.event(event, value)
                if prefix == f"{section}.item" and event == "end_map":
                    yield section, counts[section], builder.value
                    counts[section] += 1
                    builder = None
            elif prefix in ITEMS and event == "start_map":
                if not seen_format:
                    raise ImportFailure(name, f"not a Parley export (no format {FORMAT!r} first)")
                section = ITEMS[prefix]
                builder = ijson.ObjectBuilder()
                builder.event(event, value)
            elif prefix == "" and event == "map_key" and not seen_format and value != "format":
                raise ImportFailure(name, f"not a Parley export (it starts with {value!r})")
            elif prefix == "format":
                if value != FORMAT:
                    raise ImportFailure(name, f"not a Parley export (format is {value!r})")
                seen_format = True
            elif prefix == "version" and value != VERSION:
                raise ImportFailure(name, f"export version {value} is not {VERSION}")
            elif prefix == "" and event == "start_array":
                raise ImportFailure(name, "not a Parley export (a JSON array, not an object)")
    except ijson.JSONError as error:
        if builder is not None:
            where = f"{name}: in {section}[{counts[section]}]"
        else:
            where = f"{name}: after {section or 'the header'}"
        detail = str(error).splitlines()[0][:80]
        raise ImportFailure(where, f"{json_problem(error)} ({detail})") from None
    if not seen_format:
        raise ImportFailure(name, f"not a Parley export (no format {FORMAT!r})")


def json_problem(error: ijson.JSONError) -> str:
    """What is wrong, in words. ijson's C backend raises IncompleteJSONError for every error,
    so the message tells a file cut short from text that is not JSON (or not UTF-8)."""
    text = str(error)
    if "premature EOF" in text or text.startswith("Incomplete JSON"):
        return "the file ends too early"
    if "UTF8" in text or "utf-8" in text:
        return "not UTF-8 text"
    return "bad JSON"


def field(record: dict[str, Any], key: str, kind: type | tuple, where: str, optional=False):
    value = record.get(key)
    if value is None and optional:
        return None
    if not isinstance(value, kind) or isinstance(value, bool) and kind is int:
        raise ImportFailure(where, f"{key!r} is missing or not a {getattr(kind, '__name__', kind)}")
    return value


def time_field(record: dict[str, Any], key: str, where: str, optional=False):
    value = parse_time(field(record, key, str, where, optional), where, key)
    if value is None and not optional:
        raise ImportFailure(where, f"{key!r} is missing")
    return value


def read(handle: IO[bytes], name: str) -> Iterator[object]:
    emails: dict[int, str | None] = {}  # account id -> e-mail, when exported
    names: dict[int, str] = {}
    for section, index, record in items(handle, name):
        where = f"{name}: {section}[{index}]"
        if not isinstance(record, dict):
            raise ImportFailure(where, "not an object")
        if section == "accounts":
            account = field(record, "id", int, where)
            emails[account] = field(record, "email", str, where, optional=True)
            names[account] = field(record, "name", str, where)
        elif section == "articles":
            key = field(record, "key", str, where)
            yield SourceArticle(
                ref=key,
                key=key,
                title=field(record, "title", str, where, optional=True),
                url=field(record, "url", str, where, optional=True),
                closed=bool(field(record, "closed", bool, where)),
                premod=field(record, "premod", bool, where, optional=True),
                created_at=time_field(record, "created_at", where, optional=True),
            )
        elif section == "comments":
            yield comment(record, where, emails, names)
        elif section in ("reactions", "votes"):
            key, email = reader_key(field(record, "by", dict, where), where, emails)
            created_at = time_field(record, "created_at", where)
            if section == "reactions":
                article = field(record, "article", str, where)
                kind = field(record, "kind", str, where)
                yield SourceReaction(article, key, email, kind, created_at)
            else:
                target = str(field(record, "comment", int, where))
                yield SourceVote(target, key, email, field(record, "value", int, where), created_at)
        else:
            yield audit_entry(record, where, emails)


def reader_key(by: dict[str, Any], where: str, emails: dict[int, str | None]):
    if "account" in by:
        account = field(by, "account", int, where)
        return f"u:{account}", emails.get(account)
    return field(by, "key", str, where), None


def comment(record, where: str, emails, names) -> SourceComment:
    author_record = field(record, "author", dict, where)
    if "account" in author_record:
        account = field(author_record, "account", int, where)
        author = SourceAuthor(name=names.get(account), email=emails.get(account))
    else:
        author = SourceAuthor(
            name=field(author_record, "name", str, where),
            email=field(author_record, "email", str, where, optional=True),
            guest_key=field(author_record, "guest_key", str, where, optional=True),
        )
    try:
        status = CommentStatus(field(record, "status", str, where))
        body_format = BodyFormat(field(record, "format", str, where))
    except ValueError as error:
        raise ImportFailure(where, str(error)) from None
    parent = field(record, "parent_id", int, where, optional=True)
    reasons = field(record, "reasons", list, where, optional=True) or []
    return SourceComment(
        ref=str(field(record, "id", int, where)),
        article_ref=field(record, "article", str, where),
        parent_ref=None if parent is None else str(parent),
        author=author,
        body=field(record, "source", str, where),
        body_format=body_format,
        status=status,
        created_at=time_field(record, "created_at", where),
        where=where,
        edited_at=time_field(record, "edited_at", where, optional=True),
        score=field(record, "score", int, where, optional=True) or 0,
        featured=bool(field(record, "featured", bool, where, optional=True)),
        reasons=[str(reason)[:200] for reason in reasons[:20]],
    )


def audit_entry(record, where: str, emails) -> SourceAuditEntry | None:
    actor = field(record, "actor", int, where, optional=True)
    target = field(record, "comment", int, where, optional=True)
    return SourceAuditEntry(
        comment_ref="" if target is None else str(target),
        action=field(record, "action", str, where),
        actor_email=emails.get(actor) if actor is not None else None,
        reason=field(record, "reason", str, where, optional=True),
        before_status=field(record, "before_status", str, where, optional=True),
        after_status=field(record, "after_status", str, where, optional=True),
        created_at=time_field(record, "created_at", where),
    )
