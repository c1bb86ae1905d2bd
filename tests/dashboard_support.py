"""Helpers for the sign-in and dashboard tests: real forms, real CSRF tokens, real sessions."""

from __future__ import annotations

import re
from dataclasses import dataclass
from itertools import count

from flask import Flask, url_for
from sqlalchemy import func, select
from werkzeug.security import generate_password_hash

from app.extensions import db
from app.models import AuditEntry, Ban, Comment, Role, Site, User
from app.services import webhooks
from app.services.comments import post_comment
from app.services.identity import Viewer
from app.services.site_settings import all_settings
from app.services.webhook_sending import record_deliveries
from tests.factories import make_site

PASSWORD = "correct horse battery"  # what tests.factories.make_user gives every account
CSRF_INPUT = re.compile(r'name="csrf_token" value="([^"]+)"')


def csrf_token(client, path: str = "/auth/login") -> str:
    """The CSRF token of the client's session, read from a page's form as a browser would."""
    page = client.get(path)
    match = CSRF_INPUT.search(page.get_data(as_text=True))
    assert match, f"no CSRF token in the form at {path} ({page.status_code})"
    return match.group(1)


def sign_in(client, email: str, password: str = PASSWORD, next_url: str | None = None):
    """Submit the sign-in form; returns the (unfollowed) response.

    The form's CSRF token stays valid for the session and is kept as ``client.csrf``.
    """
    token = csrf_token(client)
    client.csrf = token
    path = "/auth/login" if next_url is None else f"/auth/login?next={next_url}"
    return client.post(path, data={"email": email, "password": password, "csrf_token": token})


AUDIT_ROW = re.compile(r'<tr data-audit-action="([a-z_]+)">(.*?)</tr>', re.S)


def audit_rows(html: str) -> list[tuple[str, str]]:
    """(action, the row's text) for each audit entry on a page, newest first."""
    return [(action, re.sub(r"<[^>]+>", " ", body)) for action, body in AUDIT_ROW.findall(html)]


def signed_in(app, email: str):
    """A new test client signed in as ``email`` (its CSRF token in ``client.csrf``)."""
    client = app.test_client()
    response = sign_in(client, email)
    assert response.status_code == 302, response.get_data(as_text=True)
    return client


# --- a world to exercise every dashboard route in --------------------------------------


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
    webhook: dict[str, int] | None = None

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


def url_and_form(world: World, method: str, rule, with_token: str | None) -> tuple[str, dict]:
    """A URL for ``rule`` on the news site, and a valid form for it when it is a POST."""
    comment_id, article = world.fresh_comment()
    values = {"site_slug": "news", "queue": "pending", "comment_id": comment_id}
    values.update({"user_id": world.author_id})
    if "webhook_id" in rule.arguments:
        values.update(world_webhook(world))
    missing = set(rule.arguments) - set(values)
    assert not missing, f"{rule.rule}: no test value for {missing}"
    with world.app.test_request_context():
        url = url_for(rule.endpoint, **{k: values[k] for k in rule.arguments})
    if rule.endpoint == "dashboard.show_author":  # a moderator of some sites names the site
        url += "?site=news"
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
    "dashboard.moderate_account": lambda cid, art: {"action": "reset", "site": "news"},
    "dashboard.update_article": lambda cid, art: {"action": "close", "article": art},
    "dashboard.save_settings": None,  # built from the site's current settings
    "dashboard.add_staff": lambda cid, art: {
        "email": "reader@example.org",
        "role": "moderator",
        "sites": ["news"],
    },
    "dashboard.update_staff": lambda cid, art: {"role": "reader"},
    "dashboard.save_alerts": lambda cid, art: {"alert-news": "daily"},
    # A public address, never contacted: the add only resolves the literal, and the webhook
    # receives comment.edited only, which no dashboard route causes (a reader's own edit does).
    "dashboard.add_webhook": lambda cid, art: {
        "url": "https://93.184.215.14/hooks",
        "secret": "a-webhook-secret",
        "events": ["comment.edited"],
    },
    "dashboard.change_webhook": lambda cid, art: {"action": "enable"},
    "dashboard.redeliver": lambda cid, art: {},
}


def world_webhook(world: World) -> dict[str, int]:
    """A webhook of news (on 127.0.0.1, so deliveries are refused at once: the world does not
    allow private addresses) with one delivery: {"webhook_id", "delivery_id"}."""
    if world.webhook is None:
        with world.app.app_context():
            hook = webhooks.add_webhook(
                "news",
                "http://127.0.0.1:9/hook",
                "a-webhook-secret",
                ["comment.reported"],
                allow_private=True,
            )
            [delivery] = record_deliveries([hook], "msg_world", "comment.reported", {"type": "x"})
            world.webhook = {"webhook_id": hook.id, "delivery_id": delivery}
    return world.webhook


# The world's accounts get a cheap (but real, checked by the real sign-in) password hash:
# the default scrypt costs ~0.2 s per account, and every dashboard test makes five.
FAST_HASH = generate_password_hash(PASSWORD, method="pbkdf2:sha256:1000")


def make_account(app: Flask, email: str, name: str, role: Role, sites: tuple[str, ...] = ()):
    with app.app_context():
        user = User(
            email=email,
            name=name,
            password_hash=FAST_HASH,
            role=role,
            moderated_sites=list(db.session.scalars(select(Site).where(Site.slug.in_(sites)))),
        )
        db.session.add(user)
        db.session.commit()
        return user.id


def make_world(app: Flask, *, premod: bool = True, sport: bool = False) -> World:
    """Sites news and other; an admin, a moderator of each, a reader, an author.

    ``premod``: whether news holds every new comment for a moderator (the dashboard tests
    want a queue; the author and article tests want posts to go live). ``sport``: also a
    site sport, with a moderator of news only (newsmod@), one of sport only (sportmod@) and
    one of every site (allmod@), for the tests of who may act on which site. Test modules
    choose with ``pytestmark = pytest.mark.world(premod=..., sport=...)``.
    """
    make_site(app, "news", premod=premod)
    make_site(app, "other", origins=["https://other.example"])
    make_account(app, "admin@example.org", "Admin", Role.ADMIN)
    make_account(app, "mod@example.org", "News Mod", Role.MODERATOR, ("news",))
    make_account(app, "othermod@example.org", "Other Mod", Role.MODERATOR, ("other",))
    make_account(app, "reader@example.org", "Reader", Role.READER)
    author_id = make_account(app, "author@example.org", "Author", Role.READER)
    if sport:
        make_site(app, "sport")
        make_account(app, "newsmod@example.org", "News Mod", Role.MODERATOR, ("news",))
        make_account(app, "sportmod@example.org", "Sport Mod", Role.MODERATOR, ("sport",))
        make_account(app, "allmod@example.org", "All Mod", Role.MODERATOR)
    return World(app, author_id, count(1))


def user(email: str) -> User:
    """The account with this email (inside an app context)."""
    return db.session.scalar(select(User).where(User.email == email))


def site(slug: str) -> Site:
    """The site with this slug (inside an app context)."""
    return db.session.scalar(select(Site).where(Site.slug == slug))


def snapshot(app: Flask) -> tuple:
    with app.app_context():
        statuses = tuple(db.session.execute(select(Comment.id, Comment.status)).all())
        audits = db.session.scalar(select(func.count(AuditEntry.id)))
        bans = db.session.scalar(select(func.count(Ban.id)))
        site = db.session.scalar(select(Site).where(Site.slug == "news"))
        return statuses, audits, bans, dict(site.settings or {})


# Every setting of the settings form at its default, as a browser would send it.
SETTINGS_FORM = {
    "allow_guests": "on",
    "banned_words_action": "reject",
    "max_links": "3",
    "new_author_comments": "0",
    "duplicate_window_minutes": "0",
    "rate_limit_posts": "0",
    "rate_limit_seconds": "60",
    "report_threshold": "3",
    "reject_reasons": "Off topic",
}


def save_settings(client, changes: dict[str, str]):
    """Submit the news site's settings form as a browser would: every setting at its default
    (``SETTINGS_FORM``) but ``changes``, with the client's CSRF token; the unfollowed response."""
    form = {**SETTINGS_FORM, **changes, "csrf_token": client.csrf}
    return client.post("/moderation/sites/news/settings", data=form)
