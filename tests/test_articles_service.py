"""Articles for moderators: the list with counts, closing, per-article premod, close_after_days."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from app.extensions import db
from app.models import Article, AuditEntry, utcnow
from app.services import articles
from app.services.errors import Forbidden, NotFound, ValidationError
from app.services.moderation.actions import moderate_comment
from app.services.site_settings import update_site_settings
from tests.dashboard_support import user
from tests.factories import post_comment, post_ok

# The shared world, with news posting straight away and a second site (sport) of its own.
pytestmark = pytest.mark.world(premod=False, sport=True)


def test_article_list_has_counts_newest_first_and_pages(world, client):
    post_ok(client, article="old", article_title="Old story")
    post_ok(client, article="old", body="SHOUTING ABOUT THE OLD STORY")  # held: caps
    post_ok(client, article="new")
    with world.app.app_context():
        moderator = user("newsmod@example.org")
        page = articles.list_articles(moderator, "news", limit=1)
        assert [a.key for a in page.items] == ["new"]
        rest = articles.list_articles(moderator, "news", cursor=page.next_cursor)
        old = rest.items[0]
        assert (old.key, old.title, old.comment_count, old.pending_count) == (
            "old",
            "Old story",
            1,
            1,
        )
        assert rest.next_cursor is None
        with pytest.raises(Forbidden):
            articles.list_articles(moderator, "sport")
        with pytest.raises(Forbidden):
            articles.list_articles(user("reader@example.org"), "news")


def test_closing_an_article_refuses_posts_and_reopening_allows_them(world, client):
    post_ok(client, article="story")
    with world.app.app_context():
        article = articles.set_article_closed(user("newsmod@example.org"), "news", "story", True)
        assert article.closed
        entry = db.session.scalars(select(AuditEntry).order_by(AuditEntry.id.desc())).first()
        assert (entry.action, entry.reason) == ("close_article", "article story")
    refused = post_comment(client, article="story")
    assert (refused.status_code, refused.get_json()["error"]["code"]) == (403, "thread_closed")
    thread = client.get("/api/v1/threads?site=news&article=story").get_json()
    assert thread["article"]["closed"] is True
    with world.app.app_context():
        articles.set_article_closed(user("newsmod@example.org"), "news", "story", False)
    post_ok(client, article="story")


def test_article_premod_can_be_forced_on_off_or_follow_the_site(world, client):
    post_ok(client, article="story")
    with world.app.app_context():
        moderator = user("newsmod@example.org")
        assert articles.set_article_premod(moderator, "news", "story", True).premod is True
    assert post_ok(client, article="story", body="held?")["status"] == "pending"
    with world.app.app_context():
        moderator = user("newsmod@example.org")
        articles.set_article_premod(moderator, "news", "story", None)
        entry = db.session.scalars(select(AuditEntry).order_by(AuditEntry.id.desc())).first()
        assert entry.reason == "premod as the site for article story"
        with pytest.raises(ValidationError):
            articles.set_article_premod(moderator, "news", "story", "yes")
        with pytest.raises(NotFound):
            articles.set_article_premod(moderator, "news", "missing", True)
    assert post_ok(client, article="story", body="not held")["status"] == "approved"


def test_close_after_days_closes_old_articles_only(world, client):
    post_ok(client, article="old")
    post_ok(client, article="fresh")
    with world.app.app_context():
        old = db.session.scalar(select(Article).where(Article.key == "old"))
        old.created_at = old.first_comment_at = utcnow() - timedelta(days=8)
        db.session.commit()
        update_site_settings(user("admin@example.org"), "news", {"close_after_days": 7})
        listed = {a.key: a for a in articles.list_articles(user("admin@example.org"), "news").items}
        assert (listed["old"].closed, listed["old"].comments_closed) == (False, True)
        assert listed["fresh"].comments_closed is False
    refused = post_comment(client, article="old")
    assert refused.status_code == 403
    assert refused.get_json()["error"]["code"] == "thread_closed"
    closed = client.get("/api/v1/threads?site=news&article=old").get_json()["article"]["closed"]
    assert closed is True
    post_ok(client, article="fresh")


def test_site_settings_are_admin_only_validated_and_audited(world):
    with world.app.app_context():
        admin = user("admin@example.org")
        with pytest.raises(Forbidden):
            update_site_settings(user("newsmod@example.org"), "news", {"max_links": 1})
        for bad in (
            {"max_links": -1},
            {"max_links": "many"},
            {"banned_words_action": "delete"},
            {"banned_words": "x" * 101},
            {"banned_words": [1, 2]},
            {"hold_shouting": "yes"},
            {"report_threshold": 0},
            {"no_such_setting": 1},
            {},
        ):
            with pytest.raises(ValidationError):
                update_site_settings(admin, "news", bad)
        values = update_site_settings(
            admin, "news", {"banned_words": "spam\n  Buy   now \n\nspam", "premod": True}
        )
        assert values["banned_words"] == ["spam", "Buy now"]
        assert values["premod"] is True
        assert values["max_links"] == 3  # the default, untouched
        entry = db.session.scalars(select(AuditEntry).order_by(AuditEntry.id.desc())).first()
        assert (entry.action, entry.reason) == ("settings_update", "changed banned_words, premod")


def test_counts_drop_when_a_comment_is_rejected(world, client):
    kept = post_ok(client, article="story")
    removed = post_ok(client, article="story", body="remove me")
    assert client.get("/api/v1/counts?site=news&article=story").get_json() == {
        "counts": {"story": 2}
    }
    with world.app.app_context():
        moderate_comment(removed["id"], "reject", user("newsmod@example.org"))
    assert client.get("/api/v1/counts?site=news&article=story").get_json() == {
        "counts": {"story": 1}
    }
    thread = client.get("/api/v1/threads?site=news&article=story").get_json()
    assert [c["id"] for c in thread["comments"]] == [kept["id"]]
    assert thread["article"]["comment_count"] == 1


def test_settings_command_shows_and_changes_a_sites_settings(world, runner):
    shown = runner.invoke(args=["sites", "settings", "news"])
    assert shown.exit_code == 0 and "max_links = 3" in shown.output
    changed = runner.invoke(
        args=["sites", "settings", "news", "--set", "max_links=2", "--set", 'banned_words=["x y"]']
    )
    assert changed.exit_code == 0, changed.output
    assert "max_links = 2" in changed.output and 'banned_words = ["x y"]' in changed.output
    with world.app.app_context():
        entry = db.session.scalars(select(AuditEntry).order_by(AuditEntry.id.desc())).first()
        assert (entry.action, entry.actor_id) == ("settings_update", None)
    refused = runner.invoke(args=["sites", "settings", "news", "--set", "max_links=-1"])
    assert refused.exit_code != 0 and "max_links must be a whole number" in refused.output
