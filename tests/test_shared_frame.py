"""Issue 10 "Caching": the widget frame's page is shared by every guest and served from the
shared cache (in-process, or Redis), keyed by the article's version; each reader's own state
comes in one private request (``/embed/thread/state``)."""

from __future__ import annotations

import gzip

import brotli
import pytest
import redis

from app import create_app
from app.extensions import db
from app.redis_store import init_redis
from app.shared_cache import init_shared_cache
from tests.conftest import REDIS_URL, base_config, require_or_skip
from tests.factories import FRAME_ORIGIN, bearer, make_site, make_token, make_user, post_ok
from tests.test_caching import reader_visible_changes
from tests.widget_support import Browser, guest_pages  # noqa: F401 - guest_pages: autouse fixture

HOST = "https://news.example"
QUERY = f"site=news&article=a1&origin={HOST}&url={HOST}/a1"
FRAME = f"/embed/thread?{QUERY}"
STATE = f"/embed/thread/state?{QUERY}"


def use_redis(app, flush: bool = True) -> None:
    if not REDIS_URL:
        require_or_skip("Redis tests need PARLEY_TEST_REDIS_URL, e.g. redis://127.0.0.1:6379/15")
    if flush:
        redis.Redis.from_url(REDIS_URL).flushdb()  # the tests' own Redis database
    app.config["PARLEY_REDIS_URL"] = REDIS_URL
    init_redis(app)
    init_shared_cache(app)


@pytest.fixture(params=["in-process", "redis"])
def cache_kind(request, app) -> str:
    if request.param == "redis":
        use_redis(app)
    return request.param


@pytest.fixture
def site(app, cache_kind):
    make_site(app, "news", origins=[HOST])
    make_site(app, "pre", origins=[HOST], premod=True)
    for email, name, role in (
        ("writer@example.org", "Writer", "reader"),
        ("voter@example.org", "Voter", "reader"),
        ("mod@example.org", "Mod", "moderator"),
        ("admin@example.org", "Admin", "admin"),
    ):
        make_user(app, email, name, role=role)


@pytest.fixture
def tokens(app, site):
    return {
        name: bearer(make_token(app, f"{name}@example.org"))
        for name in ("writer", "voter", "mod", "admin")
    }


def anonymous_frame(app, path: str = FRAME, **headers: str):
    """The frame as a reader who has never been here loads it (no cookie)."""
    return app.test_client().get(path, headers=headers)


def comment_queries(statements: list[str]) -> list[str]:
    return [s for s in statements if "comments" in s.lower()]


def test_a_second_guest_loading_the_frame_runs_no_thread_query(app, site, count_queries):
    post_ok(app.test_client(), body="Shared with every guest")
    first = anonymous_frame(app)
    assert first.status_code == 200
    assert "Shared with every guest" in first.get_data(as_text=True)
    with count_queries() as counter:
        second = anonymous_frame(app)
    assert second.status_code == 200
    assert second.data == first.data
    assert comment_queries(counter.statements) == []
    assert len(counter.statements) == 1  # the thread's stamp (site, article version)
    # A guest with a cookie (a returning reader) gets the same page, as cheaply.
    returning = Browser(app)
    with count_queries() as counter:
        again = returning.get(FRAME)
    assert again.data == first.data
    assert comment_queries(counter.statements) == []


def test_the_shared_frame_has_a_tag_and_answers_304_then_a_new_one_after_a_change(app, site):
    first = anonymous_frame(app)
    tag = first.headers["ETag"]
    assert tag.startswith('W/"')
    same = anonymous_frame(app, **{"If-None-Match": tag})
    assert same.status_code == 304 and same.data == b""
    post_ok(app.test_client(), body="Something new")
    changed = anonymous_frame(app, **{"If-None-Match": tag})
    assert changed.status_code == 200
    assert changed.headers["ETag"] != tag
    assert "Something new" in changed.get_data(as_text=True)
    # The page sets the reader's guest cookie: no shared cache in front may keep it.
    assert changed.headers["Cache-Control"] == "no-store"


def test_every_change_readers_can_see_shows_in_the_next_frame_load(app, site, tokens):
    client = app.test_client()
    seen = {anonymous_frame(app).headers["ETag"]}
    page = anonymous_frame(app).get_data(as_text=True)
    for change in reader_visible_changes(client, tokens):
        response = anonymous_frame(app)
        now = response.get_data(as_text=True)
        assert response.headers["ETag"] not in seen, change
        assert now != page, change
        seen.add(response.headers["ETag"])
        page = now
        if change == "post":
            assert "By the writer" in page
        elif change == "edit":
            assert "Edited" in page and "By the writer" not in page
        elif change == "vote":
            assert '<span class="score" title="Score">1</span>' in page
        elif change == "reaction":
            assert 'data-kind="like"' in page and '<span class="reaction-count">1</span>' in page
        elif change == "delete":
            assert "Edited" not in page


def test_a_moderator_approving_a_comment_shows_it_in_the_next_frame_load(app, site, tokens):
    pre = f"/embed/thread?site=pre&article=a1&origin={HOST}"
    held = post_ok(app.test_client(), site="pre", body="Held for review")
    assert held["status"] == "pending"
    assert "Held for review" not in anonymous_frame(app, pre).get_data(as_text=True)
    answer = app.test_client().post(
        f"/api/v1/moderation/comments/{held['id']}",
        json={"action": "approve"},
        headers=tokens["mod"],
    )
    assert answer.status_code == 200
    assert "Held for review" in anonymous_frame(app, pre).get_data(as_text=True)


def test_the_shared_frame_is_kept_compressed_and_holds_nothing_of_one_reader(app, site):
    post_ok(app.test_client(), body="Hello " * 400)
    for encoding, decode in (("br", brotli.decompress), ("gzip", gzip.decompress)):
        first = anonymous_frame(app, **{"Accept-Encoding": encoding})
        second = anonymous_frame(app, **{"Accept-Encoding": encoding})
        assert first.headers["Content-Encoding"] == encoding
        assert "Accept-Encoding" in first.headers["Vary"]
        assert first.data == second.data
        html = decode(first.data).decode()
        assert '<meta name="csrf-token" content="">' in html
        assert '"shared": true' in html
    plain = anonymous_frame(app)
    assert "Content-Encoding" not in plain.headers
    policy = plain.headers["Content-Security-Policy"]
    assert "script-src 'self';" in policy and f"frame-ancestors {HOST} 'self'" in policy


def test_a_readers_pending_comment_and_votes_come_in_their_private_state_only(app, site, tokens):
    query = f"site=pre&article=a1&origin={HOST}&url={HOST}/a1"
    approved = post_ok(app.test_client(), site="pre", body="Approved already")
    answer = app.test_client().post(
        f"/api/v1/moderation/comments/{approved['id']}",
        json={"action": "approve"},
        headers=tokens["mod"],
    )
    assert answer.status_code == 200
    reader = Browser(app)
    mine = reader.comment("My own words, awaiting review", site="pre")
    assert mine["status"] == "pending"
    vote = reader.post(f"/api/v1/comments/{approved['id']}/votes", json={"value": 1})
    assert vote.status_code == 200
    reaction = reader.post(
        "/api/v1/reactions", json={"site": "pre", "article": "a1", "kind": "wow"}
    )
    assert reaction.status_code == 200

    page = reader.get(f"/embed/thread?{query}").get_data(as_text=True)
    assert "My own words" not in page  # the shared page is every guest's
    state = reader.get(f"/embed/thread/state?{query}")
    assert state.status_code == 200
    assert state.headers["Cache-Control"] == "private, no-store"
    data = state.get_json()
    assert data["csrf_token"]
    assert data["votes"] == {str(approved["id"]): 1}
    assert data["reaction"] == "wow"
    assert f'id="c{mine["id"]}"' in data["own"]
    assert "My own words, awaiting review" in data["own"]
    assert '<p class="pend">' in data["own"]
    assert 'data-act="edit"' in data["own"]  # their edit window

    # The token works for the reader's next write, as the page's used to.
    token = data["csrf_token"]
    again = reader.client.post(
        "/api/v1/reactions",
        json={"site": "pre", "article": "a1", "kind": "wow"},
        headers={"X-Parley-Frame": "1", "X-CSRFToken": token, "Origin": FRAME_ORIGIN},
    )
    assert again.status_code == 200

    for other in (Browser(app), app.test_client()):
        assert "My own words" not in other.get(f"/embed/thread?{query}").get_data(as_text=True)
        theirs = other.get(f"/embed/thread/state?{query}").get_json()
        assert theirs["own"] == "" and theirs["votes"] == {} and theirs["reaction"] is None
        assert "My own words" not in str(theirs)


def test_the_token_from_the_state_works_with_the_cookie_the_frame_page_set(app, site):
    # The frame's scripts and styles are answered with the cookie they were sent, perhaps after
    # the state request: the page's own cookie must already hold what the token is checked with.
    browser = app.test_client()
    assert browser.get(FRAME).status_code == 200
    page_cookie = browser.get_cookie("parley_frame", domain="localhost").value
    token = browser.get(STATE).get_json()["csrf_token"]
    browser.set_cookie("parley_frame", page_cookie, domain="localhost")
    posted = browser.post(
        "/api/v1/comments",
        json={"site": "news", "article": "a1", "body": "Hello", "author_name": "Ada"},
        headers={"X-Parley-Frame": "1", "X-CSRFToken": token, "Origin": FRAME_ORIGIN},
    )
    assert posted.status_code == 201, posted.get_json()


def test_the_private_state_of_an_unknown_site_is_a_404(app, site):
    response = Browser(app).get("/embed/thread/state?site=nowhere&article=a1")
    assert response.status_code == 404


def test_another_process_serves_the_page_one_rendered_from_redis(
    app, site, cache_kind, count_queries
):
    if cache_kind != "redis":
        pytest.skip("processes share the cache through Redis only")
    post_ok(app.test_client(), body="Rendered once")
    first = anonymous_frame(app)
    other = create_app(base_config(app.config["SQLALCHEMY_DATABASE_URI"], app.instance_path))
    use_redis(other, flush=False)
    statements: list[str] = []
    from sqlalchemy import event

    with other.app_context():
        engine = db.engine
    event.listen(engine, "before_cursor_execute", lambda *a: statements.append(a[2]))
    second = other.test_client().get(FRAME)
    assert second.data == first.data
    assert comment_queries(statements) == []
    post_ok(app.test_client(), body="A change through the first")
    assert "A change through the first" in other.test_client().get(FRAME).get_data(as_text=True)
    with other.app_context():
        db.session.remove()
        db.engine.dispose()


def test_the_frame_renders_a_readers_own_pending_comment_for_them_alone(app, site):
    # frame.js inserts what it posts as the server renders it (one renderer for the frame).
    reader = Browser(app)
    held = reader.comment("Waiting for a moderator", site="pre")
    path = f"/embed/thread/comment/{held['id']}?site=pre&article=a1&url={HOST}/a1"
    mine = reader.get(path)
    assert mine.status_code == 200
    html = mine.get_data(as_text=True)
    assert f'id="c{held["id"]}"' in html and "Waiting for a moderator" in html
    assert '<p class="pend">' in html and 'data-act="edit"' in html
    for other in (Browser(app), app.test_client()):
        assert other.get(path).status_code == 404
