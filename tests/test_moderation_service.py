"""Moderation service: roles, queues with reasons and context, actions, bulk, search, audit."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from app.extensions import db
from app.models import Article, AuditEntry, Comment, CommentStatus, utcnow
from app.services.errors import Conflict, Forbidden, NotFound, ValidationError
from app.services.identity import Viewer
from app.services.moderation.actions import bulk_moderate, moderate_comment
from app.services.moderation.audit_log import audit_log
from app.services.moderation.queues import list_queue, queue_counts
from app.services.moderation.search import search_comments
from app.services.paging import encode_cursor
from app.services.permissions import can_moderate, require_moderator
from app.services.reports import report_comment
from tests.concurrency_support import at_once, in_another_request, miscounted_articles
from tests.dashboard_support import site, user
from tests.factories import bearer, make_token, post_ok

# The shared world (news pre-moderated) with a second site, sport, and a moderator of news
# only (newsmod@), one of sport only (sportmod@) and one of every site (allmod@).
pytestmark = pytest.mark.world(sport=True)


def test_who_may_moderate_which_site(world):
    with world.app.app_context():
        news, sport = site("news"), site("sport")
        assert can_moderate(user("admin@example.org"), sport)
        assert can_moderate(user("allmod@example.org"), news)
        assert can_moderate(user("allmod@example.org"), sport)
        assert can_moderate(user("newsmod@example.org"), news)
        assert not can_moderate(user("newsmod@example.org"), sport)
        assert not can_moderate(user("reader@example.org"), news)
        assert not can_moderate(None, news)
        with pytest.raises(Forbidden):
            require_moderator(user("sportmod@example.org"), news)


def test_pending_queue_shows_reasons_context_history_and_reader_html(world, client):
    token = make_token(world.app, "reader@example.org")
    parent = post_ok(client, body="The *parent* says hello", author_name="Pam")
    with world.app.app_context():
        moderate_comment(parent["id"], "approve", user("admin@example.org"))
    reply = post_ok(
        client, body="A **reply** to Pam", parent_id=parent["id"], headers=bearer(token)
    )
    with world.app.app_context():
        page = list_queue("pending", user("newsmod@example.org"), "news")
        assert [item.id for item in page.items] == [reply["id"]]
        item = page.items[0]
        assert item.reasons == ["premod"]
        assert item.html == "<p>A <strong>reply</strong> to Pam</p>"
        assert (item.site_slug, item.article_key) == ("news", "a1")
        assert (item.parent.author_name, item.parent.excerpt) == ("Pam", "The parent says hello")
        assert item.author.name == "Reader" and not item.author.is_guest
        history = item.author.history
        assert (history.comments, history.pending, history.approved) == (1, 1, 0)
        assert history.account_age_days == 0
        assert item.status == CommentStatus.PENDING
        assert page.next_cursor is None


def test_guest_history_counts_their_comments_by_browser_id(world, client):
    with world.app.app_context():
        article_id = _article_id()
        comments = []
        for n, status in enumerate(["approved", "rejected", "spam", "pending"]):
            comments.append(
                Comment(
                    article_id=article_id,
                    guest_name="Gus",
                    guest_key="k" * 64,
                    body_source=f"c{n}",
                    body_html=f"<p>c{n}</p>",
                    status=CommentStatus(status),
                    reasons=["premod"],
                    created_at=utcnow() - timedelta(days=10 - n),
                )
            )
        db.session.add_all(comments)
        db.session.commit()
        item = list_queue("pending", user("admin@example.org")).items[0]
        history = item.author.history
        assert item.author.is_guest and item.author.user_id is None
        assert (history.comments, history.approved, history.rejected, history.spam) == (4, 1, 1, 1)
        assert history.account_age_days == 10


def _article_id() -> int:
    article = Article(site_id=site("news").id, key="seeded", title="Seeded")
    db.session.add(article)
    db.session.flush()
    return article.id


def test_queue_pages_by_cursor_oldest_first_in_constant_queries(world, client, count_queries):
    for n in range(7):
        post_ok(client, body=f"comment number {n}", author_name=f"G{n}")
    with world.app.app_context():
        moderator = user("newsmod@example.org")
        moderator.moderated_sites  # noqa: B018 - load the relationship outside the count
        with count_queries() as small:
            first = list_queue("pending", moderator, "news", limit=3)
        second = list_queue("pending", moderator, "news", cursor=first.next_cursor, limit=3)
        third = list_queue("pending", moderator, "news", cursor=second.next_cursor, limit=3)
        with count_queries() as large:
            everything = list_queue("pending", moderator, "news", limit=50)
    ids = [i.id for i in first.items + second.items + third.items]
    assert ids == sorted(ids) == [i.id for i in everything.items]
    assert len(ids) == 7 and third.next_cursor is None
    assert len(small) == len(large) <= 5


def test_queue_across_sites_holds_only_the_moderators_sites(world, client):
    news_comment = post_ok(client, body="news comment")
    sport_comment = post_ok(client, site="sport", body="sport comment")
    with world.app.app_context():
        moderate_comment(sport_comment["id"], "spam", user("admin@example.org"))
        news_comment_held = list_queue("pending", user("allmod@example.org")).items
        assert [i.id for i in news_comment_held] == [news_comment["id"]]
        assert list_queue("spam", user("newsmod@example.org")).items == []
        assert [i.id for i in list_queue("spam", user("sportmod@example.org")).items] == [
            sport_comment["id"]
        ]
        with pytest.raises(Forbidden):
            list_queue("spam", user("newsmod@example.org"), "sport")
        with pytest.raises(Forbidden):
            list_queue("pending", user("reader@example.org"))
        with pytest.raises(NotFound):
            list_queue("everything", user("admin@example.org"))


def test_reported_queue_orders_by_reports_and_approving_dismisses_them(world, client):
    once = post_ok(client, site="sport", body="reported once")
    twice = post_ok(client, site="sport", body="reported twice")
    with world.app.app_context():
        report_comment(once["id"], "spam", None, Viewer(guest_key="a" * 64))
        report_comment(twice["id"], "abuse", None, Viewer(guest_key="a" * 64))
        report_comment(twice["id"], "abuse", "rude", Viewer(guest_key="b" * 64))
        moderator = user("sportmod@example.org")
        items = list_queue("reported", moderator, "sport").items
        assert [(i.id, i.report_count) for i in items] == [(twice["id"], 2), (once["id"], 1)]
        assert items[0].report_reasons == {"abuse": 2}
        assert queue_counts(moderator, "sport") == {"pending": 0, "reported": 2, "spam": 0}
        moderate_comment(twice["id"], "approve", moderator)
        assert [i.id for i in list_queue("reported", moderator, "sport").items] == [once["id"]]
        entry = db.session.scalars(
            select(AuditEntry).where(AuditEntry.comment_id == twice["id"])
        ).all()[-1]
        assert entry.reason == "2 report(s) dismissed"


def test_comment_held_for_reports_is_in_the_reported_and_pending_queues(world, client):
    held = post_ok(client, site="sport", body="controversial")
    with world.app.app_context():
        for key in "abc":
            report_comment(held["id"], "abuse", None, Viewer(guest_key=key * 64))
        moderator = user("sportmod@example.org")
        reported = list_queue("reported", moderator, "sport").items
        assert [(i.id, i.status, i.reasons) for i in reported] == [
            (held["id"], CommentStatus.PENDING, ["reports"])
        ]
        assert [i.id for i in list_queue("pending", moderator, "sport").items] == [held["id"]]


@pytest.mark.parametrize(
    ("action", "status"),
    [("approve", "approved"), ("reject", "rejected"), ("spam", "spam")],
)
def test_each_status_action_changes_status_count_and_audit(world, client, action, status):
    created = post_ok(client, body="held back")
    with world.app.app_context():
        moderator = user("newsmod@example.org")
        comment = moderate_comment(created["id"], action, moderator, reason="Off topic")
        assert comment.status.value == status
        assert comment.article.comment_count == (1 if status == "approved" else 0)
        entry = db.session.scalars(
            select(AuditEntry).where(AuditEntry.comment_id == created["id"])
        ).all()[-1]
        assert (entry.action, entry.actor_id, entry.reason) == (action, moderator.id, "Off topic")
        assert (entry.before_status, entry.after_status) == ("pending", status)


def test_restore_brings_a_rejected_comment_back_and_counts_it(world, client):
    created = post_ok(client, site="sport", body="fine after all")
    with world.app.app_context():
        moderator = user("admin@example.org")
        assert moderate_comment(created["id"], "reject", moderator).article.comment_count == 0
        restored = moderate_comment(created["id"], "restore", moderator)
        assert restored.status == CommentStatus.APPROVED
        assert restored.article.comment_count == 1
        entry = db.session.scalars(select(AuditEntry).order_by(AuditEntry.id.desc())).first()
        assert (entry.action, entry.before_status, entry.after_status) == (
            "restore",
            "rejected",
            "approved",
        )


def test_feature_and_unfeature_keep_the_status_and_are_audited(world, client):
    created = post_ok(client, site="sport", body="insightful")
    with world.app.app_context():
        moderator = user("sportmod@example.org")
        assert moderate_comment(created["id"], "feature", moderator).featured
        assert not moderate_comment(created["id"], "unfeature", moderator).featured
        entries = db.session.scalars(
            select(AuditEntry).where(AuditEntry.comment_id == created["id"]).order_by(AuditEntry.id)
        ).all()
        assert [(e.action, e.before_status, e.after_status) for e in entries] == [
            ("feature", "approved", "approved"),
            ("unfeature", "approved", "approved"),
        ]
        assert db.session.get(Comment, created["id"]).status == CommentStatus.APPROVED


def test_bad_actions_reasons_and_targets_are_refused(world, client):
    pending = post_ok(client, body="held")
    with world.app.app_context():
        admin = user("admin@example.org")
        with pytest.raises(ValidationError, match="action must be one of"):
            moderate_comment(pending["id"], "delete", admin)
        with pytest.raises(ValidationError, match="at most 500"):
            moderate_comment(pending["id"], "reject", admin, reason="x" * 501)
        with pytest.raises(ValidationError, match="only approved comments can be featured"):
            moderate_comment(pending["id"], "feature", admin)
        with pytest.raises(NotFound):
            moderate_comment(999_999, "approve", admin)
        with pytest.raises(Forbidden):
            moderate_comment(pending["id"], "approve", user("sportmod@example.org"))
        with pytest.raises(Forbidden):
            moderate_comment(pending["id"], "approve", user("reader@example.org"))
        comment = db.session.get(Comment, pending["id"])
        comment.status = CommentStatus.DELETED
        db.session.commit()
        with pytest.raises(Conflict):
            moderate_comment(pending["id"], "restore", admin)


def test_bulk_action_applies_to_all_in_one_transaction_each_audited(world, client):
    ids = [post_ok(client, body=f"bulk {n}")["id"] for n in range(5)]
    with world.app.app_context():
        moderator = user("newsmod@example.org")
        done = bulk_moderate(ids, "approve", moderator)
        assert [c.status for c in done] == [CommentStatus.APPROVED] * 5
        assert done[0].article.comment_count == 5
        audited = db.session.scalars(
            select(AuditEntry.comment_id).where(AuditEntry.action == "approve")
        ).all()
        assert sorted(audited) == ids


def test_bulk_action_with_a_forbidden_or_missing_comment_changes_nothing(world, client):
    news_id = post_ok(client, body="news")["id"]
    sport_id = post_ok(client, site="sport", body="sport")["id"]
    with world.app.app_context():
        with pytest.raises(Forbidden):
            bulk_moderate([news_id, sport_id], "reject", user("newsmod@example.org"))
        with pytest.raises(NotFound, match="999999"):
            bulk_moderate([news_id, 999_999], "reject", user("admin@example.org"))
        with pytest.raises(ValidationError):
            bulk_moderate(list(range(1, 202)), "reject", user("admin@example.org"))
        with pytest.raises(ValidationError):
            bulk_moderate([], "reject", user("admin@example.org"))
        db.session.expire_all()
        assert db.session.get(Comment, news_id).status == CommentStatus.PENDING
        assert db.session.get(Comment, sport_id).status == CommentStatus.APPROVED


def test_bulk_failure_half_way_rolls_back_the_earlier_changes(world, client):
    first = post_ok(client, site="sport", body="approved one")["id"]
    second = post_ok(client, site="sport", body="to be deleted")["id"]
    with world.app.app_context():
        db.session.get(Comment, second).status = CommentStatus.DELETED
        db.session.commit()
        with pytest.raises(Conflict):
            bulk_moderate([first, second], "reject", user("admin@example.org"))
        db.session.rollback()
        assert db.session.get(Comment, first).status == CommentStatus.APPROVED
        assert db.session.scalar(select(AuditEntry).where(AuditEntry.action == "reject")) is None


def test_search_filters_by_text_author_article_status_and_dates(world, client):
    token = make_token(world.app, "reader@example.org")
    post_ok(client, body="Budget talk 100%", author_name="Ann", article_title="Budget 2027")
    post_ok(client, body="Weather talk", headers=bearer(token), article="weather")
    post_ok(client, site="sport", body="Match talk", author_name="Bob", article="match")
    with world.app.app_context():
        admin = user("admin@example.org")

        def found(**filters):
            return [i.html for i in search_comments(admin, **filters).items]

        assert found(text="TALK") == [
            "<p>Match talk</p>",
            "<p>Weather talk</p>",
            "<p>Budget talk 100%</p>",
        ]
        assert found(text="100%") == ["<p>Budget talk 100%</p>"]
        assert found(text="_") == []  # LIKE wildcards are taken literally
        assert found(author="ann") == ["<p>Budget talk 100%</p>"]
        assert found(author="reader") == ["<p>Weather talk</p>"]
        assert found(article="budget") == ["<p>Budget talk 100%</p>"]
        assert found(status="approved") == ["<p>Match talk</p>"]
        assert found(site_slug="sport") == ["<p>Match talk</p>"]
        today = utcnow().date()
        assert len(found(date_from=today, date_to=today)) == 3
        assert found(date_to=today - timedelta(days=1)) == []
        assert found(date_from=today.isoformat()) != []
        assert [i.html for i in search_comments(user("sportmod@example.org")).items] == [
            "<p>Match talk</p>"
        ]
        with pytest.raises(ValidationError):
            search_comments(admin, status="gone")
        with pytest.raises(ValidationError):
            search_comments(admin, date_from="yesterday")
        with pytest.raises(Forbidden):
            search_comments(user("reader@example.org"), text="talk")


def test_audit_log_filters_and_is_scoped_to_the_moderators_sites(world, client):
    news_id = post_ok(client, body="news")["id"]  # a rule hold on news (premod)
    sport_id = post_ok(client, site="sport", body="sport")["id"]
    with world.app.app_context():
        admin = user("admin@example.org")
        moderate_comment(news_id, "approve", admin)
        moderate_comment(sport_id, "reject", admin, reason="Abusive")
        everything = audit_log(admin).items
        assert [(e.action, e.actor_name) for e in everything] == [
            ("reject", "Admin"),
            ("approve", "Admin"),
            ("rule_hold", None),
        ]
        assert [e.action for e in audit_log(admin, comment_id=news_id).items] == [
            "approve",
            "rule_hold",
        ]
        assert [e.action for e in audit_log(admin, action="reject").items] == ["reject"]
        assert [e.action for e in audit_log(admin, user_id=admin.id).items] == [
            "reject",
            "approve",
        ]
        assert [e.site_slug for e in audit_log(user("newsmod@example.org")).items] == [
            "news",
            "news",
        ]
        first = audit_log(admin, limit=2)
        rest = audit_log(admin, cursor=first.next_cursor, limit=2)
        assert [e.action for e in rest.items] == ["rule_hold"] and rest.next_cursor is None
        with pytest.raises(Forbidden):
            audit_log(user("reader@example.org"))
        with pytest.raises(Forbidden):
            audit_log(user("newsmod@example.org"), site_slug="sport")


def test_queue_counts_drop_after_moderation(world, client):
    ids = [post_ok(client, body=f"held {n}")["id"] for n in range(3)]
    with world.app.app_context():
        moderator = user("newsmod@example.org")
        assert queue_counts(moderator) == {"pending": 3, "reported": 0, "spam": 0}
        moderate_comment(ids[0], "spam", moderator)
        moderate_comment(ids[1], "reject", moderator)
        assert queue_counts(moderator, "news") == {"pending": 1, "reported": 0, "spam": 1}
        assert queue_counts(user("sportmod@example.org")) == {
            "pending": 0,
            "reported": 0,
            "spam": 0,
        }


def test_reported_queue_pages_by_report_count_with_a_cursor(world, client):
    ids = [post_ok(client, site="sport", body=f"reported {n}")["id"] for n in range(3)]
    with world.app.app_context():
        sport = site("sport")
        sport.settings = {"report_threshold": 100}
        for n, comment_id in enumerate(ids):  # 1, 2 and 3 reports
            for key in "abc"[: n + 1]:
                report_comment(comment_id, "spam", None, Viewer(guest_key=key * 64))
        moderator = user("sportmod@example.org")
        seen, cursor = [], None
        while True:
            page = list_queue("reported", moderator, "sport", cursor=cursor, limit=1)
            seen += [(i.id, i.report_count) for i in page.items]
            if (cursor := page.next_cursor) is None:
                break
        assert seen == [(ids[2], 3), (ids[1], 2), (ids[0], 1)]
        pending_cursor = encode_cursor("pending", utcnow(), ids[0])
        with pytest.raises(ValidationError):  # a pending-queue cursor is not a reported one
            list_queue("reported", moderator, cursor=pending_cursor)


def approved_count(article_key: str = "a1") -> int:
    return db.session.scalar(select(Article.comment_count).where(Article.key == article_key))


def test_a_status_change_counts_from_the_committed_status_not_a_stale_read(world, client):
    """Found fuzzing production: 20 concurrent rejections of one comment each took one off its
    article's count (three comments, count -12): each request had read "approved" before the
    first one committed "rejected"."""
    ids = [post_ok(client, body=f"Comment {n}")["id"] for n in range(3)]
    admin = "admin@example.org"
    with world.app.app_context():
        for comment_id in ids:
            moderate_comment(comment_id, "approve", user(admin))
        assert approved_count() == 3
    with world.app.app_context():
        stale = db.session.get(Comment, ids[0])
        assert stale.status == CommentStatus.APPROVED  # this request's read ...
        in_another_request(world.app, lambda: moderate_comment(ids[0], "reject", user(admin)))
        moderate_comment(ids[0], "reject", user(admin))  # ... then another rejected it first
        assert approved_count() == 2
        stale = db.session.get(Comment, ids[1])
        assert stale.status == CommentStatus.APPROVED
        in_another_request(world.app, lambda: moderate_comment(ids[1], "spam", user(admin)))
        moderate_comment(ids[1], "approve", user(admin))
        assert approved_count() == 2
    with world.app.app_context():
        assert approved_count() == 2
        statuses = db.session.scalars(select(Comment.status).where(Comment.id.in_(ids))).all()
        assert sorted(s.value for s in statuses) == ["approved", "approved", "rejected"]


def test_simultaneous_rejections_of_one_comment_take_it_off_the_count_once(world, client):
    """Real concurrency, two threads let go together, on both backends. On SQLite the re-read
    used to happen outside any transaction (Python's sqlite3 opens one at the first write):
    both requests read "approved" and the count went to -1 in every round."""
    admin = "admin@example.org"

    def reject(comment_id: int):
        return lambda: moderate_comment(comment_id, "reject", user(admin))

    for n in range(10):
        comment_id = post_ok(client, body=f"Comment {n}", article=f"r{n}")["id"]
        with world.app.app_context():
            moderate_comment(comment_id, "approve", user(admin))
        assert at_once(world.app, reject(comment_id), reject(comment_id)) == []
        with world.app.app_context():
            assert miscounted_articles() == {}
            assert db.session.get(Comment, comment_id).status == CommentStatus.REJECTED


def test_simultaneous_bulk_rejections_take_each_comment_off_the_count_once(world, client):
    """Real concurrency, on both backends. On SQLite the bulk action's locking query used to
    read outside any transaction (SQLite has no row locks): both read "approved" and each
    comment was taken off its article's count twice, in every round."""
    admin = "admin@example.org"

    def reject(ids: list[int]):
        return lambda: bulk_moderate(ids, "reject", user(admin))

    for n in range(10):
        ids = [post_ok(client, body=f"Comment {n}.{k}", article=f"r{n}")["id"] for k in (1, 2)]
        with world.app.app_context():
            bulk_moderate(ids, "approve", user(admin))
        assert at_once(world.app, reject(ids), reject(ids[::-1])) == []
        with world.app.app_context():
            assert miscounted_articles() == {}


def test_a_moderator_acting_on_a_comment_its_author_just_deleted_gets_a_conflict(world, client):
    token = make_token(world.app, "reader@example.org")
    comment_id = post_ok(client, body="Mine", headers=bearer(token))["id"]
    with world.app.app_context():
        moderate_comment(comment_id, "approve", user("admin@example.org"))
    with world.app.app_context():
        stale = db.session.get(Comment, comment_id)
        assert stale.status == CommentStatus.APPROVED
        deleted = []
        in_another_request(
            world.app,
            lambda: deleted.append(
                client.delete(f"/api/v1/comments/{comment_id}", headers=bearer(token)).status_code
            ),
        )
        assert deleted == [200]
        with pytest.raises(Conflict):
            moderate_comment(comment_id, "reject", user("admin@example.org"))
        db.session.rollback()
        assert approved_count() == 0
        assert db.session.get(Comment, comment_id).status == CommentStatus.DELETED
