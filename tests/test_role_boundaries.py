"""A moderator limited to some sites stays within them: accounts reached without a site, other
sites' bans and reasons, trust that would reach other sites, and audit entries without a site."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from app.extensions import db
from app.models import AuditEntry, Site
from tests.dashboard_support import signed_in, user
from tests.factories import bearer, make_token, post_ok

# The shared world, with news posting straight away, a second site (sport), a moderator of
# news only (newsmod@) and one of every site (allmod@).
pytestmark = pytest.mark.world(premod=False, sport=True)


def tokens(app) -> dict[str, dict[str, str]]:
    return {
        who: bearer(make_token(app, f"{who}@example.org"))
        for who in ("admin", "newsmod", "allmod", "reader")
    }


def reader_id(app) -> int:
    with app.app_context():
        return user("reader@example.org").id


def set_premod(app, slug: str) -> None:
    with app.app_context():
        db.session.scalar(select(Site).where(Site.slug == slug)).premod = True
        db.session.commit()


def test_site_less_account_routes_are_for_admins_and_all_site_moderators(world, client):
    auth = tokens(world.app)
    account = f"/api/v1/moderation/users/{reader_id(world.app)}"
    assert client.get(account, headers=auth["newsmod"]).status_code == 403
    trust = client.post(account, json={"action": "trust"}, headers=auth["newsmod"])
    assert trust.status_code == 403 and trust.get_json()["error"]["code"] == "forbidden"
    assert client.get(f"{account}?site=sport", headers=auth["newsmod"]).status_code == 403
    assert client.get(f"{account}?site=news", headers=auth["newsmod"]).status_code == 200
    for everywhere in ("admin", "allmod"):
        assert client.get(account, headers=auth[everywhere]).status_code == 200
    with world.app.app_context():
        assert not user("reader@example.org").trusted


def test_the_dashboard_account_page_and_form_need_a_site_for_a_limited_moderator(world):
    mod = signed_in(world.app, "newsmod@example.org")
    page = f"/moderation/users/{reader_id(world.app)}"
    assert mod.get(page).status_code == 403
    assert mod.get(f"{page}?site=sport").status_code == 403
    assert mod.get(f"{page}?site=news").status_code == 200
    refused = mod.post(page, data={"action": "trust", "csrf_token": mod.csrf})
    assert refused.status_code == 403
    done = mod.post(page, data={"action": "trust", "site": "news", "csrf_token": mod.csrf})
    assert done.status_code == 303 and "site=news" in done.headers["Location"]
    assert signed_in(world.app, "allmod@example.org").get(page).status_code == 200


def test_a_limited_moderator_sees_only_bans_that_apply_on_their_sites(world, client):
    auth = tokens(world.app)
    rid = reader_id(world.app)
    account = f"/api/v1/moderation/users/{rid}"
    for site, reason in (("sport", "sport-only private reason"), ("news", "news reason")):
        body = {"action": "ban", "site": site, "reason": reason}
        assert client.post(account, json=body, headers=auth["admin"]).status_code == 200
    seen = client.get(f"{account}?site=news", headers=auth["newsmod"]).get_json()
    assert [(b["site"], b["reason"]) for b in seen["bans"]] == [("news", "news reason")]
    assert "sport-only" not in str(seen)
    everything = client.get(account, headers=auth["admin"]).get_json()
    assert {b["site"] for b in everything["bans"]} == {"news", "sport"}


def test_trust_from_a_limited_moderator_does_not_reach_other_sites(world, client):
    set_premod(world.app, "news")
    set_premod(world.app, "sport")
    auth = tokens(world.app)
    held = post_ok(client, body="held on news", headers=auth["reader"])
    assert held["status"] == "pending"
    author = f"/api/v1/moderation/comments/{held['id']}/author"
    trusted = client.post(author, json={"action": "trust"}, headers=auth["newsmod"])
    assert trusted.status_code == 200 and trusted.get_json()["trusted"] is True
    assert post_ok(client, body="news again", headers=auth["reader"])["status"] == "approved"
    elsewhere = post_ok(client, body="on sport", site="sport", headers=auth["reader"])
    assert elsewhere["status"] == "pending"
    with world.app.app_context():
        assert user("reader@example.org").trusted is False
    # An all-site moderator's trust reaches every site.
    client.post(author, json={"action": "trust"}, headers=auth["allmod"])
    assert post_ok(client, body="sport now", site="sport", headers=auth["reader"])["status"] == (
        "approved"
    )


def test_every_audit_entry_of_a_limited_moderator_names_the_site_it_touched(world, client):
    auth = tokens(world.app)
    held = post_ok(client, body="on news", headers=auth["reader"])
    author = f"/api/v1/moderation/comments/{held['id']}/author"
    account = f"/api/v1/moderation/users/{reader_id(world.app)}"
    for body in ({"action": "trust"}, {"action": "suspend", "days": 2}, {"action": "reset"}):
        assert client.post(author, json=body, headers=auth["newsmod"]).status_code == 200
    assert (
        client.post(
            account, json={"action": "ban", "site": "news"}, headers=auth["newsmod"]
        ).status_code
        == 200
    )
    client.post(account, json={"action": "reset", "site": "news"}, headers=auth["newsmod"])
    refused = client.post(account, json={"action": "trust"}, headers=auth["newsmod"])
    assert refused.status_code == 403  # a site-less action would touch every site
    with world.app.app_context():
        news_id = db.session.scalar(select(Site.id).where(Site.slug == "news"))
        mine = db.session.scalars(
            select(AuditEntry).where(AuditEntry.actor_id == user("newsmod@example.org").id)
        ).all()
        assert len(mine) == 5
        assert {entry.site_id for entry in mine} == {news_id}
    log = client.get("/api/v1/moderation/audit?site=news", headers=auth["newsmod"]).get_json()
    assert {"trust", "suspend", "reset", "ban"} <= {e["action"] for e in log["entries"]}


def test_author_history_counts_only_the_sites_a_limited_moderator_has(world, client):
    from tests.widget_support import Browser

    set_premod(world.app, "news")
    auth = tokens(world.app)
    guest = Browser(world.app)
    for site, bodies in (("news", ["n1", "n2"]), ("sport", ["s1", "s2", "s3"])):
        for body in bodies:
            post_ok(client, body=body, site=site, headers=auth["reader"])
            guest.comment(body, site=site)
    sport = client.get("/api/v1/moderation/search?site=sport", headers=auth["admin"]).get_json()
    for item in sport["comments"]:  # rejections the news moderator must not count
        decided = {"action": "reject"}
        moderation = f"/api/v1/moderation/comments/{item['id']}"
        assert client.post(moderation, json=decided, headers=auth["admin"]).status_code == 200

    def histories(who: str) -> list[dict]:
        queue = "/api/v1/moderation/queues/pending?site=news"
        items = client.get(queue, headers=auth[who]).get_json()["comments"]
        found = client.get("/api/v1/moderation/search?site=news", headers=auth[who]).get_json()
        one = f"/api/v1/moderation/comments/{items[0]['id']}"
        shown = [i["author"]["history"] for i in items + found["comments"]]
        shown.append(client.get(one, headers=auth[who]).get_json()["author"]["history"])
        shown.append(client.get(f"{one}/author", headers=auth[who]).get_json()["history"])
        account = f"/api/v1/moderation/users/{reader_id(world.app)}?site=news"
        shown.append(client.get(account, headers=auth[who]).get_json()["history"])
        return shown

    limited = histories("newsmod")
    assert len(limited) == 4 + 4 + 3
    for history in limited:
        counts = {k: history[k] for k in ("comments", "pending", "rejected", "approved")}
        assert counts == {"comments": 2, "pending": 2, "rejected": 0, "approved": 0}
    for everywhere in ("admin", "allmod"):
        for history in histories(everywhere):
            assert (history["comments"], history["pending"], history["rejected"]) == (5, 2, 3)
    mod = signed_in(world.app, "newsmod@example.org")
    account_page = mod.get(f"/moderation/users/{reader_id(world.app)}?site=news").get_data(True)
    assert "2 comments, 0 approved, 0 rejected, 0 spam." in account_page
    queue_page = mod.get("/moderation/?site=news").get_data(as_text=True)
    assert "2 comments," in queue_page and "5 comments" not in queue_page
