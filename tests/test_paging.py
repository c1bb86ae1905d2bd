"""Cursors (app.services.paging): a cursor the service did not make is a 400, never a 500.

Every paged list decodes its cursor with the same codec: a thread (reader API and the
frame's "Load more"), the moderation queues and search, the audit log and the article list
(API and dashboard). Each tampered cursor below is a well-formed base64url string whose
content is wrong in one way; on SQLite and on PostgreSQL the answer is 400 invalid_cursor.
"""

from __future__ import annotations

import base64
import json
from datetime import UTC, datetime

import pytest

from app.services.errors import ValidationError
from app.services.paging import (
    INT_MAX,
    KeyType,
    decode_cursor,
    encode_cursor,
)
from tests.dashboard_support import signed_in
from tests.factories import bearer, make_token, post_ok

# The shared world, with news posting straight away.
pytestmark = pytest.mark.world(premod=False)


def raw_cursor(text: str) -> str:
    return base64.urlsafe_b64encode(text.encode()).decode().rstrip("=")


def cursor_of(*values) -> str:
    return raw_cursor(json.dumps(list(values)))


NOW = "2026-11-25T14:03:00+00:00"
# name -> (cursor for a time-ordered list, cursor for a number-ordered one) of kind KIND.
TAMPERED = {
    "naive datetime": lambda kind: cursor_of(kind, "2026-11-25T14:03:00", 1),
    "year 1 with an offset": lambda kind: cursor_of(kind, "0001-01-01T00:00:00+05:00", 1),
    "offset other than UTC": lambda kind: cursor_of(kind, "2026-11-25T14:03:00+02:00", 1),
    "number 1e400": lambda kind: raw_cursor(f'["{kind}",1e400,1]'),
    "NaN": lambda kind: raw_cursor(f'["{kind}",NaN,1]'),
    "float id": lambda kind: raw_cursor(f'["{kind}","{NOW}",1.5]'),
    "array nested 1000 deep": lambda kind: raw_cursor("[" * 1000 + "]" * 1000),
    "array nested in the key": lambda kind: cursor_of(kind, [[[NOW]]], 1),
    "id 10^30": lambda kind: cursor_of(kind, NOW, 10**30),
    "id beyond SQLite (2^63)": lambda kind: cursor_of(kind, NOW, 2**63),
    "id beyond PostgreSQL (2^31)": lambda kind: cursor_of(kind, NOW, 2**31),
    "negative id": lambda kind: cursor_of(kind, NOW, -1),
    "id as text": lambda kind: cursor_of(kind, NOW, "1"),
    "boolean id": lambda kind: cursor_of(kind, NOW, True),
    "key beyond PostgreSQL (2^31)": lambda kind: cursor_of(kind, 2**31, 1),
    "digits past the int limit": lambda kind: raw_cursor(f'["{kind}",{"9" * 5000},1]'),
    "another kind": lambda kind: cursor_of("someone-else", NOW, 1),
    "too many values": lambda kind: cursor_of(kind, NOW, 1, 2),
    "an object": lambda kind: raw_cursor(json.dumps({"kind": kind})),
    "not base64": lambda kind: "%%%not-base64%%%",
    "not JSON": lambda kind: raw_cursor("not json"),
    "not UTF-8": lambda kind: base64.urlsafe_b64encode(b"\xff\xfe[").decode(),
    "too long": lambda kind: "A" * 5000,
}


@pytest.mark.parametrize("name", sorted(TAMPERED))
@pytest.mark.parametrize("key_type", [KeyType.TIME, KeyType.NUMBER, KeyType.ID_ONLY])
def test_the_codec_refuses_what_it_did_not_make(name, key_type):
    with pytest.raises(ValidationError) as refused:
        decode_cursor(TAMPERED[name]("queue"), "queue", key_type)
    assert refused.value.code == "invalid_cursor"


def test_the_codec_reads_back_what_it_made():
    moment = datetime(2026, 11, 25, 14, 3, tzinfo=UTC)
    assert decode_cursor(encode_cursor("newest", moment, 7), "newest", KeyType.TIME) == (
        moment,
        7,
    )
    assert decode_cursor(encode_cursor("top", -3, INT_MAX), "top", KeyType.NUMBER) == (
        -3,
        INT_MAX,
    )
    assert decode_cursor(encode_cursor("audit", None, 12), "audit", KeyType.ID_ONLY) == (None, 12)
    assert decode_cursor(None, "audit", KeyType.ID_ONLY) is None


@pytest.fixture
def staff(app, client, world):
    """The shared world with a few comments on news, and its moderator's token."""
    for n in range(3):
        post_ok(client, body=f"comment {n}", article="a1")
    return bearer(make_token(app, "mod@example.org"))


def assert_bad_cursor(response, where):
    assert response.status_code == 400, (where, response.status_code)
    assert response.get_json()["error"]["code"] == "invalid_cursor", where


# Every API list that takes a cursor, with the kind of list it is.
READER_LISTS = [
    "/api/v1/threads?site=news&article=a1&sort=oldest&limit=1",
    "/api/v1/threads?site=news&article=a1&sort=newest&limit=1",
    "/api/v1/threads?site=news&article=a1&sort=top&limit=1",
]
MODERATION_LISTS = [
    "/api/v1/moderation/queues/pending?limit=1",
    "/api/v1/moderation/queues/approved?limit=1",
    "/api/v1/moderation/queues/reported?limit=1",
    "/api/v1/moderation/search?limit=1",
    "/api/v1/moderation/audit?limit=1",
    "/api/v1/moderation/articles?site=news&limit=1",
]


@pytest.mark.parametrize("name", sorted(TAMPERED))
def test_reader_lists_answer_400_to_a_tampered_cursor(app, client, staff, name):
    for url in READER_LISTS:
        sort = url.split("sort=")[1].split("&")[0]
        cursor = TAMPERED[name](sort)
        assert_bad_cursor(client.get(f"{url}&cursor={cursor}"), (url, name))
    frame = "/embed/thread/comments?site=news&article=a1&cursor=" + TAMPERED[name]("oldest")
    response = client.get(frame)
    assert response.status_code == 400, (name, response.status_code)


@pytest.mark.parametrize("name", sorted(TAMPERED))
def test_moderation_lists_answer_400_to_a_tampered_cursor(app, client, staff, name):
    for url in MODERATION_LISTS:
        kind = url.split("?")[0].rsplit("/", 1)[1]
        kind = {"queues": "pending"}.get(kind, kind)
        assert_bad_cursor(
            client.get(f"{url}&cursor={TAMPERED[name](kind)}", headers=staff), (url, name)
        )


def test_dashboard_pages_answer_a_400_page_to_a_tampered_cursor(app, staff):
    browser = signed_in(app, "mod@example.org")
    for path in (
        "/moderation/queue/pending",
        "/moderation/search",
        "/moderation/audit",
        "/moderation/sites/news/articles",
    ):
        for name, make in TAMPERED.items():
            response = browser.get(f"{path}?cursor={make('pending')}")
            assert response.status_code == 400, (path, name, response.status_code)
            assert "text/html" in response.content_type
            assert "cursor" in response.get_data(as_text=True), (path, name)


def test_a_real_cursor_still_pages_everywhere(app, client, staff):
    for url in READER_LISTS:
        first = client.get(url).get_json()
        second = client.get(f"{url}&cursor={first['next_cursor']}")
        assert second.status_code == 200, url
        assert second.get_json()["comments"][0]["id"] != first["comments"][0]["id"]
