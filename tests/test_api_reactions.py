"""POST /api/v1/reactions: one reaction per reader per article, toggled or changed."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from app.extensions import db
from app.models import Article, Reaction
from tests.factories import FRAME_ORIGIN, bearer, make_site, make_token, make_user
from tests.test_openapi import served_spec
from tests.widget_support import (
    Browser,
    assert_errors_are_documented,
    guest_pages,  # noqa: F401 - autouse fixture
    rate_limited_app,
    sso_headers_refused,
)

KINDS = ["like", "love", "haha", "wow", "sad", "angry"]
URL = "/api/v1/reactions"


def react(client, kind="like", article="a1", site="news", headers=None, **kwargs):
    # As the widget frame sends it: from Parley's own origin, which may create articles.
    headers = {"Origin": FRAME_ORIGIN, **(headers or {})}
    return client.post(
        URL, json={"site": site, "article": article, "kind": kind}, headers=headers, **kwargs
    )


def stored_reactions(app) -> list[tuple[str, str]]:
    with app.app_context():
        rows = db.session.execute(select(Reaction.reactor, Reaction.kind)).all()
        return sorted((reactor, kind.value) for reactor, kind in rows)


def test_first_reaction_is_counted_and_creates_the_article(app):
    make_site(app)
    guest = Browser(app)
    response = react(guest, "wow", article="never-commented")
    assert response.status_code == 200
    assert response.get_json() == {
        "reactions": {**dict.fromkeys(KINDS, 0), "wow": 1},
        "mine": "wow",
    }
    with app.app_context():
        assert db.session.scalar(select(Article.key)) == "never-commented"
    thread = guest.thread(article="never-commented")
    assert thread["article"]["reactions"]["wow"] == 1
    assert thread["viewer"]["reaction"] == "wow"


def test_same_kind_again_removes_the_reaction(app):
    make_site(app)
    guest = Browser(app)
    react(guest, "love")
    response = react(guest, "love")
    assert response.get_json() == {"reactions": dict.fromkeys(KINDS, 0), "mine": None}
    assert stored_reactions(app) == []
    assert guest.thread()["viewer"]["reaction"] is None


def test_another_kind_replaces_the_reaction(app):
    make_site(app)
    guest = Browser(app)
    react(guest, "like")
    response = react(guest, "angry")
    assert response.get_json()["mine"] == "angry"
    assert response.get_json()["reactions"]["like"] == 0
    assert response.get_json()["reactions"]["angry"] == 1
    assert [kind for _, kind in stored_reactions(app)] == ["angry"]


def test_each_reader_has_one_reaction_and_counts_add_up(app, client):
    make_site(app)
    make_user(app)
    token = make_token(app, "reader@example.org")
    first, second = Browser(app), Browser(app)
    react(first, "haha")
    react(second, "haha")
    react(client, "sad", headers=bearer(token))
    response = react(client, "sad")  # a cookie-less client, known by its IP address
    assert response.get_json()["reactions"] == {**dict.fromkeys(KINDS, 0), "haha": 2, "sad": 2}
    reactors = [reactor for reactor, _ in stored_reactions(app)]
    assert len(set(reactors)) == 4
    assert sum(r.startswith("g:") for r in reactors) == 2
    assert sum(r.startswith("ip:") for r in reactors) == 1
    assert sum(r.startswith("u:") for r in reactors) == 1


def test_cookie_less_clients_react_once_per_ip_address(app, client):
    make_site(app)
    home = {"REMOTE_ADDR": "203.0.113.7"}
    office = {"REMOTE_ADDR": "198.51.100.20"}
    react(client, "like", environ_base=home)
    react(client, "like", environ_base=office)
    again = react(client, "like", environ_base=home)  # the same address again: a toggle
    assert again.get_json()["mine"] is None
    assert again.get_json()["reactions"]["like"] == 1
    reactors = [reactor for reactor, _ in stored_reactions(app)]
    assert len(reactors) == 1
    assert reactors[0].startswith("ip:")
    assert "198.51.100.20" not in reactors[0]  # the address itself is not stored


def test_cookie_less_reader_is_not_told_what_others_on_its_address_chose(app, client):
    make_site(app)
    react(client, "love")
    viewer = client.get("/api/v1/threads?site=news&article=a1").get_json()["viewer"]
    assert viewer == {
        "name": None,
        "avatar_url": viewer["avatar_url"],
        "badge": None,
        "signed_in": False,
        "kind": "guest",
        "reaction": None,
        "votes": {},
    }
    assert viewer["avatar_url"].startswith("http://localhost/avatars/i/")


@pytest.mark.parametrize(
    ("payload", "status", "code"),
    [
        ({"site": "news", "article": "a1", "kind": "meh"}, 400, "invalid_kind"),
        ({"site": "news", "article": "a1", "kind": None}, 400, "invalid_kind"),
        ({"site": "news", "article": "a1", "kind": ["like"]}, 400, "invalid_kind"),
        ({"site": "news", "article": "a1", "kind": "LIKE"}, 400, "invalid_kind"),
        ({"site": "nope", "article": "a1", "kind": "like"}, 404, "unknown_site"),
        ({"article": "a1", "kind": "like"}, 400, "invalid_site"),
        ({"site": "news", "article": "", "kind": "like"}, 400, "invalid_article"),
        ({"site": "news", "article": "x" * 513, "kind": "like"}, 400, "invalid_article"),
        ({"site": "news", "kind": "like"}, 400, "invalid_article"),
    ],
)
def test_bad_reactions_are_refused_with_a_code(app, client, payload, status, code):
    make_site(app)
    response = client.post(URL, json=payload)
    assert response.status_code == status
    assert response.get_json()["error"]["code"] == code
    assert stored_reactions(app) == []
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Article)) == 0


def test_every_documented_error_occurs_and_fits_the_spec(app, client):
    make_site(app)
    guest = Browser(app)
    spec = served_spec(client)
    cases = [
        react(client, "meh"),
        react(client, site="nope"),
        react(client, article=""),
        client.post(URL, json={"article": "a1", "kind": "like"}),
        client.post(URL, data="[]", content_type="application/json"),
        client.post(URL, data="kind=like"),
        client.post(
            URL, data="x" * (app.config["MAX_CONTENT_LENGTH"] + 1), content_type="application/json"
        ),
        react(client, headers=bearer("pk_unknown")),
        react(guest.client, headers={"X-Parley-Frame": "1"}),
        react(client, environ_base={"REMOTE_ADDR": ""}),
        react(client, "like"),
        # No origin of the site's and no account: may not create an article.
        client.post(URL, json={"site": "news", "article": "new", "kind": "like"}),
        *(react(client, headers=h) for h in sso_headers_refused(app)),
    ]
    assert_errors_are_documented(spec, "/api/v1/reactions", "post", cases)


def test_reactions_are_rate_limited_per_reader(app):
    with rate_limited_app(app, PARLEY_REACTION_RATE="3/minute") as limited:
        make_site(limited)
        client = limited.test_client()
        answers = [react(client, kind) for kind in ("like", "love", "wow", "sad")]
        assert [a.status_code for a in answers] == [200, 200, 200, 429]
        assert answers[3].get_json()["error"]["code"] == "rate_limited"
        assert int(answers[3].headers["Retry-After"]) > 0
        other_address = react(client, "sad", environ_base={"REMOTE_ADDR": "192.0.2.1"})
        assert other_address.status_code == 200
