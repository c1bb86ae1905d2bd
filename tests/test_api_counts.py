"""GET /api/v1/counts: many articles in one query, public and CORS-readable."""

from __future__ import annotations

from app.extensions import db
from app.models import Comment, CommentStatus
from app.services.articles import fit_article_key
from app.services.comments import change_status
from tests.factories import make_site, post_ok


def test_counts_for_many_articles_in_one_request(app, client, count_queries):
    make_site(app)
    for i in range(30):
        for _ in range(i % 4):
            post_ok(client, article=f"story-{i}")
    keys = [f"story-{i}" for i in range(30)] + ["never"]
    with count_queries() as queries:
        response = client.get("/api/v1/counts", query_string={"site": "news", "article": keys})
    assert response.status_code == 200
    assert response.headers["Access-Control-Allow-Origin"] == "*"
    counts = response.get_json()["counts"]
    assert counts == {**{f"story-{i}": i % 4 for i in range(30)}, "never": 0}
    assert len(queries) <= 2


def test_counts_follow_moderation(app, client):
    make_site(app)
    kept = post_ok(client)
    removed = post_ok(client)
    with app.app_context():
        change_status(db.session.get(Comment, removed["id"]), CommentStatus.REJECTED, action="t")
        db.session.commit()
    assert client.get("/api/v1/counts?site=news&article=a1").get_json() == {"counts": {"a1": 1}}
    with app.app_context():
        change_status(db.session.get(Comment, kept["id"]), CommentStatus.SPAM, action="t")
        change_status(db.session.get(Comment, removed["id"]), CommentStatus.APPROVED, action="t")
        db.session.commit()
    assert client.get("/api/v1/counts?site=news&article=a1").get_json() == {"counts": {"a1": 1}}


def test_counts_limits_and_errors(app, client):
    make_site(app)
    too_many = {"site": "news", "article": [f"k{i}" for i in range(101)]}
    response = client.get("/api/v1/counts", query_string=too_many)
    assert response.status_code == 400
    assert response.get_json()["error"]["code"] == "too_many_articles"
    exactly = {"site": "news", "article": [f"k{i}" for i in range(100)]}
    assert len(client.get("/api/v1/counts", query_string=exactly).get_json()["counts"]) == 100
    response = client.get("/api/v1/counts?site=news")
    assert response.status_code == 400
    response = client.get("/api/v1/counts?site=ghost&article=a")
    assert response.status_code == 404
    assert response.get_json()["error"]["code"] == "unknown_site"


def test_keys_are_taken_as_the_frame_takes_them_and_errors_are_cors_readable(app, client):
    make_site(app)
    post_ok(client)  # article a1
    long_url = "https://news.example/" + "x" * 600  # the frame makes such a page's key fit
    post_ok(client, article=fit_article_key(long_url))
    for keys in ([""], ["   "], ["a1", ""]):
        response = client.get("/api/v1/counts", query_string={"site": "news", "article": keys})
        assert response.status_code == 400, keys
        assert response.get_json()["error"]["code"] == "invalid_article"
        assert response.headers["Access-Control-Allow-Origin"] == "*"
    keys = {"site": "news", "article": [" a1 ", long_url, "k" * 512]}
    assert client.get("/api/v1/counts", query_string=keys).get_json() == {
        "counts": {" a1 ": 1, long_url: 1, "k" * 512: 0}
    }
    unknown = client.get("/api/v1/counts?site=ghost&article=a")
    assert unknown.status_code == 404 and unknown.headers["Access-Control-Allow-Origin"] == "*"
