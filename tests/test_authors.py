"""Actions on authors: bans (one site or all), suspensions, trust, reset; guests and accounts."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from app.extensions import db
from app.models import AuditEntry, Ban, Site, utcnow
from app.services import authors
from app.services.authors import AuthorRef
from app.services.errors import Forbidden, ValidationError
from tests.dashboard_support import user
from tests.factories import bearer, make_token, post_comment, post_ok

# The shared world, with news posting straight away and a second site (sport) of its own.
pytestmark = pytest.mark.world(premod=False, sport=True)


def last_audit() -> AuditEntry:
    return db.session.scalars(select(AuditEntry).order_by(AuditEntry.id.desc())).first()


def test_site_ban_of_an_account_refuses_its_next_post_on_that_site_only(world, client):
    token = bearer(make_token(world.app, "reader@example.org"))
    created = post_ok(client, body="first", headers=token)
    with world.app.app_context():
        status = authors.ban_author(
            AuthorRef(created["id"]), user("newsmod@example.org"), "site", "Abusive"
        )
        assert status.banned and status.bans[0].site_slug == "news"
        entry = last_audit()
        assert (entry.action, entry.comment_id, entry.target_user_id) == (
            "ban",
            created["id"],
            user("reader@example.org").id,
        )
        assert entry.reason == "banned on news: Abusive"
    refused = post_comment(client, body="again", headers=token)
    assert refused.status_code == 403
    assert refused.get_json()["error"]["code"] == "banned"
    assert "banned" in refused.get_json()["error"]["message"]
    post_ok(client, site="sport", body="elsewhere is fine", headers=token)


def test_guest_is_banned_by_browser_id_and_ip(world, client):
    created = post_ok(client, body="guest words")
    with world.app.app_context():
        authors.ban_author(AuthorRef(created["id"]), user("newsmod@example.org"), "site", None)
        ban = db.session.scalar(select(Ban))
        assert (ban.user_id, ban.ip, ban.site_id is not None) == (None, "127.0.0.1", True)
        assert last_audit().target_user_id is None
    # Same IP, new identity: still refused.
    assert post_comment(client, body="again", author_name="New name").status_code == 403


def test_global_ban_is_for_admins_and_covers_every_site(world, client):
    token = bearer(make_token(world.app, "reader@example.org"))
    with world.app.app_context():
        reader_id = user("reader@example.org").id
        with pytest.raises(Forbidden):
            authors.ban_author(
                AuthorRef(user_id=reader_id), user("newsmod@example.org"), "everywhere", None
            )
        authors.ban_author(
            AuthorRef(user_id=reader_id), user("admin@example.org"), "everywhere", "spammer"
        )
        entry = last_audit()
        assert (entry.action, entry.site_id, entry.target_user_id) == (
            "ban_global",
            None,
            reader_id,
        )
    # Banned everywhere: the account's API tokens (and sessions) end with the ban, and a token
    # issued afterwards still meets the ban on every site.
    for slug in ("news", "sport"):
        refused = post_comment(client, site=slug, headers=token)
        assert refused.status_code == 401 and refused.get_json()["error"]["code"] == "invalid_token"
    fresh = bearer(make_token(world.app, "reader@example.org"))
    for slug in ("news", "sport"):
        assert post_comment(client, site=slug, headers=fresh).status_code == 403


def test_suspension_ends_after_its_days(world, client):
    token = bearer(make_token(world.app, "reader@example.org"))
    created = post_ok(client, headers=token)
    with world.app.app_context():
        moderator = user("newsmod@example.org")
        with pytest.raises(ValidationError):
            authors.suspend_author(AuthorRef(created["id"]), moderator, "site", None, 0)
        status = authors.suspend_author(AuthorRef(created["id"]), moderator, "site", "cool off", 3)
        assert status.bans[0].expires_at > utcnow() + timedelta(days=2, hours=23)
        assert last_audit().reason == "suspended on news for 3 day(s): cool off"
    refused = post_comment(client, headers=token)
    assert refused.status_code == 403 and "until" in refused.get_json()["error"]["message"]
    with world.app.app_context():
        db.session.scalar(select(Ban)).expires_at = utcnow() - timedelta(seconds=1)
        db.session.commit()
    post_ok(client, body="back", headers=token)


def test_trust_skips_premod_and_reset_takes_it_back_and_lifts_bans(world, client):
    token = bearer(make_token(world.app, "reader@example.org"))
    with world.app.app_context():
        db.session.scalar(select(Site).where(Site.slug == "news")).premod = True
        db.session.commit()
    held = post_ok(client, body="held", headers=token)
    assert held["status"] == "pending"
    with world.app.app_context():
        moderator = user("newsmod@example.org")
        assert authors.trust_author(AuthorRef(held["id"]), moderator, "regular, civil").trusted
        entry = last_audit()
        assert (entry.action, entry.actor_id, entry.reason) == (
            "trust",
            moderator.id,
            "regular, civil",
        )
        assert entry.target_user_id == user("reader@example.org").id
    assert post_ok(client, body="trusted now", headers=token)["status"] == "approved"
    with world.app.app_context():
        moderator = user("newsmod@example.org")
        authors.ban_author(AuthorRef(held["id"]), moderator, "site", None)
        status = authors.reset_author(AuthorRef(held["id"]), moderator, "second chance")
        assert not status.trusted and not status.banned
        assert last_audit().reason == "reset to normal; 1 ban(s) lifted: second chance"
    assert post_ok(client, body="normal again", headers=token)["status"] == "pending"


def test_site_moderator_reset_leaves_a_global_ban_in_place(world, client):
    token = bearer(make_token(world.app, "reader@example.org"))
    created = post_ok(client, headers=token)
    with world.app.app_context():
        authors.ban_author(AuthorRef(created["id"]), user("admin@example.org"), "everywhere", None)
        status = authors.reset_author(AuthorRef(created["id"]), user("newsmod@example.org"))
        assert [b.site_slug for b in status.bans] == [None]
        assert authors.reset_author(AuthorRef(created["id"]), user("admin@example.org")).bans == []


def test_guests_cannot_be_trusted_and_staff_are_protected(world, client):
    guest = post_ok(client, body="guest")
    admin_post = post_ok(
        client, body="admin", headers=bearer(make_token(world.app, "admin@example.org"))
    )
    mod_post = post_ok(
        client, body="mod", headers=bearer(make_token(world.app, "newsmod@example.org"))
    )
    with world.app.app_context():
        moderator = user("newsmod@example.org")
        with pytest.raises(ValidationError, match="guests"):
            authors.trust_author(AuthorRef(guest["id"]), moderator)
        with pytest.raises(Forbidden):
            authors.ban_author(AuthorRef(admin_post["id"]), moderator, "site", None)
        with pytest.raises(ValidationError, match="your own"):
            authors.ban_author(AuthorRef(mod_post["id"]), moderator, "site", None)
        with pytest.raises(Forbidden):
            authors.ban_author(AuthorRef(guest["id"]), user("reader@example.org"), "site", None)
        with pytest.raises(ValidationError):
            authors.ban_author(
                AuthorRef(user_id=user("reader@example.org").id),
                user("admin@example.org"),
                "site",
                None,
            )  # a one-site ban by account needs the site


def test_moderator_of_another_site_cannot_act_on_its_authors(world, client):
    created = post_ok(client, site="sport", body="sport")
    with world.app.app_context():
        with pytest.raises(Forbidden):
            authors.ban_author(AuthorRef(created["id"]), user("newsmod@example.org"), "site", None)
        with pytest.raises(Forbidden):
            authors.ban_author(
                AuthorRef(user_id=user("reader@example.org").id, site_slug="sport"),
                user("newsmod@example.org"),
                "site",
                None,
            )


def test_author_status_shows_history_of_an_account(world, client):
    token = bearer(make_token(world.app, "reader@example.org"))
    post_ok(client, body="one", headers=token)
    post_ok(client, body="two", headers=token)
    with world.app.app_context():
        status = authors.author_status(
            AuthorRef(user_id=user("reader@example.org").id), user("admin@example.org")
        )
        assert (status.name, status.history.comments, status.history.approved) == ("Reader", 2, 2)
        assert status.history.account_age_days == 0
