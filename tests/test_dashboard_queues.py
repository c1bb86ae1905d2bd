"""The dashboard's pages and forms doing their job: what a moderator sees and what it changes."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from app.extensions import db
from app.models import Article, Comment, CommentStatus, Role, User
from app.services.comments import post_comment
from app.services.identity import Viewer
from tests.dashboard_support import make_account, save_settings, signed_in
from tests.factories import bearer, make_token
from tests.factories import post_comment as api_post

ITEM_RE = re.compile(r'data-comment-id="(\d+)"')


@pytest.fixture
def mod(app, world):
    return signed_in(app, "mod@example.org")


def item_ids(html: str) -> list[int]:
    return [int(i) for i in ITEM_RE.findall(html)]


def nav_count(html: str, queue: str) -> int:
    match = re.search(rf'data-count="{queue}">(\d+)<', html)
    assert match, f"no {queue} count in the navigation"
    return int(match.group(1))


def act(client, comment_id: int, action: str, **extra) -> object:
    data = {"action": action, "csrf_token": client.csrf, **extra}
    return client.post(f"/moderation/comments/{comment_id}", data=data)


def thread_ids(client, article: str) -> list[int]:
    thread = client.get(f"/api/v1/threads?site=news&article={article}").get_json()
    return [c["id"] for c in thread["comments"]]


def guest_post(app, body: str, article: str = "story", parent_id: int | None = None) -> int:
    with app.app_context():
        comment = post_comment(
            site_slug="news",
            article_key=article,
            body=body,
            viewer=Viewer(guest_key="g" * 64, ip="203.0.113.5"),
            author_name="Gina Guest",
            parent_id=parent_id,
            article_title="Air defence drills",
        )
        return comment.id


def test_pending_comment_shows_why_where_who_and_the_body_as_readers_see_it(app, world, mod):
    comment_id, article = world.fresh_comment()
    html = mod.get("/moderation/").get_data(as_text=True)
    assert item_ids(html) == [comment_id]
    item = html[html.index(f'id="item-{comment_id}"') :]
    assert "<li data-reason>premod</li>" in item
    assert f"Title of {article}" in item
    assert "Author" in item and "1 comment" in item and "1 pending" in item
    assert "<strong>waiting</strong>" in item  # the sanitized HTML, rendered, not escaped
    assert nav_count(html, "pending") == 1


def test_typed_markup_stays_text_in_the_dashboard(app, world, mod):
    guest_post(app, "<script>alert(1)</script> <img src=x onerror=alert(2)>")
    html = mod.get("/moderation/queue/pending").get_data(as_text=True)
    assert "<script>alert(1)" not in html
    assert "onerror=alert(2)>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "script-src 'self'" in mod.get("/moderation/").headers["Content-Security-Policy"]


def test_a_reply_shows_the_comment_it_answers(app, world, mod):
    first = guest_post(app, "Sirens at noon, **not** at night.", article="open")
    act(mod, first, "approve")
    reply = guest_post(app, "Source?", article="open", parent_id=first)
    html = mod.get("/moderation/").get_data(as_text=True)
    item = html[html.index(f'id="item-{reply}"') :]
    assert "In reply to <strong>Gina Guest</strong>" in item
    assert "Sirens at noon, not at night." in item


def test_reported_queue_shows_reports_with_reasons_most_reported_first(app, world, mod):
    once = guest_post(app, "Reported once")
    twice = guest_post(app, "Reported twice")
    admin = signed_in(app, "admin@example.org")
    for cid in (once, twice):
        act(admin, cid, "approve")
    for n, (cid, reason) in enumerate([(twice, "abuse"), (twice, "spam"), (once, "off_topic")]):
        email = f"r{n}@example.org"
        make_account(app, email, f"R{n}", Role.READER)
        response = app.test_client().post(
            f"/api/v1/comments/{cid}/reports",
            json={"reason": reason},
            headers=bearer(make_token(app, email)),
        )
        assert response.status_code == 201
    html = mod.get("/moderation/queue/reported").get_data(as_text=True)
    assert item_ids(html) == [twice, once]
    assert "2 reports: abuse ×1, spam ×1" in html
    assert "1 report: off_topic ×1" in html
    assert nav_count(html, "reported") == 2


def test_approving_publishes_the_comment_and_returns_to_the_queue(app, world, mod):
    first, article = world.fresh_comment()
    second, _ = world.fresh_comment()
    assert thread_ids(app.test_client(), article) == []
    response = act(mod, first, "approve", next=f"/moderation/#item-{second}")
    assert response.status_code == 303
    assert response.headers["Location"] == f"/moderation/#item-{second}"
    assert thread_ids(app.test_client(), article) == [first]
    page = mod.get("/moderation/").get_data(as_text=True)
    assert f"Approved comment #{first}." in page
    assert item_ids(page) == [second]
    assert nav_count(page, "pending") == 1


def test_reject_with_a_reason_from_the_sites_list(app, world, mod):
    comment_id, article = world.fresh_comment()
    html = mod.get("/moderation/").get_data(as_text=True)
    assert "<option>Off topic</option>" in html
    act(mod, comment_id, "reject", reason="Off topic")
    with app.app_context():
        assert db.session.get(Comment, comment_id).status == CommentStatus.REJECTED
    rejected = mod.get("/moderation/queue/rejected").get_data(as_text=True)
    assert item_ids(rejected) == [comment_id]
    trail = mod.get(f"/moderation/comments/{comment_id}").get_data(as_text=True)
    assert "Off topic" in trail and "pending → rejected" in trail


def test_spam_restore_feature_and_unfeature(app, world, mod):
    comment_id, article = world.fresh_comment()
    act(mod, comment_id, "spam")
    assert item_ids(mod.get("/moderation/queue/spam").get_data(as_text=True)) == [comment_id]
    act(mod, comment_id, "restore")
    act(mod, comment_id, "feature")
    approved = mod.get("/moderation/queue/approved").get_data(as_text=True)
    assert item_ids(approved) == [comment_id]
    assert 'class="badge featured"' in approved
    assert 'value="unfeature"' in approved
    act(mod, comment_id, "unfeature")
    with app.app_context():
        comment = db.session.get(Comment, comment_id)
        assert (comment.status, comment.featured) == (CommentStatus.APPROVED, False)
    assert thread_ids(app.test_client(), article) == [comment_id]


def test_bulk_approve_a_selection(app, world, mod):
    made = [world.fresh_comment() for _ in range(4)]
    chosen = [cid for cid, _ in made[:3]]
    response = mod.post(
        "/moderation/comments/bulk",
        data={"action": "approve", "ids": [str(i) for i in chosen], "csrf_token": mod.csrf},
    )
    assert response.status_code == 303
    page = mod.get(response.headers["Location"]).get_data(as_text=True)
    assert "Approved 3 comments." in page
    assert item_ids(page) == [made[3][0]]
    for cid, article in made[:3]:
        assert thread_ids(app.test_client(), article) == [cid]


@pytest.mark.parametrize(
    ("form", "message"),
    [
        ({"action": "approve"}, "select at least one comment"),
        ({"action": "delete", "ids": ["1"]}, "action must be one of"),
        ({"action": "approve", "ids": ["1x"]}, "comment ids must be whole numbers"),
        ({"action": "approve", "ids": ["²"]}, "comment ids must be whole numbers"),
        ({"action": "approve", "ids": ["9" * 5000]}, "comment ids must be whole numbers"),
        ({"action": "approve", "ids": [str(i) for i in range(1, 202)]}, "at most 200"),
    ],
)
def test_bad_bulk_forms_get_a_page_saying_what_to_fix(app, world, mod, form, message):
    response = mod.post("/moderation/comments/bulk", data={**form, "csrf_token": mod.csrf})
    assert response.status_code == 400
    assert "text/html" in response.content_type
    assert message in response.get_data(as_text=True)


def test_queues_are_paginated_by_fifty(app, world, mod):
    made = [guest_post(app, f"Comment number {n}") for n in range(120)]
    seen: list[int] = []
    url = "/moderation/"
    pages = 0
    while url:
        html = mod.get(url).get_data(as_text=True)
        ids = item_ids(html)
        assert len(ids) <= 50
        seen += ids
        pages += 1
        match = re.search(r'<a rel="next" href="([^"]+)"', html)
        url = match.group(1).replace("&amp;", "&") if match else None
    assert pages == 3
    assert seen == made  # oldest first, each once


def test_bad_query_input_is_a_400_page_not_a_500(app, world, mod):
    for url, message in [
        ("/moderation/queue/pending?cursor=nonsense", "cursor is not valid"),
        ("/moderation/search?from=yesterday", "from must be a date"),
        ("/moderation/search?status=hidden", "status must be one of"),
        ("/moderation/search?q=" + "x" * 201, "at most 200 characters"),
        ("/moderation/audit?comment=abc", "comment must be a whole number"),
        ("/moderation/audit?comment=%C2%B2", "comment must be a whole number"),
        ("/moderation/audit?action=a%00", "action must not contain control characters"),
        ("/moderation/search?q=a%00b", "q must not contain control characters"),
    ]:
        response = mod.get(url)
        assert response.status_code == 400, url
        assert message in response.get_data(as_text=True), url
    assert mod.get("/moderation/queue/everything").status_code == 404
    assert mod.get("/moderation/sites/nowhere/queue/pending").status_code == 404
    assert mod.get("/moderation/sites/a%00b/queue/pending").status_code == 404
    comment_id, _ = world.fresh_comment()
    response = act(mod, comment_id, "reject", reason="rude\x00")
    assert response.status_code == 400
    assert "reason must not contain control characters" in response.get_data(as_text=True)


def test_search_by_text_author_article_status_and_dates(app, world, mod):
    mine, article = world.fresh_comment()
    guest = guest_post(app, "Drills at the **harbour** today", article="harbour-story")
    admin = signed_in(app, "admin@example.org")
    act(admin, guest, "approve")

    def found(query: str) -> list[int]:
        response = mod.get(f"/moderation/search?{query}")
        assert response.status_code == 200, query
        return item_ids(response.get_data(as_text=True))

    assert found("q=harbour") == [guest]
    assert found("author=gina") == [guest]
    assert found(f"article={article}") == [mine]
    assert found("status=pending") == [mine]
    assert found("status=approved&q=harbour") == [guest]
    assert sorted(found("from=2000-01-01")) == sorted([mine, guest])
    assert found("to=2000-01-01") == []
    assert found("site=news&q=nothing-like-this") == []


def test_banning_an_author_from_the_comment_page_refuses_their_next_post(app, world, mod):
    comment_id, _ = world.fresh_comment()
    page = mod.get(f"/moderation/comments/{comment_id}").get_data(as_text=True)
    assert 'value="ban"' in page and "Not banned." in page
    response = mod.post(
        f"/moderation/comments/{comment_id}/author",
        data={"action": "ban", "reason": "Repeated abuse", "csrf_token": mod.csrf},
    )
    assert response.status_code == 303
    page = mod.get(response.headers["Location"]).get_data(as_text=True)
    assert "Banned Author on this site." in page
    assert "Banned on news: Repeated abuse" in page
    token = make_token(app, "author@example.org")
    refused = api_post(app.test_client(), body="Again", headers=bearer(token))
    assert refused.status_code == 403
    assert refused.get_json()["error"]["code"] == "banned"


def test_suspend_trust_and_reset_an_author(app, world, mod):
    comment_id, _ = world.fresh_comment()

    def author_action(**form):
        response = mod.post(
            f"/moderation/comments/{comment_id}/author", data={**form, "csrf_token": mod.csrf}
        )
        assert response.status_code == 303, response.get_data(as_text=True)
        return mod.get(response.headers["Location"]).get_data(as_text=True)

    assert "Suspended Author for 3 days on this site." in author_action(action="suspend", days="3")
    page = author_action(action="trust")
    assert "Author is trusted" in page
    page = author_action(action="reset")
    assert "Author is back to normal." in page and "Not banned." in page
    with app.app_context():
        assert db.session.get(User, world.author_id).trusted is False
    for days in ("0", "366", "²", "9" * 5000):
        bad = mod.post(
            f"/moderation/comments/{comment_id}/author",
            data={"action": "suspend", "days": days, "csrf_token": mod.csrf},
        )
        assert bad.status_code == 400, days
        assert "days must be a whole number from 1 to 365" in bad.get_data(as_text=True)


def test_only_admins_may_ban_everywhere(app, world, mod):
    comment_id, _ = world.fresh_comment()
    form = {"action": "ban", "scope": "global", "csrf_token": mod.csrf}
    assert mod.post(f"/moderation/comments/{comment_id}/author", data=form).status_code == 403
    admin = signed_in(app, "admin@example.org")
    form["csrf_token"] = admin.csrf
    response = admin.post(f"/moderation/comments/{comment_id}/author", data=form)
    assert response.status_code == 303
    assert "Banned on every site" in admin.get(response.headers["Location"]).get_data(as_text=True)


def test_articles_list_with_counts_close_reopen_and_premod(app, world, mod):
    comment_id, article = world.fresh_comment()
    page = mod.get("/moderation/sites/news/articles").get_data(as_text=True)
    row = page[page.index(f'data-article="{article}"') :]
    assert f"Title of {article}" in row and "<td>1</td>" in row  # one pending

    def update(action: str) -> None:
        response = mod.post(
            "/moderation/sites/news/articles",
            data={"action": action, "article": article, "csrf_token": mod.csrf},
        )
        assert response.status_code == 303

    update("close")
    reader = api_post(app.test_client(), body="Late", article=article)
    assert reader.get_json()["error"]["code"] == "thread_closed"
    update("reopen")
    update("premod_off")
    with app.app_context():
        stored = db.session.scalar(select(Article).where(Article.key == article))
        assert (stored.closed, stored.premod) == (False, False)
    assert api_post(app.test_client(), body="Now", article=article).status_code == 201
    assert "Pre-moderation of Title of" in mod.get("/moderation/sites/news/articles").get_data(
        as_text=True
    )


def test_admin_edits_site_rules_and_moderators_see_the_new_reasons(app, world, mod):
    admin = signed_in(app, "admin@example.org")
    page = admin.get("/moderation/sites/news/settings").get_data(as_text=True)
    assert 'name="banned_words"' in page and 'name="reject_reasons"' in page
    changes = {
        "premod": "on",
        "banned_words": "v1agra\ncasino",
        "banned_words_action": "spam",
        "suspect_words": "",
        "max_links": "2",
        "reject_reasons": "Insulting\r\nOff topic",
        "close_after_days": "",
    }
    response = save_settings(admin, changes)
    assert response.status_code == 303
    saved = admin.get(response.headers["Location"]).get_data(as_text=True)
    assert "Settings saved." in saved and "v1agra\ncasino</textarea>" in saved
    world.fresh_comment()
    assert "<option>Insulting</option>" in mod.get("/moderation/").get_data(as_text=True)

    bad = save_settings(admin, {**changes, "max_links": "-4"})
    assert bad.status_code == 400
    assert "max_links must be a whole number" in bad.get_data(as_text=True)
    assert 'value="2"' in admin.get("/moderation/sites/news/settings").get_data(as_text=True)


def test_the_body_is_the_exact_html_readers_get(app, world, mod):
    body = "Quote:\n\n> sirens at *noon*\n\n- one\n- two\n\nSee https://example.org/a?b=1&c=2"
    comment_id = guest_post(app, body, article="exact")
    act(mod, comment_id, "approve")
    thread = app.test_client().get("/api/v1/threads?site=news&article=exact").get_json()
    readers_html = thread["comments"][0]["html"]
    page = mod.get("/moderation/queue/approved").get_data(as_text=True)
    assert f'<div class="comment-body">{readers_html}</div>' in page


def test_an_account_is_banned_and_reset_from_its_own_page(app, world, mod):
    page = mod.get(f"/moderation/users/{world.author_id}?site=news").get_data(as_text=True)
    assert '<option value="news">News</option>' in page and 'value="global"' not in page
    url = f"/moderation/users/{world.author_id}"
    form = {"action": "ban", "site": "news", "reason": "Threats", "csrf_token": mod.csrf}
    response = mod.post(url, data=form)
    assert response.status_code == 303
    page = mod.get(response.headers["Location"]).get_data(as_text=True)
    assert "Banned Author on this site." in page and "Banned on news: Threats" in page
    token = make_token(app, "author@example.org")
    assert api_post(app.test_client(), body="x", headers=bearer(token)).status_code == 403

    assert mod.post(url, data={**form, "site": "other"}).status_code == 403
    mod.post(url, data={"action": "reset", "site": "news", "csrf_token": mod.csrf})
    assert api_post(app.test_client(), body="x", headers=bearer(token)).status_code == 201


def test_an_admin_bans_an_account_from_every_site_on_its_page(app, world):
    admin = signed_in(app, "admin@example.org")
    url = f"/moderation/users/{world.author_id}"
    assert 'value="global"' in admin.get(url).get_data(as_text=True)
    form = {"action": "ban", "scope": "global", "csrf_token": admin.csrf}
    response = admin.post(url, data=form)
    assert response.status_code == 303
    page = admin.get(response.headers["Location"]).get_data(as_text=True)
    assert "Banned Author on every site." in page and "Banned on every site" in page
    token = make_token(app, "author@example.org")
    refused = api_post(app.test_client(), body="x", site="other", headers=bearer(token))
    assert refused.get_json()["error"]["code"] == "banned"


def test_empty_queue_and_empty_search_say_so(app, world, mod):
    spam = mod.get("/moderation/queue/spam").get_data(as_text=True)
    assert "Nothing here. The spam queue is clear." in spam
    search = mod.get("/moderation/search?text=no-such-words-anywhere").get_data(as_text=True)
    assert "No comment matches." in search
