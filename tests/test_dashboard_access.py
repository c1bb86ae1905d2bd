"""Who may open every dashboard page and submit every dashboard form.

The routes come from ``app.url_map`` (every rule of the ``dashboard`` blueprint), so a route
added later is covered without touching this file, unless it is a form this file cannot fill:
then ``test_every_dashboard_form_has_test_data`` fails and says which.
"""

from __future__ import annotations

from dataclasses import dataclass
from itertools import count

import pytest
from flask import Flask
from sqlalchemy import func, select

from app.extensions import db
from app.models import AuditEntry, Ban, Comment, Role, Site, User
from app.services.comments import post_comment
from app.services.identity import Viewer
from app.services.site_settings import all_settings
from tests.dashboard_support import csrf_token, signed_in
from tests.factories import make_site, make_user

# Pages only admins may open (a moderator gets 403 even on their own site).
ADMIN_ONLY = {"dashboard.edit_settings", "dashboard.save_settings"}
# URL arguments that tie a route to one site: another site's moderator gets 403 there.
SITE_BOUND_ARGS = {"site_slug", "comment_id"}


def dashboard_rules(app: Flask) -> list:
    return [r for r in app.url_map.iter_rules() if r.endpoint.startswith("dashboard.")]


def rule_cases(app: Flask) -> list[tuple[str, object]]:
    """(method, rule) for every method every dashboard rule answers."""
    cases = []
    for rule in dashboard_rules(app):
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            cases.append((method, rule))
    return cases


@dataclass
class World:
    """Two sites, one person of each role, and a way to make fresh pending comments on news."""

    app: Flask
    author_id: int
    serial: count

    def fresh_comment(self) -> tuple[int, str]:
        """A new pending comment by the author on a new article of ``news``: (id, article)."""
        article = f"article-{next(self.serial)}"
        with self.app.app_context():
            author = db.session.get(User, self.author_id)
            comment = post_comment(
                site_slug="news",
                article_key=article,
                body="A comment **waiting** for a moderator",
                viewer=Viewer(user=author, ip="198.51.100.7"),
                article_title=f"Title of {article}",
            )
            return comment.id, article


@pytest.fixture
def world(app) -> World:
    make_site(app, "news", premod=True)
    make_site(app, "other", origins=["https://other.example"])
    make_user(app, "admin@example.org", "Admin", Role.ADMIN)
    make_user(app, "mod@example.org", "News Mod", Role.MODERATOR, ("news",))
    make_user(app, "othermod@example.org", "Other Mod", Role.MODERATOR, ("other",))
    make_user(app, "reader@example.org", "Reader")
    author_id = make_user(app, "author@example.org", "Author")
    return World(app, author_id, count(1))


def url_and_form(world: World, method: str, rule, with_token: str | None) -> tuple[str, dict]:
    """A URL for ``rule`` on the news site, and a valid form for it when it is a POST."""
    comment_id, article = world.fresh_comment()
    values = {"site_slug": "news", "queue": "pending", "comment_id": comment_id}
    values.update({"user_id": world.author_id})
    missing = set(rule.arguments) - set(values)
    assert not missing, f"{rule.rule}: no test value for {missing}"
    with world.app.test_request_context():
        from flask import url_for

        url = url_for(rule.endpoint, **{k: values[k] for k in rule.arguments})
    form = form_for(world, rule.endpoint, comment_id, article) if method == "POST" else {}
    if with_token is not None:
        form["csrf_token"] = with_token
    return url, form


def form_for(world: World, endpoint: str, comment_id: int, article: str) -> dict:
    if endpoint == "dashboard.save_settings":
        with world.app.app_context():
            site = db.session.scalar(select(Site).where(Site.slug == "news"))
            values = all_settings(site)
        form = {}
        for name, value in values.items():
            if isinstance(value, bool):
                if value:
                    form[name] = "on"
            elif isinstance(value, list):
                form[name] = "\n".join(value)
            else:
                form[name] = "" if value is None else str(value)
        return form
    return FORMS[endpoint](comment_id, article)


FORMS = {
    "dashboard.moderate_comment": lambda cid, art: {"action": "approve", "reason": "fine"},
    "dashboard.bulk_moderate": lambda cid, art: {"action": "approve", "ids": [str(cid)]},
    "dashboard.moderate_author": lambda cid, art: {"action": "reset"},
    "dashboard.update_article": lambda cid, art: {"action": "close", "article": art},
    "dashboard.save_settings": None,  # built from the site's current settings
}


def test_every_dashboard_form_has_test_data(app):
    posts = {rule.endpoint for method, rule in rule_cases(app) if method == "POST"}
    assert posts, "the dashboard has forms"
    assert posts <= set(FORMS), f"add test form data for {sorted(posts - set(FORMS))}"


def test_the_dashboard_has_the_pages_the_moderators_need(app):
    endpoints = {rule.endpoint for rule in dashboard_rules(app)}
    assert {
        "dashboard.index",
        "dashboard.show_queue",
        "dashboard.search",
        "dashboard.show_comment",
        "dashboard.show_audit",
        "dashboard.list_articles",
        "dashboard.edit_settings",
        "dashboard.moderate_comment",
        "dashboard.bulk_moderate",
        "dashboard.moderate_author",
    } <= endpoints


def request_as(client, method: str, url: str, form: dict):
    if method == "GET":
        return client.get(url)
    return client.post(url, data=form)


def test_anonymous_visitors_are_sent_to_sign_in_on_every_route(app, world):
    client = app.test_client()
    token = csrf_token(client)  # a real token, so the refusal is the sign-in, not CSRF
    for method, rule in rule_cases(app):
        url, form = url_and_form(world, method, rule, token)
        response = request_as(client, method, url, form)
        assert response.status_code == 302, (method, rule.rule, response.status_code)
        assert response.headers["Location"].startswith("/auth/login?next="), rule.rule


def test_readers_get_403_on_every_route(app, world):
    client = signed_in(app, "reader@example.org")
    token = client.csrf
    for method, rule in rule_cases(app):
        url, form = url_and_form(world, method, rule, token)
        response = request_as(client, method, url, form)
        assert response.status_code == 403, (method, rule.rule, response.status_code)
        assert "text/html" in response.content_type


def _snapshot(app: Flask) -> tuple:
    with app.app_context():
        statuses = tuple(db.session.execute(select(Comment.id, Comment.status)).all())
        audits = db.session.scalar(select(func.count(AuditEntry.id)))
        bans = db.session.scalar(select(func.count(Ban.id)))
        site = db.session.scalar(select(Site).where(Site.slug == "news"))
        return statuses, audits, bans, dict(site.settings or {})


def test_moderator_of_another_site_gets_403_on_this_sites_pages_and_forms(app, world):
    client = signed_in(app, "othermod@example.org")
    token = client.csrf
    for method, rule in rule_cases(app):
        url, form = url_and_form(world, method, rule, token)
        before = _snapshot(app)
        response = request_as(client, method, url, form)
        # Every form here names a comment, article or setting of news: all are site-bound.
        site_bound = method == "POST" or bool(set(rule.arguments) & SITE_BOUND_ARGS)
        if site_bound or rule.endpoint in ADMIN_ONLY:
            assert response.status_code == 403, (method, rule.rule, response.status_code)
            assert _snapshot(app) == before, f"{method} {rule.rule} changed something"
        else:
            assert response.status_code in (200, 302), (method, rule.rule, response.status_code)


def test_moderator_of_another_site_does_not_see_this_sites_comments(app, world):
    comment_id, _article = world.fresh_comment()
    client = signed_in(app, "othermod@example.org")
    for url in ("/moderation/", "/moderation/queue/pending", "/moderation/search?q=waiting"):
        html = client.get(url).get_data(as_text=True)
        assert f'data-comment-id="{comment_id}"' not in html, url


@pytest.mark.parametrize("email", ["mod@example.org", "admin@example.org"])
def test_moderator_of_the_site_and_admin_may_use_every_route(app, world, email):
    client = signed_in(app, email)
    token = client.csrf
    for method, rule in rule_cases(app):
        url, form = url_and_form(world, method, rule, token)
        response = request_as(client, method, url, form)
        if rule.endpoint in ADMIN_ONLY and email != "admin@example.org":
            assert response.status_code == 403, (method, rule.rule, response.status_code)
            continue
        if method == "GET":
            expected = 302 if rule.endpoint == "dashboard.choose_site" else 200
            assert response.status_code == expected, (rule.rule, response.status_code)
        else:
            assert response.status_code == 303, (rule.rule, response.get_data(as_text=True))
            landing = client.get(response.headers["Location"])
            assert landing.status_code == 200, (rule.rule, response.headers["Location"])
