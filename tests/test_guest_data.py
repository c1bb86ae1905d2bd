"""A guest's personal data erased on request (flask comments erase-guest), and IP addresses
forgotten after a retention period (flask comments forget-ips)."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from app.extensions import db
from app.models import (
    AuditEntry,
    Comment,
    CommentStatus,
    Reaction,
    ReplySubscription,
    Report,
    Role,
    Vote,
    utcnow,
)
from app.services.comments import post_comment
from app.services.guest_data import forget_ips
from app.services.identity import Viewer
from app.services.reactions import react
from app.services.reports import report_comment
from app.services.site_settings import apply_site_settings
from app.services.users import create_user
from app.services.votes import vote
from tests.dashboard_support import PASSWORD, audit_rows, signed_in
from tests.factories import make_site, run_cli

GUEST = Viewer(guest_key="a" * 64, ip="198.51.100.7")
SOMEONE = Viewer(guest_key="b" * 64, ip="203.0.113.9")


def guest_post(site: str, body: str, viewer: Viewer = GUEST, **extra) -> int:
    extra.setdefault("author_name", "Gina Guest")
    return post_comment(site_slug=site, article_key="a1", body=body, viewer=viewer, **extra).id


def history(app) -> dict[str, int]:
    """Gina commented on two sites with her address (asking for reply e-mails once), voted,
    reacted and reported; Sam, another guest, commented too."""
    make_site(app, "news")
    make_site(app, "sport")
    with app.app_context():
        apply_site_settings("sport", {"deleted_account_comments": "remove"}, None)
        ids = {
            "sam": guest_post("news", "Sam here", SOMEONE, author_email="sam@example.org"),
            "kept": guest_post(
                "news", "Mine", author_email="Gina@Example.org", notify_replies=True
            ),
            "removed": guest_post("sport", "Also mine", author_email="gina@example.org"),
            "nameless": guest_post("news", "No address on this one"),
        }
        vote(ids["sam"], 1, GUEST)
        report_comment(ids["sam"], "spam", "ads", GUEST)
        react(site_slug="news", article_key="a1", kind="love", viewer=GUEST)
    return ids


def test_erase_guest_clears_address_ip_name_and_traces_and_follows_each_sites_setting(app, runner):
    ids = history(app)
    with app.app_context():
        assert db.session.scalar(select(ReplySubscription.email)) == "Gina@Example.org"

    result = run_cli(runner, "comments", "erase-guest", "GINA@example.org")
    assert result.exit_code == 0, result.output
    assert "of 2 comments (1 removed by their site's setting)" in result.output
    assert "ended 1 reply e-mail subscriptions" in result.output
    assert "deleted 1 votes, 1 reactions and 1 reports" in result.output

    with app.app_context():
        kept, removed = (
            db.session.get(Comment, ids["kept"]),
            db.session.get(Comment, ids["removed"]),
        )
        for comment in (kept, removed):
            assert (comment.guest_email, comment.author_ip, comment.guest_key) == (None, None, None)
            assert comment.guest_name == "[deleted user]"
        assert kept.status == CommentStatus.APPROVED and kept.body_source == "Mine"
        assert removed.status == CommentStatus.DELETED
        # Sam's comment keeps everything, and loses Gina's vote and report.
        sam = db.session.get(Comment, ids["sam"])
        assert (sam.guest_email, sam.author_ip, sam.score, sam.report_count) == (
            "sam@example.org",
            "203.0.113.9",
            0,
            0,
        )
        assert db.session.scalars(select(ReplySubscription)).all() == []
        for model in (Vote, Reaction, Report):
            assert db.session.scalars(select(model)).all() == []
        # A comment she gave no address with cannot be told apart from anyone's: untouched.
        assert db.session.get(Comment, ids["nameless"]).author_ip == "198.51.100.7"
        entries = db.session.scalars(
            select(AuditEntry).where(AuditEntry.action.in_(["guest_erased", "erase_guest"]))
        ).all()
        assert sorted(e.action for e in entries) == ["erase_guest", "guest_erased", "guest_erased"]
        assert all("gina" not in str(vars(e)).lower() for e in entries)

    thread = app.test_client().get("/api/v1/threads?site=news&article=a1").get_json()
    names = {c["id"]: c["author"]["name"] for c in thread["comments"]}
    assert names[ids["kept"]] == "[deleted user]" and names[ids["sam"]] == "Gina Guest"
    assert thread["article"]["reactions"]["love"] == 0
    sport = app.test_client().get("/api/v1/threads?site=sport&article=a1").get_json()
    assert sport["article"]["comment_count"] == 0


def test_erasing_an_unknown_address_changes_nothing_and_a_bad_one_is_refused(app, runner):
    ids = history(app)
    unknown = run_cli(runner, "comments", "erase-guest", "nobody@example.org")
    assert unknown.exit_code == 0 and "of 0 comments" in unknown.output
    with app.app_context():
        assert db.session.get(Comment, ids["kept"]).guest_email == "Gina@Example.org"
    bad = runner.invoke(args=["comments", "erase-guest", "not an address"])
    assert bad.exit_code == 1 and "Error:" in bad.output and "valid email" in bad.output


def test_forget_ips_clears_addresses_older_than_the_retention_period(app, runner):
    ids = history(app)
    with app.app_context():
        old = db.session.get(Comment, ids["sam"])
        old.created_at = utcnow() - timedelta(days=31)
        db.session.commit()
    result = run_cli(runner, "comments", "forget-ips", "--older-than", "30")
    assert result.exit_code == 0, result.output
    assert "Forgot the IP address of 1 comments older than 30 days" in result.output
    with app.app_context():
        assert db.session.get(Comment, ids["sam"]).author_ip is None
        assert db.session.get(Comment, ids["kept"]).author_ip == "198.51.100.7"
    assert run_cli(runner, "comments", "forget-ips", "--older-than", "0").exit_code == 0
    with app.app_context():
        assert (
            db.session.scalars(
                select(Comment.author_ip).where(Comment.author_ip.is_not(None))
            ).all()
            == []
        )
    bad = runner.invoke(args=["comments", "forget-ips", "--older-than", "-1"])
    assert bad.exit_code == 2 and "--older-than" in bad.output


def test_the_audit_log_names_the_erasure_request_and_never_the_address(app, runner):
    history(app)
    with app.app_context():
        create_user("admin@example.org", "Admin", PASSWORD, Role.ADMIN)
    assert run_cli(runner, "comments", "erase-guest", "gina@example.org").exit_code == 0
    page = signed_in(app, "admin@example.org").get("/moderation/audit").get_data(as_text=True)
    erased = [text for action, text in audit_rows(page) if action == "guest_erased"]
    assert len(erased) == 2 and all("erasure request" in text for text in erased)
    assert "gina" not in page.lower()


def test_forget_ips_works_through_a_large_table_in_batches(app):
    ids = history(app)
    with app.app_context():
        for comment in db.session.scalars(select(Comment)).all():
            comment.created_at = utcnow() - timedelta(days=400)
        db.session.get(Comment, ids["nameless"]).created_at = utcnow()
        db.session.commit()
        assert forget_ips(365, batch=2) == 3
        assert db.session.scalars(
            select(Comment.author_ip).where(Comment.author_ip.is_not(None))
        ).all() == ["198.51.100.7"]


def test_a_score_is_counted_again_when_an_erased_guest_shared_an_address(app, runner):
    """Guests count once per address (their address's first vote): once Gina's vote is gone,
    her housemate's vote from the same address is the one that counts."""
    make_site(app, "news")
    gina = Viewer(guest_key=GUEST.guest_key, ip=GUEST.ip, ip_key="198.51.100.7-keyed")
    housemate = Viewer(guest_key="c" * 64, ip=GUEST.ip, ip_key="198.51.100.7-keyed")
    with app.app_context():
        guest_post("news", "Mine", gina, author_email="gina@example.org")
        voted = guest_post("news", "Sam's", SOMEONE)
        vote(voted, 1, gina)
        vote(voted, -1, housemate)
        assert db.session.scalar(select(Comment.score).where(Comment.id == voted)) == 1
    assert run_cli(runner, "comments", "erase-guest", "gina@example.org").exit_code == 0
    with app.app_context():
        assert db.session.scalar(select(Comment.score).where(Comment.id == voted)) == -1
