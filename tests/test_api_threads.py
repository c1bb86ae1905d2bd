"""GET /api/v1/threads: nesting, ordering, pagination, placeholders, privacy, query count."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from app.extensions import db
from app.models import Comment, CommentStatus, Role
from app.services.comments import change_status
from tests.factories import bearer, make_site, make_token, make_user, post_ok, seed_thread


def thread(client, article="a1", **params):
    query = {"site": "news", "article": article, **params}
    response = client.get("/api/v1/threads", query_string=query)
    assert response.status_code == 200, response.get_json()
    return response.get_json()


def ids(comments):
    return [c["id"] for c in comments]


def walk(comments):
    for comment in comments:
        yield comment
        yield from walk(comment["replies"])


def test_replies_nest_under_their_parents_in_time_order(app, client):
    make_site(app)
    first = post_ok(client, body="first")
    second = post_ok(client, body="second")
    reply_a = post_ok(client, body="reply a", parent_id=first["id"])
    reply_b = post_ok(client, body="reply b", parent_id=first["id"])
    nested = post_ok(client, body="nested", parent_id=reply_a["id"])

    data = thread(client)
    assert ids(data["comments"]) == [first["id"], second["id"]]
    top = data["comments"][0]
    assert ids(top["replies"]) == [reply_a["id"], reply_b["id"]]
    assert ids(top["replies"][0]["replies"]) == [nested["id"]]
    assert top["replies"][0]["parent_id"] == first["id"]
    assert data["article"]["comment_count"] == 5


def test_sort_newest_and_top(app, client):
    make_site(app)
    a = post_ok(client, body="a")
    b = post_ok(client, body="b")
    c = post_ok(client, body="c")
    with app.app_context():
        db.session.get(Comment, b["id"]).score = 5
        db.session.get(Comment, a["id"]).score = 2
        db.session.commit()
    assert ids(thread(client, sort="newest")["comments"]) == [c["id"], b["id"], a["id"]]
    assert ids(thread(client, sort="top")["comments"]) == [b["id"], a["id"], c["id"]]


@pytest.mark.parametrize("sort", ["oldest", "newest", "top"])
def test_cursor_pagination_visits_every_top_level_comment_once(app, client, sort):
    make_site(app)
    seed_thread(app, 60, article="paged")
    with app.app_context():
        expected = set(
            db.session.scalars(select(Comment.id).where(Comment.parent_id.is_(None))).all()
        )
    seen, cursor, pages = [], None, 0
    while True:
        params = {"limit": 7, "sort": sort}
        if cursor:
            params["cursor"] = cursor
        data = thread(client, article="paged", **params)
        assert len(data["comments"]) <= 7
        seen.extend(ids(data["comments"]))
        cursor = data["next_cursor"]
        pages += 1
        if cursor is None:
            break
    assert len(seen) == len(set(seen)) == len(expected)
    assert set(seen) == expected
    assert pages == -(-len(expected) // 7)


def test_each_page_carries_all_replies_of_its_comments(app, client):
    make_site(app)
    seed_thread(app, 80, article="deep")
    data = thread(client, article="deep", limit=500)
    assert sum(1 for _ in walk(data["comments"])) == 80


def test_deleted_parent_with_replies_stays_as_placeholder(app, client):
    make_site(app)
    parent = post_ok(client, body="secret parent text", author_name="Alice")
    reply = post_ok(client, body="still here", parent_id=parent["id"])
    lonely = post_ok(client, body="lonely removed")
    with app.app_context():
        change_status(db.session.get(Comment, parent["id"]), CommentStatus.DELETED, action="t")
        change_status(db.session.get(Comment, lonely["id"]), CommentStatus.REJECTED, action="t")
        db.session.commit()

    data = thread(client)
    assert ids(data["comments"]) == [parent["id"]]
    placeholder = data["comments"][0]
    assert placeholder["status"] == "deleted"
    assert placeholder["author"]["name"] == "[deleted]"
    assert "secret parent text" not in str(data)
    assert "Alice" not in str(data)
    assert "lonely removed" not in str(data)
    assert ids(placeholder["replies"]) == [reply["id"]]
    assert data["article"]["comment_count"] == 1


def test_removed_chain_without_visible_replies_disappears(app, client):
    make_site(app)
    parent = post_ok(client, body="parent")
    child = post_ok(client, body="child", parent_id=parent["id"])
    with app.app_context():
        for cid in (parent["id"], child["id"]):
            change_status(db.session.get(Comment, cid), CommentStatus.SPAM, action="t")
        db.session.commit()
    data = thread(client)
    assert data["comments"] == []
    assert data["article"]["comment_count"] == 0


def test_thread_read_costs_the_same_queries_for_5_and_500_comments(app, client, count_queries):
    make_site(app)
    seed_thread(app, 5, article="small")
    seed_thread(app, 500, article="large")
    counts = {}
    for article in ("small", "large"):
        with count_queries() as queries:
            data = thread(client, article=article, limit=500)
        counts[article] = len(queries)
        assert sum(1 for _ in walk(data["comments"])) == (5 if article == "small" else 500)
    assert counts["small"] == counts["large"]
    assert counts["large"] <= 6


def test_unknown_site_is_404_and_new_article_is_empty(app, client):
    make_site(app)
    response = client.get("/api/v1/threads?site=nope&article=x")
    assert response.status_code == 404
    assert response.get_json()["error"]["code"] == "unknown_site"
    data = thread(client, article="never-commented")
    assert data["comments"] == [] and data["next_cursor"] is None
    assert data["article"]["comment_count"] == 0
    assert data["article"]["key"] == "never-commented"
    assert set(data["article"]["reactions"]) == {"like", "love", "haha", "wow", "sad", "angry"}


@pytest.mark.parametrize(
    ("params", "code"),
    [
        ({"limit": 0}, "invalid_limit"),
        ({"limit": 501}, "invalid_limit"),
        ({"limit": "ten"}, "invalid_limit"),
        ({"sort": "random"}, "invalid_sort"),
        ({"cursor": "not-a-cursor"}, "invalid_cursor"),
        ({"article": ""}, "invalid_article"),
        ({"article": "k" * 513}, "invalid_article"),
        ({"site": ""}, "invalid_site"),
    ],
)
def test_bad_thread_parameters_are_400_with_a_code(app, client, params, code):
    make_site(app)
    query = {"site": "news", "article": "a1", **params}
    response = client.get("/api/v1/threads", query_string=query)
    assert response.status_code == 400
    assert response.get_json()["error"]["code"] == code
    assert response.get_json()["error"]["message"]


def test_cursor_of_one_sort_is_refused_by_another(app, client):
    make_site(app)
    seed_thread(app, 10, article="c")
    cursor = thread(client, article="c", limit=2)["next_cursor"]
    response = client.get(
        "/api/v1/threads",
        query_string={"site": "news", "article": "c", "sort": "top", "cursor": cursor},
    )
    assert response.status_code == 400
    assert response.get_json()["error"]["code"] == "invalid_cursor"


def test_emails_and_ips_never_reach_readers(app, client):
    make_site(app)
    seed_thread(app, 20, article="private")
    post_ok(client, article="private", body="hi", author_email="me@secret.example")
    raw = client.get("/api/v1/threads?site=news&article=private&limit=500").get_data(as_text=True)
    assert "@private.example" not in raw and "secret.example" not in raw
    assert "203.0.113.9" not in raw and "127.0.0.1" not in raw


def test_premod_comment_is_pending_and_shown_only_to_its_author(app, client):
    make_site(app, premod=True)
    make_user(app, "author@example.org", "Author")
    make_user(app, "other@example.org", "Other")
    author, other = make_token(app, "author@example.org"), make_token(app, "other@example.org")
    created = post_ok(client, body="held for review", headers=bearer(author))
    assert created["status"] == "pending"

    as_author = client.get("/api/v1/threads?site=news&article=a1", headers=bearer(author))
    as_other = client.get("/api/v1/threads?site=news&article=a1", headers=bearer(other))
    anonymous = client.get("/api/v1/threads?site=news&article=a1")
    assert [c["status"] for c in as_author.get_json()["comments"]] == ["pending"]
    assert as_other.get_json()["comments"] == []
    assert anonymous.get_json()["comments"] == []
    assert anonymous.get_json()["article"]["comment_count"] == 0


def test_staff_comments_carry_a_badge(app, client):
    make_site(app)
    make_user(app, "mod@example.org", "Mod", role=Role.MODERATOR)
    token = make_token(app, "mod@example.org")
    created = post_ok(client, body="from the desk", headers=bearer(token))
    assert created["author"] == {
        "name": "Mod",
        "avatar_url": created["author"]["avatar_url"],
        "badge": "moderator",
    }
    assert thread(client)["comments"][0]["author"]["badge"] == "moderator"


def test_avatar_urls_are_absolute_and_served(app, client):
    make_site(app)
    created = post_ok(client, body="x", author_name="Zed")
    url = created["author"]["avatar_url"]
    assert url.startswith("http://localhost/avatars/")
    response = client.get(url.removeprefix("http://localhost"))
    assert response.status_code == 200
    assert response.mimetype == "image/svg+xml"
    assert "immutable" in response.headers["Cache-Control"]
