"""Bad input of every class is a clear 4xx, never a 500, on SQLite and PostgreSQL alike.

Each test sends one class of hostile input (ids past the database's integer range, deeply nested
JSON, lone surrogates, NUL characters, nameless multipart parts, CR/LF in ``next``, dates at the
calendar's edges) to every route where it can arrive.
"""

from __future__ import annotations

import pytest
from sqlalchemy import select

from app.extensions import db
from app.models import RECORD_ID_MAX, Comment, CommentStatus
from tests.dashboard_support import signed_in
from tests.factories import FRAME_ORIGIN, bearer, make_site, make_token, make_user, post_ok

BEYOND = [RECORD_ID_MAX + 1, 2**63, 10**30, 0]


def error_code(response) -> str:
    return response.get_json()["error"]["code"]


@pytest.fixture
def admin_headers(app):
    make_site(app)
    make_user(app, "admin@example.org", "Admin", "admin")
    return bearer(make_token(app, "admin@example.org"))


def id_routes(app) -> list[tuple[str, str]]:
    """(method, rule) for every API route that takes a record id in its path."""
    routes = []
    for rule in app.url_map.iter_rules():
        if rule.rule.startswith("/api/") and "<id:" in rule.rule:
            routes += [(m, rule.rule) for m in sorted(rule.methods - {"HEAD", "OPTIONS"})]
    return routes


def test_no_route_takes_an_unbounded_int(app):
    """Every id in a path goes through the bounded ``id`` converter."""
    unbounded = [r.rule for r in app.url_map.iter_rules() if "<int:" in r.rule]
    assert unbounded == []
    assert len(id_routes(app)) >= 10


@pytest.mark.parametrize("big", BEYOND)
def test_path_ids_beyond_the_integer_range_are_not_found(app, admin_headers, big):
    client = app.test_client()
    for method, rule in id_routes(app):
        path = rule.replace("<id:comment_id>", str(big)).replace("<id:user_id>", str(big))
        response = client.open(path, method=method, headers=admin_headers, json={})
        assert response.status_code == 404, (method, path, response.status_code)
        assert error_code(response) == "not_found"
    signed = signed_in(app, "admin@example.org")
    for path in (f"/moderation/comments/{big}", f"/moderation/users/{big}"):
        assert signed.get(path).status_code == 404


@pytest.mark.parametrize("big", BEYOND)
def test_body_and_filter_ids_beyond_the_integer_range_are_refused(app, admin_headers, big):
    client = app.test_client()
    reply = client.post(
        "/api/v1/comments",
        json={"site": "news", "article": "a", "body": "hi", "author_name": "G", "parent_id": big},
        headers={"Origin": FRAME_ORIGIN},
    )
    assert reply.status_code == 400 and error_code(reply) == "invalid_parent"
    bulk = client.post(
        "/api/v1/moderation/comments",
        json={"ids": [big], "action": "approve"},
        headers=admin_headers,
    )
    assert bulk.status_code == 400 and error_code(bulk) == "invalid_ids"
    for name in ("comment", "user"):
        audit = client.get(f"/api/v1/moderation/audit?{name}={big}", headers=admin_headers)
        assert audit.status_code == 400 and error_code(audit) == f"invalid_{name}"
    page = signed_in(app, "admin@example.org").get(f"/moderation/audit?comment={big}")
    assert page.status_code == 400


def test_json_nested_two_thousand_levels_is_invalid_json(app):
    make_site(app)
    for body in ("[" * 2000 + "]" * 2000, '{"a":' * 2000 + "1" + "}" * 2000, "[" * 40 + "]" * 40):
        response = app.test_client().post(
            "/api/v1/comments", data=body, content_type="application/json"
        )
        assert response.status_code == 400, response.status_code
        assert error_code(response) == "invalid_json"
        assert "nested" in response.get_json()["error"]["message"]


@pytest.mark.parametrize(
    "field", ["site", "article", "body", "author_name", "author_email", "article_title"]
)
def test_a_lone_surrogate_in_any_json_string_is_invalid_json(app, field):
    make_site(app)
    fields = {"site": "news", "article": "a", "body": "hi", "author_name": "G"}
    fields[field] = "x\\ud800y"
    raw = "{" + ", ".join(f'"{k}": "{v}"' for k, v in fields.items()) + "}"
    response = app.test_client().post("/api/v1/comments", data=raw, content_type="application/json")
    assert response.status_code == 400 and error_code(response) == "invalid_json"
    assert "surrogate" in response.get_json()["error"]["message"]
    key = '{"\\udfff": 1}'
    response = app.test_client().post("/api/v1/comments", data=key, content_type="application/json")
    assert response.status_code == 400 and error_code(response) == "invalid_json"


@pytest.mark.parametrize(
    "field", ["site", "article", "body", "author_name", "author_email", "article_url"]
)
def test_a_nul_in_a_json_body_field_is_refused(app, field):
    make_site(app)
    payload = {"site": "news", "article": "a", "body": "hi", "author_name": "G"}
    payload[field] = "http://a.example/\x00" if field == "article_url" else "a\x00b"
    response = app.test_client().post("/api/v1/comments", json=payload)
    assert response.status_code == 400 and error_code(response) == "invalid_json"
    assert "NUL" in response.get_json()["error"]["message"]
    with app.app_context():
        assert db.session.scalar(select(Comment.id)) is None


NUL_GETS = [
    "/api/v1/threads?site=ne%00ws&article=a",
    "/api/v1/threads?site=news&article=a%00",
    "/api/v1/counts?site=news&article=a%00",
    "/api/v1/counts?site=n%00ews&article=a",
    "/api/v1/moderation/search?text=a%00",
    "/api/v1/moderation/search?site=a%00",
    "/api/v1/moderation/queues/pending?site=a%00",
    "/api/v1/moderation/articles?site=a%00",
    "/api/v1/moderation/audit?action=a%00",
    "/api/v1/moderation/users/1?site=n%00",
]


def test_a_nul_in_a_query_parameter_is_refused(app, admin_headers):
    client = app.test_client()
    for path in NUL_GETS:
        response = client.get(path, headers=admin_headers)
        assert response.status_code == 400, (path, response.status_code)
        assert error_code(response) == "invalid_character"
        assert "NUL" in response.get_json()["error"]["message"]
    frame = client.get("/embed/thread?site=news&article=a%00")
    assert frame.status_code == 400 and "text/html" in frame.content_type


def test_a_site_slug_in_a_path_that_cannot_be_a_slug_is_an_unknown_site(app, admin_headers):
    for slug in ("a%00", "N%C3%BCws", "x" * 300):
        response = app.test_client().get(
            f"/api/v1/moderation/sites/{slug}/settings", headers=admin_headers
        )
        assert response.status_code == 404 and error_code(response) == "unknown_site"


def test_a_nul_in_a_form_field_is_refused(app, world):
    client = app.test_client()
    response = client.post("/auth/login", data={"email": "admin@example.org\x00", "password": "x"})
    assert response.status_code == 400
    assert "NUL" in response.get_data(as_text=True)


NAMELESS_PART = b"--b\r\nContent-Disposition: form-data\r\n\r\nx\r\n--b--\r\n"
MULTIPART = "multipart/form-data; boundary=b"


def test_a_multipart_part_without_a_name_is_ignored_not_a_crash(app, world):
    anonymous = app.test_client()
    response = anonymous.post("/auth/login", data=NAMELESS_PART, content_type=MULTIPART)
    assert response.status_code == 403  # the CSRF token is missing: that, and only that
    assert "CSRF" in response.get_data(as_text=True)
    moderator = signed_in(app, "admin@example.org")
    comment_id, _article = world.fresh_comment()
    response = moderator.post(
        f"/moderation/comments/{comment_id}", data=NAMELESS_PART, content_type=MULTIPART
    )
    assert response.status_code == 403
    reader = signed_in(app, "reader@example.org")
    response = reader.put(
        "/api/v1/me/avatar",
        data=NAMELESS_PART,
        content_type=MULTIPART,
        headers={"X-CSRFToken": reader.csrf},
    )
    assert response.status_code == 400 and error_code(response) == "invalid_image"


def test_cr_lf_in_next_falls_back_to_the_default_page(app, world):
    client = signed_in(app, "admin@example.org")
    response = client.get("/auth/login?next=/moderation/%0d%0aSet-Cookie:x=1")
    assert response.status_code == 302
    assert response.headers["Location"] == "/moderation/"
    assert "Set-Cookie: x" not in str(response.headers)
    comment_id, _article = world.fresh_comment()
    response = client.post(
        f"/moderation/comments/{comment_id}",
        data={
            "action": "approve",
            "next": "/moderation/\r\nX-Injected: 1",
            "csrf_token": client.csrf,
        },
    )
    assert response.status_code == 303
    assert response.headers["Location"] == "/moderation/"
    with app.app_context():
        assert db.session.get(Comment, comment_id).status == CommentStatus.APPROVED


@pytest.mark.parametrize(
    "query",
    [
        "to=9999-12-31",
        "from=0001-01-01T00:00:00%2B01:00",
        "to=9999-12-31T23:59:59-01:00",
        "from=9999-12-31T23:00:00-05:00",
        "from=0001-01-01&to=9999-12-31",
    ],
)
def test_date_filters_at_the_calendars_edges(app, admin_headers, query):
    client = app.test_client()
    post_ok(client)
    response = client.get(f"/api/v1/moderation/search?{query}", headers=admin_headers)
    assert response.status_code == 200, response.get_json()
    found = len(response.get_json()["comments"])
    assert found == (0 if query.startswith("from=9999") else 1)
    page = signed_in(app, "admin@example.org").get("/moderation/search?to=9999-12-31")
    assert page.status_code == 200
