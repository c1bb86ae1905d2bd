"""The reader's own state in a thread read: who they are, their reaction, their votes."""

from __future__ import annotations

from sqlalchemy import select

from app.extensions import db
from app.models import Article, Reaction, ReactionKind, Role, Vote
from app.services.identity import Viewer, hash_guest_id, hash_ip
from app.services.viewer_state import load_viewer_state
from tests.factories import bearer, make_site, make_token, make_user, post_ok, seed_thread
from tests.test_openapi import assert_matches_documented_response, served_spec
from tests.widget_support import Browser, guest_pages, walk  # noqa: F401 - guest_pages: autouse fixture


def article_id(app, key: str) -> int:
    with app.app_context():
        return db.session.scalar(select(Article.id).where(Article.key == key))


def add_choices(app, key: str, actor: str, votes: dict[int, int], kind: ReactionKind | None):
    with app.app_context():
        db.session.add_all(Vote(comment_id=cid, voter=actor, value=v) for cid, v in votes.items())
        if kind is not None:
            db.session.add(Reaction(article_id=article_id(app, key), reactor=actor, kind=kind))
        db.session.commit()


def test_state_for_a_long_thread_costs_two_queries(app, count_queries):
    make_site(app)
    ids = seed_thread(app, 500, article="long")
    guest = Viewer(guest_key=hash_guest_id("reader"), ip="192.0.2.1")
    add_choices(app, "long", guest.actor_key, {ids[3]: 1, ids[400]: -1}, ReactionKind.SAD)
    add_choices(app, "long", "g:someone-else", {ids[3]: -1, ids[5]: 1}, ReactionKind.LIKE)
    with app.app_context():
        with count_queries() as queries:
            state = load_viewer_state(article_id(app, "long"), ids, guest)
    assert len(queries) <= 2 + 1  # + the article id lookup made by this test itself
    assert state.reaction == ReactionKind.SAD
    assert state.votes == {ids[3]: 1, ids[400]: -1}


def test_state_covers_only_the_comments_asked_for(app):
    make_site(app)
    ids = seed_thread(app, 20, article="t")
    guest = Viewer(guest_key=hash_guest_id("reader"))
    add_choices(app, "t", guest.actor_key, {ids[1]: 1, ids[2]: 1}, None)
    with app.app_context():
        state = load_viewer_state(article_id(app, "t"), [ids[2]], guest)
    assert state.votes == {ids[2]: 1}
    assert state.reaction is None


def test_no_state_for_an_unknown_article_or_a_cookie_less_client(app, count_queries):
    make_site(app)
    ids = seed_thread(app, 5, article="t")
    by_ip = Viewer(ip="192.0.2.1", ip_key=hash_ip("192.0.2.1", "test-secret"))
    add_choices(app, "t", by_ip.actor_key, {ids[0]: 1}, ReactionKind.WOW)
    with app.app_context():
        with count_queries() as queries:
            unknown = load_viewer_state(None, [], Viewer(guest_key="k"))
            anonymous = load_viewer_state(article_id(app, "t"), ids, by_ip)
    assert (unknown.reaction, unknown.votes) == (None, {})
    assert (anonymous.reaction, anonymous.votes) == (None, {})
    assert len(queries) == 1  # only this test's article lookup


def test_thread_read_with_viewer_state_costs_the_same_for_5_and_500_comments(app, count_queries):
    make_site(app)
    small, large = seed_thread(app, 5, article="small"), seed_thread(app, 500, article="large")
    guest = Browser(app)
    actor = f"g:{hash_guest_id(guest.guest_id)}"
    add_choices(app, "small", actor, {small[1]: 1}, ReactionKind.LOVE)
    add_choices(app, "large", actor, {large[1]: 1, large[499]: -1}, ReactionKind.LOVE)
    counts = {}
    for key, ids in (("small", small), ("large", large)):
        with count_queries() as queries:
            data = guest.thread(article=key, limit=500)
        counts[key] = len(queries)
        assert sum(1 for _ in walk(data["comments"])) == len(ids)
        assert data["viewer"]["reaction"] == "love"
    assert data["viewer"]["votes"] == {str(large[1]): 1, str(large[499]): -1}
    assert counts["small"] == counts["large"]
    assert counts["large"] <= 8


def test_viewer_block_describes_a_signed_in_moderator(app, client):
    make_site(app)
    make_user(app, "mod@example.org", "Mod", Role.MODERATOR)
    token = make_token(app, "mod@example.org")
    post_ok(client, body="Anyone?")
    viewer = client.get("/api/v1/threads?site=news&article=a1", headers=bearer(token)).get_json()[
        "viewer"
    ]
    assert viewer["name"] == "Mod"
    assert viewer["badge"] == "moderator"
    assert viewer["signed_in"] is True
    assert (
        viewer["avatar_url"]
        == post_ok(client, body="me", headers=bearer(token))["author"]["avatar_url"]
    )
    assert "mod@example.org" not in str(viewer)


def test_viewer_block_describes_a_guest(app):
    make_site(app)
    guest = Browser(app)
    viewer = guest.thread(article="nothing-yet")["viewer"]
    assert viewer["name"] is None
    assert viewer["badge"] is None
    assert viewer["signed_in"] is False
    assert viewer["avatar_url"].endswith(".svg")
    assert (viewer["reaction"], viewer["votes"]) == (None, {})


def test_own_fields_appear_only_on_the_viewers_comments(app):
    make_site(app)
    author, other = Browser(app), Browser(app)
    top = other.comment("Theirs")
    reply = author.comment("Mine", parent_id=top["id"])
    comments = list(walk(author.thread()["comments"]))
    by_id = {c["id"]: c for c in comments}
    assert "own" not in by_id[top["id"]] and "editable_until" not in by_id[top["id"]]
    assert by_id[reply["id"]]["own"] is True
    assert by_id[reply["id"]]["editable_until"].endswith("Z")


def test_thread_read_with_viewer_and_own_fields_fits_the_documented_schema(app, client):
    make_site(app)
    author = Browser(app)
    spec = served_spec(client)
    top = author.comment("Mine")
    other = post_ok(client, body="Someone else's", parent_id=top["id"])
    author.post(f"/api/v1/comments/{other['id']}/votes", json={"value": -1})
    author.post("/api/v1/reactions", json={"site": "news", "article": "a1", "kind": "haha"})
    response = author.get("/api/v1/threads?site=news&article=a1")
    assert_matches_documented_response(spec, "/api/v1/threads", "get", response)
    data = response.get_json()
    assert data["viewer"]["votes"] == {str(other["id"]): -1}
    assert data["comments"][0]["own"] is True
    properties = spec["components"]["schemas"]["Comment"]["properties"]
    assert {"own", "editable_until"} <= set(properties)
    assert "viewer" in spec["components"]["schemas"]["Thread"]["properties"]
