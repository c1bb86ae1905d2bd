"""The moderation API: every route's role boundaries, the contract's shapes, audit, and that
rejected or spam text never reaches readers."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pytest
from flask import url_for
from sqlalchemy import select

from app.extensions import db
from app.models import Comment
from tests.dashboard_support import csrf_token, signed_in
from tests.factories import bearer, make_site, make_token, post_comment, post_ok
from tests.test_openapi import CONVERTER, assert_matches_documented_response, served_spec

PREFIX = "/api/v1/moderation"


@dataclass
class World:
    tokens: dict[str, dict[str, str]]
    comment_id: int
    author_id: int


@pytest.fixture
def world(world, client) -> World:
    """The shared world (news pre-moderated, other; a person of each role), a token per role,
    and a pending comment the reader wrote on news."""
    tokens = {
        role: bearer(make_token(world.app, f"{role}@example.org"))
        for role in ("admin", "mod", "othermod", "reader")
    }
    created = post_ok(client, body="Waiting for *review*", headers=tokens["reader"])
    with world.app.app_context():
        author_id = db.session.get(Comment, created["id"]).user_id
    return World(tokens, created["id"], author_id)


# --- every route, every role ------------------------------------------------------------------


def moderation_rules(app) -> list[tuple[str, Any]]:
    return [
        (method, rule)
        for rule in app.url_map.iter_rules()
        if rule.rule.startswith(PREFIX)
        for method in sorted((rule.methods or set()) - {"HEAD", "OPTIONS"})
    ]


# endpoint -> (path values, query string, JSON body); every call names the news site.
CALLS: dict[tuple[str, str], tuple[dict, dict, dict | None]] = {
    ("GET", "api.list_moderation_queue"): ({"queue": "pending"}, {"site": "news"}, None),
    ("GET", "api.get_queue_counts"): ({}, {"site": "news"}, None),
    ("GET", "api.search_moderation_comments"): ({}, {"site": "news", "text": "review"}, None),
    ("GET", "api.get_moderation_comment"): ({"comment_id": "C"}, {}, None),
    ("POST", "api.moderate_one_comment"): ({"comment_id": "C"}, {}, {"action": "approve"}),
    ("POST", "api.moderate_many_comments"): ({}, {}, {"ids": ["C"], "action": "approve"}),
    ("GET", "api.get_comment_author"): ({"comment_id": "C"}, {}, None),
    ("POST", "api.act_on_comment_author"): ({"comment_id": "C"}, {}, {"action": "reset"}),
    ("GET", "api.get_moderation_user"): ({"user_id": "U"}, {"site": "news"}, None),
    ("POST", "api.act_on_user"): ({"user_id": "U"}, {}, {"action": "reset", "site": "news"}),
    ("GET", "api.list_audit_entries"): ({}, {"site": "news"}, None),
    ("GET", "api.list_moderation_articles"): ({}, {"site": "news"}, None),
    ("POST", "api.update_moderation_article"): (
        {},
        {},
        {"site": "news", "article": "a1", "premod": True},
    ),
    ("GET", "api.get_site_settings"): ({"slug": "news"}, {}, None),
    ("PATCH", "api.update_moderation_site_settings"): ({"slug": "news"}, {}, {"max_links": 4}),
}
ADMIN_ONLY = {("PATCH", "api.update_moderation_site_settings")}


def _fill(value: Any, world: World) -> Any:
    if value == "C":
        return world.comment_id
    if value == "U":
        return world.author_id
    if isinstance(value, list):
        return [_fill(v, world) for v in value]
    if isinstance(value, dict):
        return {k: _fill(v, world) for k, v in value.items()}
    return value


def call(app, client, world: World, method: str, endpoint: str, headers: dict):
    path_values, query, body = CALLS[(method, endpoint)]
    with app.test_request_context():
        url = url_for(endpoint, **_fill(path_values, world))
    return client.open(
        url, method=method, query_string=query, json=_fill(body, world), headers=headers
    )


def test_the_role_table_covers_every_moderation_route(app):
    served = {(method, rule.endpoint) for method, rule in moderation_rules(app)}
    assert served == set(CALLS)


@pytest.mark.parametrize(("method", "endpoint"), sorted(CALLS))
def test_each_route_answers_only_moderators_of_the_site_and_admins(
    app, client, world, method, endpoint
):
    anonymous = call(app, client, world, method, endpoint, {})
    assert anonymous.status_code == 401
    assert anonymous.get_json()["error"]["code"] == "unauthorized"
    for role in ("reader", "othermod"):
        refused = call(app, client, world, method, endpoint, world.tokens[role])
        assert refused.status_code == 403, (role, refused.get_json())
        assert refused.get_json()["error"]["code"] == "forbidden"

    spec = served_spec(client)
    moderator = call(app, client, world, method, endpoint, world.tokens["mod"])
    admin = call(app, client, world, method, endpoint, world.tokens["admin"])
    if (method, endpoint) in ADMIN_ONLY:
        assert moderator.status_code == 403
    else:
        assert moderator.status_code == 200, moderator.get_json()
    assert admin.status_code == 200, admin.get_json()
    (rule,) = [r for r in app.url_map.iter_rules(endpoint) if method in (r.methods or ())]
    path = CONVERTER.sub(r"{\1}", rule.rule)
    for answer in (anonymous, refused, moderator, admin):
        assert_matches_documented_response(spec, path, method.lower(), answer)


def test_a_signed_in_moderator_needs_the_csrf_token_to_act(app, world):
    browser = signed_in(app, "mod@example.org")
    url = f"{PREFIX}/comments/{world.comment_id}"
    assert browser.get(f"{PREFIX}/queues/pending?site=news").status_code == 200
    refused = browser.post(url, json={"action": "approve"})
    assert (refused.status_code, refused.get_json()["error"]["code"]) == (403, "csrf_failed")
    token = csrf_token(browser, "/moderation/")
    done = browser.post(url, json={"action": "approve"}, headers={"X-CSRFToken": token})
    assert (done.status_code, done.get_json()["status"]) == (200, "approved")


# --- the contract -----------------------------------------------------------------------------


def test_pending_queue_answers_the_contracts_shape(client, world):
    answer = client.get(f"{PREFIX}/queues/pending?site=news", headers=world.tokens["mod"])
    assert answer.status_code == 200
    body = answer.get_json()
    assert body["next_cursor"] is None
    (item,) = body["comments"]
    assert {"id", "article", "author", "html", "status", "reasons", "report_count"} <= set(item)
    assert item["id"] == world.comment_id
    assert item["article"] == {"key": "a1", "title": None, "url": None}
    assert item["html"] == "<p>Waiting for <em>review</em></p>"
    assert (item["status"], item["reasons"], item["report_count"]) == ("pending", ["premod"], 0)
    assert item["created_at"].endswith("Z")
    assert item["author"]["name"] == "Reader"
    assert item["author"]["history"]["pending"] == 1
    assert "email" not in str(body) and "127.0.0.1" not in str(body)


def test_queue_pages_follow_the_cursor(client, world):
    for n in range(4):
        post_ok(client, body=f"more {n}", author_name=f"G{n}")
    seen, cursor = [], None
    while True:
        query = {"site": "news", "limit": 2, **({"cursor": cursor} if cursor else {})}
        page = client.get(
            f"{PREFIX}/queues/pending", query_string=query, headers=world.tokens["mod"]
        ).get_json()
        seen += [c["id"] for c in page["comments"]]
        cursor = page["next_cursor"]
        if cursor is None:
            break
    assert len(seen) == 5 and seen == sorted(seen)
    bad = client.get(f"{PREFIX}/queues/pending?cursor=nope", headers=world.tokens["mod"])
    assert bad.get_json()["error"]["code"] == "invalid_cursor"


def test_unknown_queue_is_404_and_bad_action_is_400(client, world):
    unknown = client.get(f"{PREFIX}/queues/everything?site=news", headers=world.tokens["mod"])
    assert (unknown.status_code, unknown.get_json()["error"]["code"]) == (404, "unknown_queue")
    bad = client.post(
        f"{PREFIX}/comments/{world.comment_id}",
        json={"action": "delete"},
        headers=world.tokens["mod"],
    )
    assert (bad.status_code, bad.get_json()["error"]["code"]) == (400, "invalid_action")
    missing = client.post(
        f"{PREFIX}/comments/999999", json={"action": "approve"}, headers=world.tokens["mod"]
    )
    assert (missing.status_code, missing.get_json()["error"]["code"]) == (404, "unknown_comment")


@pytest.mark.parametrize(
    ("action", "status", "featured"),
    [
        ("approve", "approved", False),
        ("reject", "rejected", False),
        ("spam", "spam", False),
        ("restore", "approved", False),
        ("feature", "approved", True),
        ("unfeature", "approved", False),
    ],
)
def test_each_action_answers_the_comment_and_is_in_the_audit_log(
    app, client, world, action, status, featured
):
    if action in ("feature", "unfeature"):  # only approved comments can be featured
        client.post(
            f"{PREFIX}/comments/{world.comment_id}",
            json={"action": "approve"},
            headers=world.tokens["mod"],
        )
    answer = client.post(
        f"{PREFIX}/comments/{world.comment_id}",
        json={"action": action, "reason": "Looked at it"},
        headers=world.tokens["mod"],
    )
    assert answer.status_code == 200, answer.get_json()
    assert (answer.get_json()["status"], answer.get_json()["featured"]) == (status, featured)
    log = client.get(
        f"{PREFIX}/audit?comment={world.comment_id}", headers=world.tokens["mod"]
    ).get_json()
    latest = log["entries"][0]
    assert (latest["action"], latest["reason"]) == (action, "Looked at it")
    assert latest["actor"] == {"id": latest["actor"]["id"], "name": "News Mod"}
    assert latest["after_status"] == status
    assert log["entries"][-1]["action"] == "rule_hold"  # premod's own decision, by no one


def test_approved_comment_appears_for_readers_at_once(client, world):
    def thread():
        return client.get("/api/v1/threads?site=news&article=a1").get_json()

    assert thread()["comments"] == []
    client.post(
        f"{PREFIX}/comments/{world.comment_id}",
        json={"action": "approve"},
        headers=world.tokens["mod"],
    )
    assert [c["id"] for c in thread()["comments"]] == [world.comment_id]
    assert thread()["article"]["comment_count"] == 1


def test_bulk_approve_twenty_comments(client, world):
    ids = [post_ok(client, body=f"bulk {n}", article="bulk")["id"] for n in range(20)]
    answer = client.post(
        f"{PREFIX}/comments",
        json={"ids": ids, "action": "approve"},
        headers=world.tokens["mod"],
    )
    assert answer.status_code == 200
    assert {c["status"] for c in answer.get_json()["comments"]} == {"approved"}
    counts = client.get("/api/v1/counts?site=news&article=bulk").get_json()
    assert counts == {"counts": {"bulk": 20}}
    too_many = client.post(
        f"{PREFIX}/comments",
        json={"ids": list(range(1, 202)), "action": "approve"},
        headers=world.tokens["mod"],
    )
    assert too_many.get_json()["error"]["code"] == "invalid_ids"


def test_queue_counts_drop_after_reject(client, world):
    def counts():
        return client.get(f"{PREFIX}/counts?site=news", headers=world.tokens["mod"]).get_json()

    assert counts() == {"counts": {"pending": 1, "reported": 0, "spam": 0}}
    client.post(
        f"{PREFIX}/comments/{world.comment_id}",
        json={"action": "reject"},
        headers=world.tokens["mod"],
    )
    assert counts() == {"counts": {"pending": 0, "reported": 0, "spam": 0}}


def test_banned_author_is_refused_with_a_clear_message(client, world):
    answer = client.post(
        f"{PREFIX}/comments/{world.comment_id}/author",
        json={"action": "ban", "reason": "Repeated insults"},
        headers=world.tokens["mod"],
    )
    assert answer.status_code == 200
    assert answer.get_json()["banned"] is True
    refused = post_comment(client, body="let me in", headers=world.tokens["reader"])
    assert refused.status_code == 403
    assert refused.get_json()["error"] == {
        "code": "banned",
        "message": "you are banned from commenting on this site",
    }
    global_ban = client.post(
        f"{PREFIX}/users/{world.author_id}",
        json={"action": "ban", "scope": "global"},
        headers=world.tokens["mod"],
    )
    assert global_ban.status_code == 403
    suspend = client.post(
        f"{PREFIX}/users/{world.author_id}",
        json={"action": "suspend", "site": "news", "days": 0},
        headers=world.tokens["mod"],
    )
    assert suspend.get_json()["error"]["code"] == "invalid_days"


def test_article_and_settings_changes(client, world):
    closed = client.post(
        f"{PREFIX}/articles",
        json={"site": "news", "article": "a1", "closed": True},
        headers=world.tokens["mod"],
    )
    assert closed.get_json()["closed"] is True
    refused = post_comment(client, body="too late")
    assert refused.get_json()["error"]["code"] == "thread_closed"
    bad = client.patch(
        f"{PREFIX}/sites/news/settings", json={"max_links": -3}, headers=world.tokens["admin"]
    )
    assert (bad.status_code, bad.get_json()["error"]["code"]) == (400, "invalid_setting")
    changed = client.patch(
        f"{PREFIX}/sites/news/settings",
        json={"banned_words": ["casino"]},
        headers=world.tokens["admin"],
    )
    assert changed.get_json()["settings"]["banned_words"] == ["casino"]


def test_an_article_change_answers_the_article_as_the_list_shows_it(client, world):
    post_comment(client, body="Held for a moderator")
    premod = client.post(
        f"{PREFIX}/articles",
        json={"site": "news", "article": "a1", "premod": True},
        headers=world.tokens["mod"],
    ).get_json()
    listed = client.get(f"{PREFIX}/articles?site=news", headers=world.tokens["mod"]).get_json()
    assert premod == listed["articles"][0]
    assert premod["premod"] is True and premod["pending_count"] >= 1


# --- removed text never reaches readers ------------------------------------------------------


SECRET = "Zyxwv secret words"


@pytest.mark.parametrize("action", ["reject", "spam"])
def test_removed_comment_text_never_appears_in_reader_responses(app, client, world, action):
    make_site(app, "open")
    visible = post_ok(client, site="open", body="Visible parent")
    removed = post_ok(client, site="open", body=SECRET, headers=world.tokens["reader"])
    post_ok(client, site="open", body="A reply that stays", parent_id=removed["id"])
    client.post(
        f"{PREFIX}/comments/{removed['id']}", json={"action": action}, headers=world.tokens["admin"]
    )
    reader_views = [
        client.get("/api/v1/threads?site=open&article=a1"),
        client.get("/api/v1/threads?site=open&article=a1&sort=newest&limit=1"),
        client.get("/api/v1/threads?site=open&article=a1", headers=world.tokens["reader"]),
        client.get("/api/v1/counts?site=open&article=a1"),
        post_comment(client, site="open", body="reply", parent_id=removed["id"]),
        client.get("/embed/thread?site=open&article=a1"),  # the widget's frame
        client.get("/embed/thread/comments?site=open&article=a1&sort=newest"),
    ]
    for response in reader_views:
        assert "Zyxwv" not in response.get_data(as_text=True)
    assert [r.status_code for r in reader_views] == [200] * 4 + [400] + [200] * 2
    assert reader_views[4].get_json()["error"]["code"] == "invalid_parent"
    thread = reader_views[0].get_json()
    assert [c["id"] for c in thread["comments"]] == [visible["id"], removed["id"]]
    assert thread["comments"][1]["html"] == "<p>[deleted]</p>"
    assert thread["article"]["comment_count"] == 2
    assert reader_views[3].get_json() == {"counts": {"a1": 2}}


def test_comment_removed_by_a_banned_word_is_echoed_to_its_author_only(app, client, world):
    client.patch(
        f"{PREFIX}/sites/news/settings",
        json={"banned_words": ["zyxwv"], "premod": False},
        headers=world.tokens["admin"],
    )
    answer = post_comment(client, body=SECRET, article="b")
    assert (answer.status_code, answer.get_json()["status"]) == (201, "pending")  # contract
    assert "Zyxwv" in answer.get_json()["html"]  # to its author only, as any held comment
    assert "Zyxwv" not in client.get("/api/v1/threads?site=news&article=b").get_data(as_text=True)
    assert client.get("/api/v1/counts?site=news&article=b").get_json() == {"counts": {"b": 0}}
    with app.app_context():
        stored = db.session.scalar(select(Comment).where(Comment.body_source == SECRET))
        assert (stored.status.value, stored.reasons) == ("rejected", ["banned_word:zyxwv"])
    # Moderators still see it, with the reason, in the history view.
    rejected = client.get(
        f"{PREFIX}/queues/rejected?site=news", headers=world.tokens["mod"]
    ).get_json()
    assert rejected["comments"][0]["reasons"] == ["banned_word:zyxwv"]
