"""GET /api/v1/threads?replies=N caps replies per top-level comment; /threads/replies pages on.

The default answer keeps every reply (the contract); with the cap, the replies left out are
counted and reached by cursor, and a read still costs the same number of queries whatever the
number of replies.
"""

from __future__ import annotations

import base64
import json
import random

import pytest

from app.extensions import db
from app.models import Comment, CommentStatus
from app.services.comments import change_status
from tests.factories import insert_approved_thread, make_site, post_ok
from tests.test_api_threads import ids, thread, walk
from tests.test_openapi import assert_matches_documented_response, served_spec
from tests.widget_support import (  # noqa: F401 - guest_pages: autouse fixture
    Browser,
    assert_errors_are_documented,
    guest_pages,
)


def replies_page(client, cursor, article="a1", **params):
    query = {"site": "news", "article": article, "cursor": cursor, **params}
    response = client.get("/api/v1/threads/replies", query_string=query)
    assert response.status_code == 200, response.get_json()
    return response.get_json()


def everything_under(client, top: dict, article="a1", **params) -> list[dict]:
    """Every reply under a capped top-level comment, following its cursors; checks each reply's
    parent arrived before it (on an earlier page or the same one)."""
    seen = {top["id"]} | {c["id"] for c in walk(top["replies"])}
    found = list(walk(top["replies"]))
    cursor = top["replies_cursor"]
    while cursor:
        page = replies_page(client, cursor, article, **params)
        for comment in page["comments"]:
            assert comment["parent_id"] in seen
            for reply in walk([comment]):
                seen.add(reply["id"])
                found.append(reply)
        cursor = page["next_cursor"]
        assert (cursor is None) == (page["more_replies"] == 0)
    return found


def seed_replies(app, article: str, n: int, seed: int = 3) -> None:
    """One top-level comment and ``n`` approved replies under it, each answering a random
    earlier comment of the tree, inserted straight into the database."""
    rng = random.Random(seed)
    parents = [None, *(rng.choice(range(i)) for i in range(1, n + 1))]
    body = "Reply {i} with **some** text that a reader wrote at some length, as they do."
    top_id, *_ = insert_approved_thread(app, article, parents, body, depth_cap=8)
    with app.app_context():
        db.session.get(Comment, top_id).root_id = top_id
        db.session.commit()


@pytest.fixture
def tree(app, client):
    """first: 7 replies (two nested), second: 1 reply, third: none."""
    make_site(app)
    first = post_ok(client, body="first")
    second = post_ok(client, body="second")
    post_ok(client, body="third")
    under_first = []
    for n in range(5):
        under_first.append(post_ok(client, body=f"r{n}", parent_id=first["id"])["id"])
    under_first.append(post_ok(client, body="n1", parent_id=under_first[1])["id"])
    under_first.append(post_ok(client, body="n2", parent_id=under_first[-1])["id"])
    post_ok(client, body="s0", parent_id=second["id"])
    return {"first": first["id"], "second": second["id"], "under_first": under_first}


def test_without_the_parameter_every_reply_comes_and_nothing_is_added(client, tree):
    data = thread(client)
    first = data["comments"][0]
    assert sorted(c["id"] for c in walk(first["replies"])) == sorted(tree["under_first"])
    assert "more_replies" not in first and "replies_cursor" not in first


def test_the_cap_bounds_replies_per_top_level_comment_and_counts_the_rest(client, tree):
    data = thread(client, replies=3)
    first, second, third = data["comments"]
    assert len(list(walk(first["replies"]))) == 3
    assert [c["id"] for c in walk(first["replies"])] == tree["under_first"][:3]
    assert first["more_replies"] == 4 and first["replies_cursor"]
    assert (second["more_replies"], second["replies_cursor"]) == (0, None)
    assert len(second["replies"]) == 1
    assert (third["more_replies"], third["replies_cursor"], third["replies"]) == (0, None, [])


@pytest.mark.parametrize(("cap", "limit"), [(1, 1), (2, 3), (3, 50), (7, 2)])
def test_following_the_cursors_gives_every_reply_once(client, tree, cap, limit):
    first = thread(client, replies=cap)["comments"][0]
    found = everything_under(client, first, limit=limit)
    assert sorted(c["id"] for c in found) == sorted(tree["under_first"])
    assert len(found) == len(tree["under_first"])


def test_a_removed_reply_with_replies_after_the_cap_stays_as_a_placeholder(app, client, tree):
    removed = tree["under_first"][1]  # n1 and n2 hang under it
    with app.app_context():
        change_status(db.session.get(Comment, removed), CommentStatus.REJECTED, action="t")
        db.session.commit()
    first = thread(client, replies=2)["comments"][0]
    found = everything_under(client, first, limit=2)
    placeholders = [c for c in found if c["status"] == "deleted"]
    assert [c["id"] for c in placeholders] == [removed]
    assert placeholders[0]["html"] == "<p>[deleted]</p>"
    shown = sorted(c["id"] for c in found if c["status"] != "deleted")
    assert shown == sorted(set(tree["under_first"]) - {removed})


def test_a_removed_reply_with_nothing_under_it_is_not_shown_nor_counted(app, client, tree):
    last = tree["under_first"][4]
    with app.app_context():
        change_status(db.session.get(Comment, last), CommentStatus.SPAM, action="t")
        db.session.commit()
    first = thread(client, replies=10)["comments"][0]
    assert first["more_replies"] == 0
    assert last not in ids(walk(first["replies"]))
    first = thread(client, replies=3)["comments"][0]
    assert first["more_replies"] == 3
    assert last not in [c["id"] for c in everything_under(client, first)]


def test_pending_replies_count_only_for_their_author(app, client):
    make_site(app)
    author, other = Browser(app), Browser(app)
    top = post_ok(client, body="top")
    with app.app_context():
        from app.services.sites import get_site

        get_site("news").premod = True
        db.session.commit()
    held = author.comment("held", parent_id=top["id"])
    assert held["status"] == "pending"
    mine = author.thread(replies=5)["comments"][0]
    assert ids(mine["replies"]) == [held["id"]]
    theirs = other.thread(replies=5)["comments"][0]
    assert (theirs["replies"], theirs["more_replies"]) == ([], 0)


def test_capped_reads_cost_the_same_queries_for_5_and_500_replies(app, client, count_queries):
    make_site(app)
    seed_replies(app, "small", 5)
    seed_replies(app, "large", 500)
    counts = {}
    for article in ("small", "large"):
        with count_queries() as queries:
            data = thread(client, article=article, replies=3)
        counts[article] = len(queries)
        (top,) = data["comments"]
        assert len(list(walk(top["replies"]))) == 3
        assert top["more_replies"] == (2 if article == "small" else 497)
        with count_queries() as queries:
            page = replies_page(client, top["replies_cursor"], article, limit=500)
        counts[article, "rest"] = len(queries)
        assert len(list(walk(page["comments"]))) == top["more_replies"]
    assert counts["small"] == counts["large"] <= 6
    assert counts["small", "rest"] == counts["large", "rest"] <= 3


def test_a_thousand_replies_cost_a_capped_reader_a_small_answer(app, client):
    make_site(app)
    seed_replies(app, "flood", 1000)
    full = client.get("/api/v1/threads?site=news&article=flood")
    capped = client.get("/api/v1/threads?site=news&article=flood&replies=10")
    assert len(full.data) > 300_000
    assert len(capped.data) < 10_000
    assert capped.get_json()["comments"][0]["more_replies"] == 990


def cursor_of(*values) -> str:
    return base64.urlsafe_b64encode(json.dumps(values).encode()).decode().rstrip("=")


TAMPERED_CURSORS = [
    cursor_of("replies", "0001-01-01T00:00:00+01:00", 2),  # would not convert to UTC
    cursor_of("replies", "2026-01-01T00:00:00", 2),  # naive
    cursor_of("replies", "2026-01-01T00:00:00+00:00", 10**30),
    cursor_of("replies", "2026-01-01T00:00:00+00:00", 2**31),
    cursor_of("replies", "2026-01-01T00:00:00+00:00", 1.5),
    cursor_of("replies", 20260101, 2),
    cursor_of("replies", 1, "2026-01-01T00:00:00+00:00", 2),
    cursor_of("oldest", "2026-01-01T00:00:00+00:00", 2),  # a thread cursor
    "W" * 201,
    "WyJyZXBsaWVzIiwgIjIwMjYtMDEtMDFUMDA6MDA6MDArMDA6MDAiLCAxZTQwMF0",  # 1e400
    "WwAw" * 3,
    "é",
    base64.urlsafe_b64encode(b"[" * 150).decode(),  # nested 150 deep, within the length cap
]


@pytest.mark.parametrize(
    ("path", "params", "code"),
    [
        ("/api/v1/threads", {"replies": 0}, "invalid_replies"),
        ("/api/v1/threads", {"replies": 501}, "invalid_replies"),
        ("/api/v1/threads", {"replies": "all"}, "invalid_replies"),
        ("/api/v1/threads/replies", {}, "invalid_cursor"),
        ("/api/v1/threads/replies", {"cursor": "garbage"}, "invalid_cursor"),
        ("/api/v1/threads/replies", {"cursor": "WyJyZXBsaWVzIl0"}, "invalid_cursor"),
        ("/api/v1/threads/replies", {"limit": 0, "cursor": "x"}, "invalid_cursor"),
        *(
            ("/api/v1/threads/replies", {"cursor": tampered}, "invalid_cursor")
            for tampered in TAMPERED_CURSORS
        ),
    ],
)
def test_bad_reply_parameters_are_400_with_a_code(client, tree, path, params, code):
    response = client.get(path, query_string={"site": "news", "article": "a1", **params})
    assert response.status_code == 400
    assert response.get_json()["error"]["code"] == code


def test_a_bad_limit_and_another_articles_cursor(client, tree):
    cursor = thread(client, replies=1)["comments"][0]["replies_cursor"]
    response = client.get(
        "/api/v1/threads/replies",
        query_string={"site": "news", "article": "a1", "cursor": cursor, "limit": 501},
    )
    assert response.get_json()["error"]["code"] == "invalid_limit"
    post_ok(client, body="elsewhere", article="a2")
    other = replies_page(client, cursor, article="a2")
    assert (other["comments"], other["next_cursor"], other["more_replies"]) == ([], None, 0)
    response = client.get("/api/v1/threads/replies?site=nope&article=a1&cursor=" + cursor)
    assert response.status_code == 404


def test_capped_answers_and_reply_pages_match_the_served_openapi_document(client, tree):
    spec = served_spec(client)
    capped = client.get("/api/v1/threads?site=news&article=a1&replies=1")
    assert_matches_documented_response(spec, "/api/v1/threads", "get", capped)
    cursor = capped.get_json()["comments"][0]["replies_cursor"]
    path = "/api/v1/threads/replies"
    responses = [
        client.get(f"{path}?site=news&article=a1&limit=2&cursor={cursor}"),
        client.get(f"{path}?site=news&article=a1&cursor=nope"),
        client.get(f"{path}?site=news&article=a1&limit=0&cursor={cursor}"),
        client.get(f"{path}?site=news&cursor={cursor}"),
        client.get(f"{path}?article=a1&cursor={cursor}"),
        client.get(f"{path}?site=nope&article=a1&cursor={cursor}"),
        client.get(f"{path}?site=news&article=a1&cursor={cursor}", headers={"Authorization": "x"}),
    ]
    assert_errors_are_documented(spec, path, "get", responses)
