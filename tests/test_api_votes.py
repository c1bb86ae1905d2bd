"""POST /api/v1/comments/<id>/votes: one vote per reader, score kept with the vote."""

from __future__ import annotations

import sqlite3
import threading

import pytest
from sqlalchemy import select

from app.extensions import db
from app.models import Comment, CommentStatus, Role, Vote
from app.services.comments import change_status
from tests.factories import bearer, make_site, make_token, make_user, post_ok
from tests.test_openapi import served_spec
from tests.widget_support import (
    Browser,
    assert_errors_are_documented,
    guest_pages,  # noqa: F401 - autouse fixture
    rate_limited_app,
    sso_headers_refused,
)


def vote(client, comment_id, value, **kwargs):
    return client.post(f"/api/v1/comments/{comment_id}/votes", json={"value": value}, **kwargs)


def stored(app, comment_id) -> tuple[int, list[int]]:
    """The comment's score column and its votes' values."""
    with app.app_context():
        score = db.session.get(Comment, comment_id).score
        values = db.session.scalars(select(Vote.value).where(Vote.comment_id == comment_id))
        return score, sorted(values)


@pytest.fixture
def comment_id(app, client) -> int:
    make_site(app)
    make_user(app, "author@example.org", "Author")
    return post_ok(
        client, body="Vote on me", headers=bearer(make_token(app, "author@example.org"))
    )["id"]


def test_up_vote_counts_and_is_shown_as_mine(app, comment_id):
    reader = Browser(app)
    response = vote(reader, comment_id, 1)
    assert response.status_code == 200
    assert response.get_json() == {"score": 1, "mine": 1}
    assert stored(app, comment_id) == (1, [1])
    thread = reader.thread()
    assert thread["comments"][0]["score"] == 1
    assert thread["viewer"]["votes"] == {str(comment_id): 1}


def test_changing_a_vote_replaces_it_and_zero_removes_it(app, comment_id):
    reader = Browser(app)
    vote(reader, comment_id, 1)
    assert vote(reader, comment_id, -1).get_json() == {"score": -1, "mine": -1}
    assert stored(app, comment_id) == (-1, [-1])
    assert vote(reader, comment_id, -1).get_json() == {"score": -1, "mine": -1}  # no double vote
    assert vote(reader, comment_id, 0).get_json() == {"score": 0, "mine": 0}
    assert stored(app, comment_id) == (0, [])
    assert vote(reader, comment_id, 0).get_json() == {"score": 0, "mine": 0}
    assert reader.thread()["viewer"]["votes"] == {}


def test_score_is_the_sum_of_every_readers_vote(app, client, comment_id):
    make_user(app, "reader@example.org", "Reader")
    token = make_token(app, "reader@example.org")
    readers = [Browser(app) for _ in range(3)]
    for reader, value in zip(readers, (1, 1, -1), strict=True):
        vote(reader, comment_id, value)
    vote(client, comment_id, 1, headers=bearer(token))
    last = vote(client, comment_id, 1)  # cookie-less: one vote for this IP address
    assert last.get_json() == {"score": 3, "mine": 1}
    assert stored(app, comment_id) == (3, [-1, 1, 1, 1, 1])
    by_top = client.get("/api/v1/threads?site=news&article=a1&sort=top").get_json()
    assert by_top["comments"][0]["score"] == 3


def test_voting_on_your_own_comment_is_refused(app, client, comment_id):
    author = bearer(make_token(app, "author@example.org"))
    response = vote(client, comment_id, 1, headers=author)
    assert response.status_code == 403
    assert response.get_json()["error"]["code"] == "own_comment"
    guest = Browser(app)
    own = guest.comment("my own words")
    refused = vote(guest, own["id"], 1)
    assert refused.status_code == 403
    assert refused.get_json()["error"]["code"] == "own_comment"
    assert stored(app, comment_id) == (0, [])
    assert stored(app, own["id"]) == (0, [])


@pytest.mark.parametrize("status", [CommentStatus.PENDING, CommentStatus.REJECTED])
def test_only_approved_comments_can_be_voted_on(app, client, comment_id, status):
    with app.app_context():
        change_status(db.session.get(Comment, comment_id), status, action="test")
        db.session.commit()
    response = vote(client, comment_id, 1)
    assert response.status_code == 404
    assert response.get_json()["error"]["code"] == "unknown_comment"
    missing = vote(client, 999_999, 1)
    assert missing.status_code == 404
    assert missing.get_json()["error"]["code"] == "unknown_comment"


@pytest.mark.parametrize("value", [2, -2, "1", True, None, 0.5, [1]])
def test_bad_vote_values_are_refused(app, client, comment_id, value):
    response = vote(client, comment_id, value)
    assert response.status_code == 400
    assert response.get_json()["error"]["code"] == "invalid_vote"
    assert stored(app, comment_id) == (0, [])


def test_every_documented_error_occurs_and_fits_the_spec(app, client, comment_id):
    guest = Browser(app)
    own = guest.comment("mine")["id"]
    spec = served_spec(client)
    url = f"/api/v1/comments/{comment_id}/votes"
    with app.app_context():
        held = post_ok(app.test_client(), body="held")["id"]
        change_status(db.session.get(Comment, held), CommentStatus.PENDING, action="test")
        db.session.commit()
    cases = [
        vote(client, comment_id, 3),
        client.post(url, data="[]", content_type="application/json"),
        client.post(url, data="value=1"),
        client.post(
            url, data="x" * (app.config["MAX_CONTENT_LENGTH"] + 1), content_type="application/json"
        ),
        vote(client, comment_id, 1, headers=bearer("pk_unknown")),
        vote(guest.client, comment_id, 1, headers={"X-Parley-Frame": "1"}),
        vote(guest, own, 1),
        vote(client, comment_id, 1, environ_base={"REMOTE_ADDR": ""}),
        vote(client, held, 1),
        vote(client, comment_id, 1),
        *(vote(client, comment_id, 1, headers=h) for h in sso_headers_refused(app)),
    ]
    path = "/api/v1/comments/{comment_id}/votes"
    assert_errors_are_documented(spec, path, "post", cases)


def test_votes_are_rate_limited_but_staff_are_exempt(app):
    with rate_limited_app(app, PARLEY_VOTE_RATE="2/minute") as limited:
        make_site(limited)
        make_user(limited, "mod@example.org", "Mod", Role.MODERATOR)
        staff = bearer(make_token(limited, "mod@example.org"))
        client = limited.test_client()
        target = post_ok(client, body="Vote on me", author_name="Someone")["id"]
        answers = [vote(client, target, value).status_code for value in (1, -1, 1)]
        assert answers == [200, 200, 429]
        assert [vote(client, target, 1, headers=staff).status_code for _ in range(4)] == [200] * 4


def test_readers_voting_at_the_same_moment_all_count(app, comment_id):
    """Each vote sets the score to its own count of the votes; two counted before either
    committed, the later one wrote a score without the earlier vote (a lost update)."""
    tokens = []
    for n in range(12):
        make_user(app, f"reader{n}@example.org", f"Reader {n}")
        tokens.append(make_token(app, f"reader{n}@example.org"))
    start = threading.Barrier(len(tokens))
    answers = []

    def vote_as(token: str) -> None:
        start.wait()
        answers.append(vote(app.test_client(), comment_id, 1, headers=bearer(token)).status_code)

    voters = [threading.Thread(target=vote_as, args=(token,)) for token in tokens]
    for voter in voters:
        voter.start()
    for voter in voters:
        voter.join(timeout=60)
    assert answers == [200] * len(tokens)
    assert stored(app, comment_id) == (len(tokens), [1] * len(tokens))


def test_a_vote_while_another_sqlite_writer_holds_on_is_a_503_not_a_500(
    app, backend, database_url, comment_id
):
    """SQLite's one write lock, taken before the vote counts (begin_writing), waits for the
    busy timeout; past it "database is locked" is a 503 service_unavailable, as any database
    error is, never the unexpected-error 500."""
    if backend != "sqlite":
        pytest.skip("SQLite's write lock")
    holder = sqlite3.connect(database_url.removeprefix("sqlite:///"), isolation_level=None)
    try:
        holder.execute("BEGIN IMMEDIATE")
        response = vote(Browser(app), comment_id, 1)
    finally:
        holder.close()
    assert response.status_code == 503
    assert response.get_json()["error"]["code"] == "service_unavailable"
    assert stored(app, comment_id) == (0, [])
