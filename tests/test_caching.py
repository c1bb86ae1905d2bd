"""Contract v1.1 "Caching": ETag, Cache-Control and 304 for anonymous reads, private answers for
identified readers, and a new ETag after every change readers can see (articles.version)."""

from __future__ import annotations

import gzip

import brotli
import pytest
from sqlalchemy import select

from app.extensions import db
from app.models import Article
from tests.factories import bearer, make_site, make_token, make_user, post_ok

THREAD = {"site": "news", "article": "a1"}
COUNTS = {"site": "news", "article": ["a1", "a2"]}


@pytest.fixture
def site(app):
    make_site(app, "news")
    make_user(app, "writer@example.org", "Writer")
    make_user(app, "voter@example.org", "Voter")
    make_user(app, "mod@example.org", "Mod", role="moderator")
    make_user(app, "admin@example.org", "Admin", role="admin")


@pytest.fixture
def tokens(app, site):
    return {
        name: bearer(make_token(app, f"{name}@example.org"))
        for name in ("writer", "voter", "mod", "admin")
    }


def version(app, key: str = "a1") -> int:
    with app.app_context():
        return db.session.scalar(select(Article.version).where(Article.key == key))


def test_anonymous_thread_is_public_tagged_and_304_on_a_matching_tag(client, site):
    post_ok(client, body="First")
    response = client.get("/api/v1/threads", query_string=THREAD)
    assert response.status_code == 200
    cache_control = response.headers["Cache-Control"]
    assert cache_control.startswith("public, max-age=")
    assert "stale-while-revalidate=" in cache_control
    tag = response.headers["ETag"]
    assert tag.startswith('W/"')
    again = client.get("/api/v1/threads", query_string=THREAD, headers={"If-None-Match": tag})
    assert again.status_code == 304
    assert again.data == b""
    assert again.headers["ETag"] == tag
    other = client.get(
        "/api/v1/threads", query_string={**THREAD, "sort": "newest"}, headers={"If-None-Match": tag}
    )
    assert other.status_code == 200 and other.headers["ETag"] != tag


def test_cached_thread_is_the_same_answer_as_a_fresh_one(client, site):
    for i in range(3):
        post_ok(client, body=f"Comment {i}")
    first = client.get("/api/v1/threads", query_string=THREAD).get_json()
    second = client.get("/api/v1/threads", query_string=THREAD).get_json()
    assert first == second
    assert [c["html"] for c in first["comments"]] == [f"<p>Comment {i}</p>" for i in range(3)]


def test_identified_readers_get_private_answers(client, tokens):
    post_ok(client, body="Hello")
    for path, query in (("/api/v1/threads", THREAD), ("/api/v1/counts", COUNTS)):
        response = client.get(path, query_string=query, headers=tokens["voter"])
        assert response.status_code == 200
        assert response.headers["Cache-Control"] == "private, no-store"
        assert "ETag" not in response.headers
    client.set_cookie("parley_session", "x", domain="localhost")
    response = client.get("/api/v1/threads", query_string=THREAD)
    assert response.headers["Cache-Control"] == "private, no-store"


def test_a_readers_pending_comment_never_reaches_the_shared_cache(app, client, tokens):
    client.get("/api/v1/threads", query_string=THREAD)  # an anonymous page, now cached
    with app.app_context():
        from app.services.site_settings import apply_site_settings

        apply_site_settings("news", {"premod": True}, None)
    post_ok(client, body="Held for review", headers=tokens["writer"])
    own = client.get("/api/v1/threads", query_string=THREAD, headers=tokens["writer"]).get_json()
    assert [c["status"] for c in own["comments"]] == ["pending"]
    public = client.get("/api/v1/threads", query_string=THREAD).get_json()
    assert public["comments"] == []


def test_counts_are_public_tagged_and_304_until_a_count_changes(client, site):
    response = client.get("/api/v1/counts", query_string=COUNTS)
    assert response.headers["Cache-Control"].startswith("public, max-age=")
    assert response.headers["Access-Control-Allow-Origin"] == "*"
    tag = response.headers["ETag"]
    same = client.get("/api/v1/counts", query_string=COUNTS, headers={"If-None-Match": tag})
    assert same.status_code == 304
    post_ok(client, body="New", article="a2")
    changed = client.get("/api/v1/counts", query_string=COUNTS, headers={"If-None-Match": tag})
    assert changed.status_code == 200
    assert changed.get_json() == {"counts": {"a1": 0, "a2": 1}}


def reader_visible_changes(client, tokens):
    """Each change readers can see, made through the API; yields its name after making it."""
    mine = post_ok(client, body="By the writer", headers=tokens["writer"])
    yield "post"
    other = post_ok(client, body="By a guest")
    yield "second post"
    path = f"/api/v1/comments/{mine['id']}"
    assert client.patch(path, json={"body": "Edited"}, headers=tokens["writer"]).status_code == 200
    yield "edit"
    vote = client.post(
        f"/api/v1/comments/{other['id']}/votes", json={"value": 1}, headers=tokens["voter"]
    )
    assert vote.status_code == 200
    yield "vote"
    react = client.post(
        "/api/v1/reactions", json={**THREAD, "kind": "like"}, headers=tokens["voter"]
    )
    assert react.status_code == 200
    yield "reaction"
    for action in ("feature", "unfeature", "reject", "restore", "spam"):
        answer = client.post(
            f"/api/v1/moderation/comments/{other['id']}",
            json={"action": action},
            headers=tokens["mod"],
        )
        assert answer.status_code == 200, answer.get_json()
        yield f"moderation {action}"
    closing = client.post(
        "/api/v1/moderation/articles", json={**THREAD, "closed": True}, headers=tokens["mod"]
    )
    assert closing.status_code == 200
    yield "article closed"
    assert client.delete(path, headers=tokens["writer"]).status_code == 200
    yield "delete"


def test_every_visible_change_bumps_the_version_and_changes_the_etag(app, client, tokens):
    seen_tags = set()
    before = 0
    for change in reader_visible_changes(client, tokens):
        after = version(app)
        assert after > before, f"{change} did not bump the article's version"
        before = after
        response = client.get("/api/v1/threads", query_string=THREAD)
        tag = response.headers["ETag"]
        assert tag not in seen_tags, f"{change} left the ETag unchanged"
        seen_tags.add(tag)


def test_a_site_setting_bumps_every_article_of_the_site(app, client, site):
    post_ok(client, article="a1")
    post_ok(client, article="a2")
    before = (version(app, "a1"), version(app, "a2"))
    with app.app_context():
        from app.services.site_settings import apply_site_settings

        apply_site_settings("news", {"close_after_days": 3}, None)
    assert version(app, "a1") > before[0] and version(app, "a2") > before[1]


def test_a_refused_change_rolls_back_and_bumps_nothing(app, client, tokens):
    mine = post_ok(client, body="Mine", headers=tokens["writer"])
    before = version(app)
    own_vote = client.post(
        f"/api/v1/comments/{mine['id']}/votes", json={"value": 1}, headers=tokens["writer"]
    )
    assert own_vote.status_code == 403
    assert version(app) == before


@pytest.mark.parametrize(
    ("encoding", "decode"), [("gzip", gzip.decompress), ("br", brotli.decompress)]
)
def test_answers_are_compressed_as_the_client_accepts(app, client, site, encoding, decode):
    from tests.factories import seed_thread

    seed_thread(app, 60, article="a1")
    plain = client.get("/api/v1/threads", query_string=THREAD)
    assert "Content-Encoding" not in plain.headers
    for _ in range(2):  # built, then served from the shared cache
        packed = client.get(
            "/api/v1/threads",
            query_string=THREAD,
            headers={"Accept-Encoding": f"{encoding}, deflate"},
        )
        assert packed.headers["Content-Encoding"] == encoding
        assert "Accept-Encoding" in packed.headers["Vary"]
        assert decode(packed.data) == plain.data
        assert len(packed.data) < len(plain.data) / 3
    frame = client.get(
        "/embed/thread",
        query_string={**THREAD, "url": "https://news.example/a"},
        headers={"Accept-Encoding": encoding},
    )
    assert frame.headers["Content-Encoding"] == encoding
    assert b"<!doctype html>" in decode(frame.data)


def test_compression_off_when_a_proxy_does_it(app, client, site):
    from tests.factories import seed_thread

    seed_thread(app, 60, article="a1")
    app.config["PARLEY_COMPRESSION"] = False
    response = client.get(
        "/api/v1/threads", query_string=THREAD, headers={"Accept-Encoding": "gzip, br"}
    )
    assert "Content-Encoding" not in response.headers
    assert response.get_json()["article"]["comment_count"] == 60


def vary_of(response) -> set[str]:
    return {h.strip().lower() for h in response.headers.get("Vary", "").split(",") if h.strip()}


IDENTITY = {"cookie", "authorization", "x-parley-sso", "x-parley-frame"}


def test_every_reader_answer_varies_on_what_decides_who_it_is_for(client, tokens):
    """A shared cache keys what it stores on Vary: an anonymous answer stored for a request
    without cookies must never be served to a request with a reader's cookie, token or SSO
    token (nor a compressed one to a client that cannot read it)."""
    post_ok(client, body="Hello")
    for path, query in (("/api/v1/threads", THREAD), ("/api/v1/counts", COUNTS)):
        public = client.get(path, query_string=query)
        assert public.headers["Cache-Control"].startswith("public")
        assert IDENTITY | {"accept-encoding"} <= vary_of(public)
        tag = {"If-None-Match": public.headers["ETag"]}
        unchanged = client.get(path, query_string=query, headers=tag)
        assert unchanged.status_code == 304
        assert IDENTITY | {"accept-encoding"} <= vary_of(unchanged)
        for who in (tokens["voter"], {"X-Parley-SSO": "not-a-token"}):
            answer = client.get(path, query_string=query, headers=who)
            if answer.status_code == 200:
                assert answer.headers["Cache-Control"] == "private, no-store"
                assert IDENTITY <= vary_of(answer)
    client.set_cookie("parley_session", "x", domain="localhost")
    signed = client.get("/api/v1/threads", query_string=THREAD)
    assert signed.headers["Cache-Control"] == "private, no-store"
    assert IDENTITY <= vary_of(signed)


def public_author(client) -> tuple[str, dict]:
    """The anonymous thread's ETag and its first comment's author."""
    response = client.get("/api/v1/threads", query_string=THREAD)
    return response.headers["ETag"], response.get_json()["comments"][0]["author"]


def test_a_readers_new_display_name_reaches_the_public_thread(app, client, tokens):
    post_ok(client, body="Mine", headers=tokens["writer"])
    tag, author = public_author(client)
    assert author["name"] == "Writer"
    renamed = client.patch("/api/v1/me", json={"name": "Writer Renamed"}, headers=tokens["writer"])
    assert renamed.status_code == 200
    new_tag, author = public_author(client)
    assert author["name"] == "Writer Renamed" and new_tag != tag


def test_an_sso_readers_new_profile_reaches_the_public_thread(app, client, site):
    from tests.test_sso import SECRET, hs256

    with app.app_context():
        from app.services.sites import get_site
        from app.services.sso import configure

        configure(get_site("news"), secret=SECRET)
    post_ok(client, body="Mine", headers={"X-Parley-SSO": hs256()})
    tag, author = public_author(client)
    assert author["name"] == "Sam Subscriber" and author["badge"] is None
    token = hs256(name="Sam Renamed", badge="subscriber")
    assert client.get("/api/v1/me", headers={"X-Parley-SSO": token}).status_code == 200
    new_tag, author = public_author(client)
    assert author["name"] == "Sam Renamed" and author["badge"] == "subscriber"
    assert new_tag != tag


def test_a_deleted_account_leaves_the_public_threads_it_was_in(app, client, tokens):
    """Its comment is on another article than its vote and reaction: each thread changes."""
    elsewhere = {"site": "news", "article": "a2"}
    other = post_ok(client, body="By a guest")
    post_ok(client, body="By the voter", article="a2", headers=tokens["voter"])
    vote = client.post(
        f"/api/v1/comments/{other['id']}/votes", json={"value": 1}, headers=tokens["voter"]
    )
    assert vote.status_code == 200
    react = client.post(
        "/api/v1/reactions", json={**THREAD, "kind": "wow"}, headers=tokens["voter"]
    )
    assert react.status_code == 200
    before = client.get("/api/v1/threads", query_string=THREAD)
    assert before.get_json()["article"]["reactions"]["wow"] == 1
    before_elsewhere = client.get("/api/v1/threads", query_string=elsewhere)
    gone = client.delete(
        "/api/v1/me", json={"password": "correct horse battery"}, headers=tokens["voter"]
    )
    assert gone.status_code == 204
    after = client.get("/api/v1/threads", query_string=THREAD)
    assert after.headers["ETag"] != before.headers["ETag"]
    thread = after.get_json()
    assert thread["article"]["reactions"]["wow"] == 0
    scores = {c["id"]: c["score"] for c in thread["comments"]}
    assert scores[other["id"]] == 0
    after_elsewhere = client.get("/api/v1/threads", query_string=elsewhere)
    assert after_elsewhere.headers["ETag"] != before_elsewhere.headers["ETag"]
    assert "Voter" not in {c["author"]["name"] for c in after_elsewhere.get_json()["comments"]}


@pytest.mark.parametrize(
    ("extra", "code"),
    [
        ({"limit": "0"}, "invalid_limit"),
        ({"sort": "sideways"}, "invalid_sort"),
        ({"cursor": "not-a-cursor"}, "invalid_cursor"),
        ({"replies": "-1"}, "invalid_replies"),
    ],
)
def test_bad_input_is_a_400_even_with_if_none_match_star(client, site, extra, code):
    post_ok(client, body="First")
    for _ in range(2):  # the second one may be replayed by app.fast_reads
        response = client.get(
            "/api/v1/threads", query_string={**THREAD, **extra}, headers={"If-None-Match": "*"}
        )
        assert response.status_code == 400
        assert response.get_json()["error"]["code"] == code
