"""Keyset paging: the one cursor codec and the one "rows after the cursor" helper.

Every paged list (a thread's top-level comments, the moderation queues and search, the audit
log, a site's articles) is ordered by a key and the row id, and a page is "the next ``limit``
rows after the last one seen". The client receives that last row's position as an opaque
cursor and passes it back unchanged, so the 10,000th page costs what the first does.

A cursor is base64url of a JSON array ``[kind, key..., id]``: ``kind`` names the ordering that
made it (a cursor of one ordering is refused by another) and the keys are typed by ``KeyType``.
Cursors come back from clients, so ``decode_cursor`` trusts nothing: the length, the alphabet,
the JSON (no floats, no constants, no nesting), each value's type and range (an id within the
database's integer range, a UTC time with a zero offset) are checked, and anything it did not
produce itself is a ``ValidationError(invalid_cursor)``: a 400, never a 500.
"""

from __future__ import annotations

import base64
import binascii
import json
import re
from collections.abc import Callable, Sequence
from datetime import datetime, timedelta
from enum import Enum
from typing import Any, TypeVar

from sqlalchemy import ColumnElement, Row, Select, and_, or_

from app.extensions import db
from app.limits import CURSOR_MAX, CURSOR_TIME_MAX
from app.services.errors import ValidationError

# The widest integer every supported database stores in an Integer column (PostgreSQL's int4).
INT_MIN, INT_MAX = -(2**31), 2**31 - 1
_BASE64URL = re.compile(r"[A-Za-z0-9_-]*")
_ZERO = timedelta(0)

T = TypeVar("T")


class KeyType(Enum):
    """What a cursor's sort key is, besides the row id that breaks ties."""

    TIME = "time"  # a UTC-aware datetime, written as ISO 8601 with +00:00
    NUMBER = "number"  # an integer within INT_MIN..INT_MAX (a score, a report count)
    ID_ONLY = "id"  # no key: the list is ordered by id alone


def invalid_cursor() -> ValidationError:
    return ValidationError(
        "cursor is not valid here: pass next_cursor from the previous page unchanged",
        "invalid_cursor",
    )


def encode_cursor(kind: str, key: Any, row_id: int) -> str:
    """The cursor for the position after the row ``(key, row_id)`` in the ordering ``kind``.

    ``key`` is a datetime (KeyType.TIME), an int (KeyType.NUMBER) or None (KeyType.ID_ONLY).
    """
    values: list[Any] = [kind]
    if key is not None:
        values.append(key.isoformat() if isinstance(key, datetime) else key)
    values.append(row_id)
    raw = json.dumps(values, separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def _refuse(_text: str) -> Any:
    raise ValueError


def _integer(value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not INT_MIN <= value <= INT_MAX:
        raise ValueError
    return value


def _utc_time(value: Any) -> datetime:
    if not isinstance(value, str) or len(value) > CURSOR_TIME_MAX:
        raise ValueError
    moment = datetime.fromisoformat(value)
    if moment.tzinfo is None or moment.utcoffset() != _ZERO:
        raise ValueError
    return moment


def decode_cursor(cursor: str | None, kind: str, key_type: KeyType) -> tuple[Any, int] | None:
    """``(key, id)`` from a cursor ``encode_cursor`` made for ``kind``; None for no cursor.

    ``key`` is None for KeyType.ID_ONLY. Raises ValidationError(invalid_cursor) for anything
    else, whatever its shape.
    """
    if cursor is None or cursor == "":
        return None
    try:
        if not isinstance(cursor, str) or len(cursor) > CURSOR_MAX:
            raise ValueError
        if not _BASE64URL.fullmatch(cursor):
            raise ValueError
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
        values = json.loads(raw, parse_float=_refuse, parse_constant=_refuse)
        size = 2 if key_type is KeyType.ID_ONLY else 3
        if not isinstance(values, list) or len(values) != size or values[0] != kind:
            raise ValueError
        row_id = _integer(values[-1])
        if row_id < 1:
            raise ValueError
        if key_type is KeyType.ID_ONLY:
            return None, row_id
        if key_type is KeyType.NUMBER:
            return _integer(values[1]), row_id
        return _utc_time(values[1]), row_id
    except (ValueError, TypeError, OverflowError, RecursionError, binascii.Error):
        raise invalid_cursor() from None


def clean_limit(limit: Any, maximum: int) -> int:
    """A page size from 1 to ``maximum``; ValidationError(invalid_limit) otherwise."""
    if isinstance(limit, bool) or not isinstance(limit, int) or not 1 <= limit <= maximum:
        raise ValidationError(f"limit must be between 1 and {maximum}", "invalid_limit")
    return limit


def keyset_order(columns: Sequence[Any], descending: bool) -> list[Any]:
    """ORDER BY the columns (the sort key first, the id last), all in one direction."""
    return [column.desc() if descending else column.asc() for column in columns]


def keyset_after(
    columns: Sequence[Any], values: Sequence[Any], descending: bool
) -> ColumnElement[bool]:
    """SQL: the row comes after ``values`` in ``keyset_order(columns, descending)``.

    ``values`` may be plain values or bound parameters (the thread reads bind them per request).
    """
    column, value = columns[0], values[0]
    beyond = column < value if descending else column > value
    if len(columns) == 1:
        return beyond
    return or_(beyond, and_(column == value, keyset_after(columns[1:], values[1:], descending)))


def split_page(
    rows: Sequence[T], limit: int, cursor_for: Callable[[T], str]
) -> tuple[list[T], str | None]:
    """A page from ``limit + 1`` fetched rows: the first ``limit``, and the next cursor if more."""
    if len(rows) > limit:
        return list(rows[:limit]), cursor_for(rows[limit - 1])
    return list(rows), None


def keyset_page(
    query: Select[Any],
    kind: str,
    key_type: KeyType,
    columns: Sequence[Any],
    position: Callable[[Row[Any]], tuple[Any, int]],
    *,
    descending: bool,
    cursor: str | None,
    limit: Any,
    maximum: int,
) -> tuple[list[Row[Any]], str | None]:
    """One page of ``query`` after ``cursor``, ordered by ``columns`` (the key, then the id).

    ``position(row)`` is the row's ``(key, id)`` for the next cursor (key None for ID_ONLY).
    Raises ValidationError(invalid_cursor, invalid_limit).
    """
    limit = clean_limit(limit, maximum)
    after = decode_cursor(cursor, kind, key_type)
    if after is not None:
        values = after[1:] if key_type is KeyType.ID_ONLY else after
        query = query.where(keyset_after(columns, values, descending))
    query = query.order_by(*keyset_order(columns, descending)).limit(limit + 1)
    rows = db.session.execute(query).all()
    return split_page(rows, limit, lambda row: encode_cursor(kind, *position(row)))


def newest_first_by_id(
    query: Select[Any], kind: str, id_column: Any, cursor: str | None, limit: Any, maximum: int
) -> tuple[list[Row[Any]], str | None]:
    """``keyset_page`` for a list ordered by id alone, newest (highest id) first; each row's
    first column is the entity whose ``id`` makes the cursor."""
    return keyset_page(
        query,
        kind,
        KeyType.ID_ONLY,
        (id_column,),
        lambda row: (None, row[0].id),
        descending=True,
        cursor=cursor,
        limit=limit,
        maximum=maximum,
    )
