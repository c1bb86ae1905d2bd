"""The served OpenAPI document: valid 3.1, complete, and true to what the API answers."""

from __future__ import annotations

import re
import time
from types import SimpleNamespace
from typing import Any

import jwt
import pytest
from jsonschema import Draft202012Validator, FormatChecker
from openapi_spec_validator import OpenAPIV31SpecValidator
from sqlalchemy import select

from app import create_app
from app.api import spec as spec_package
from app.extensions import db
from app.models import Article, Ban, Comment, CommentStatus, Site, User
from app.services.comments import change_status
from app.services.site_settings import apply_site_settings
from app.services.sites import get_site
from app.services.sso import configure as configure_sso
from tests.conftest import base_config
from tests.factories import (
    FRAME_ORIGIN,
    bearer,
    make_site,
    make_token,
    make_user,
    post_comment,
    post_ok,
)

API_PREFIX = "/api/v1"
# Flask's `<int:id>` / `<id>` -> OpenAPI's `{id}`.
CONVERTER = re.compile(r"<(?:[^<>:]+:)?([^<>]+)>")


@pytest.fixture
def bare_app(tmp_path):
    """An app whose database is never touched: the URL map and the document need none."""
    return create_app(base_config(f"sqlite:///{tmp_path / 'unused.sqlite3'}", tmp_path))


def served_spec(client) -> dict[str, Any]:
    response = client.get(f"{API_PREFIX}/openapi.json")
    assert response.status_code == 200
    return response.get_json()


def api_operations(app) -> set[tuple[str, str]]:
    """(OpenAPI path, lower-case method) for every /api/v1 route the app serves."""
    operations = set()
    for rule in app.url_map.iter_rules():
        if not rule.rule.startswith(API_PREFIX):
            continue
        methods = set(rule.methods or ())
        if "GET" in methods:
            methods.discard("HEAD")  # added by Werkzeug to every GET route
        if getattr(rule, "provide_automatic_options", False):
            methods.discard("OPTIONS")  # answered by Flask itself
        path = CONVERTER.sub(r"{\1}", rule.rule)
        operations.update((path, method.lower()) for method in methods)
    return operations


def documented_operations(spec: dict[str, Any]) -> set[tuple[str, str]]:
    http_methods = {"get", "put", "post", "delete", "options", "head", "patch", "trace"}
    return {
        (path, method)
        for path, item in spec["paths"].items()
        for method in item
        if method in http_methods
    }


def schema_validator(spec: dict[str, Any], schema: dict[str, Any]) -> Draft202012Validator:
    """A JSON Schema validator for one schema of the document, resolving its $refs."""
    return Draft202012Validator(
        {**schema, "components": spec["components"]}, format_checker=FormatChecker()
    )


def assert_matches_documented_response(
    spec: dict[str, Any], path: str, method: str, response
) -> None:
    """The response's status is documented on the operation and its body fits that schema."""
    responses = spec["paths"][path][method]["responses"]
    status = str(response.status_code)
    assert status in responses, f"{method.upper()} {path} answered {status}, not documented"
    schema = responses[status]["content"]["application/json"]["schema"]
    errors = [e.message for e in schema_validator(spec, schema).iter_errors(response.get_json())]
    assert errors == [], f"{method.upper()} {path} {status}: {errors} in {response.get_json()}"


def documented_error_codes(spec: dict[str, Any], path: str, method: str) -> set[str]:
    """Every error code the document lists on one operation, across its 4xx responses."""
    return {
        code
        for status, response in spec["paths"][path][method]["responses"].items()
        if status.startswith("4")
        for code in response["content"]["application/json"]["schema"]["properties"]["error"][
            "properties"
        ]["code"]["enum"]
    }


def test_served_document_is_valid_openapi_3_1_readable_from_any_origin(bare_app):
    response = bare_app.test_client().get(f"{API_PREFIX}/openapi.json")
    document = response.get_json()
    assert response.status_code == 200
    assert response.headers["Access-Control-Allow-Origin"] == "*"
    assert document["openapi"].startswith("3.1.")
    OpenAPIV31SpecValidator(document).validate()


def test_every_api_route_is_documented_with_each_of_its_methods(bare_app):
    served = api_operations(bare_app)
    documented = documented_operations(served_spec(bare_app.test_client()))
    assert ("/api/v1/threads", "get") in served  # the URL map really is being read
    missing = sorted(served - documented)
    assert missing == [], (
        f"routes without OpenAPI documentation (add them to app/api/spec/): {missing}"
    )


def test_every_documented_operation_is_a_route_the_api_serves(bare_app):
    documented = documented_operations(served_spec(bare_app.test_client()))
    phantom = sorted(documented - api_operations(bare_app))
    assert phantom == [], f"documented but not served: {phantom}"


def test_a_missing_optional_part_is_skipped(monkeypatch):
    monkeypatch.setattr(spec_package, "PARTS", ("core", "no_such_part"))
    document = spec_package.build_spec()
    assert "/api/v1/threads" in document["paths"]
    assert "Comment" in document["components"]["schemas"]


def part(name: str, **attributes: Any) -> SimpleNamespace:
    """A stand-in for a part module: an object with the attributes a part defines."""
    return SimpleNamespace(__name__=name, **attributes)


def test_parts_share_a_path_but_two_parts_documenting_one_operation_are_refused():
    posting = part("a", PATHS={"/api/v1/comments": {"post": {"summary": "post"}}})
    listing = part("b", PATHS={"/api/v1/comments": {"get": {"summary": "list"}}})
    assert set(spec_package.merge_parts([posting, listing])["paths"]["/api/v1/comments"]) == {
        "post",
        "get",
    }
    again = part("c", PATHS={"/api/v1/comments": {"post": {"summary": "other"}}})
    with pytest.raises(spec_package.SpecConflict, match="c redefines post of /api/v1/comments"):
        spec_package.merge_parts([posting, again])
    with pytest.raises(spec_package.SpecConflict, match="redefines the schema Comment"):
        spec_package.merge_parts(
            [part("a", SCHEMAS={"Comment": {}}), part("b", SCHEMAS={"Comment": {}})]
        )


def test_a_part_adds_properties_to_another_parts_schema_but_never_replaces_one():
    core = part("core", SCHEMAS={"Comment": {"type": "object", "properties": {"id": {}}}})
    widget = part("widget", EXTENDS={"Comment": {"own": {"type": "boolean"}}})
    merged = spec_package.merge_parts([widget, core])["components"]["schemas"]["Comment"]
    assert merged == {"type": "object", "properties": {"id": {}, "own": {"type": "boolean"}}}
    assert core.SCHEMAS["Comment"]["properties"] == {"id": {}}  # the part's own dict is intact
    with pytest.raises(spec_package.SpecConflict, match="redefines id of the schema Comment"):
        spec_package.merge_parts([core, part("x", EXTENDS={"Comment": {"id": {}}})])
    with pytest.raises(spec_package.SpecConflict, match="Viewer, which no part defines"):
        spec_package.merge_parts([core, part("x", EXTENDS={"Viewer": {"name": {}}})])


def test_successful_answers_fit_their_documented_schemas(app, client):
    spec = served_spec(client)
    make_site(app)
    make_site(app, "held", premod=True)
    make_user(app, "mod@example.org", "Mod", role="moderator")
    make_user(app)
    token = make_token(app, "mod@example.org")
    reader = bearer(make_token(app, "reader@example.org"))
    top = post_ok(client, body="Top *level*", author_email="ada@example.org", article_title="T")
    reply = post_ok(client, body="A reply", parent_id=top["id"], headers=bearer(token))
    post_ok(client, body="Nested", parent_id=reply["id"])
    post_ok(client, site="held", body="Held back", headers=reader)
    with app.app_context():  # the top comment is deleted: it stays as a placeholder
        change_status(db.session.get(Comment, top["id"]), CommentStatus.DELETED, action="delete")
        db.session.commit()

    created = post_comment(client, body="Another", article_url="https://news.example/a1")
    thread = client.get(f"{API_PREFIX}/threads?site=news&article=a1&limit=1")
    page_two = client.get(
        f"{API_PREFIX}/threads",
        query_string={"site": "news", "article": "a1", "cursor": thread.get_json()["next_cursor"]},
    )
    held = client.get(f"{API_PREFIX}/threads?site=held&article=a1", headers=reader)
    counts = client.get(f"{API_PREFIX}/counts?site=news&article=a1&article=never")

    assert_matches_documented_response(spec, "/api/v1/comments", "post", created)
    for page in (thread, page_two, held):
        assert_matches_documented_response(spec, "/api/v1/threads", "get", page)
    assert_matches_documented_response(spec, "/api/v1/counts", "get", counts)
    placeholder = thread.get_json()["comments"][0]
    assert placeholder["status"] == "deleted"
    assert placeholder["replies"][0]["author"]["badge"] == "moderator"
    assert page_two.get_json()["comments"][0]["id"] == created.get_json()["id"]
    assert held.get_json()["comments"][0]["status"] == "pending"
    assert counts.get_json() == {"counts": {"a1": 3, "never": 0}}


SSO_SECRET = "a-shared-secret-of-at-least-32-characters"
SSO_HEADER = "X-Parley-SSO"


def sso_token(site: str, expires_in: int = 600) -> str:
    claims = {"sub": "r1", "name": "Subscriber", "aud": site, "exp": int(time.time()) + expires_in}
    return jwt.encode(claims, SSO_SECRET, algorithm="HS256")


def _error_cases(app, client, banned_token: str) -> list[tuple[str, str, Any]]:
    """(method, OpenAPI path, response) for one request per error code the core can return."""
    limit = app.config["MAX_CONTENT_LENGTH"]
    threads = f"{API_PREFIX}/threads"
    counts = f"{API_PREFIX}/counts"

    def get_thread(**args):
        headers = args.pop("headers", {})
        return ("get", "/api/v1/threads", client.get(threads, query_string=args, headers=headers))

    def get_counts(query: str):
        return ("get", "/api/v1/counts", client.get(f"{counts}?{query}"))

    def post(headers=None, **kwargs):
        headers = {"Origin": FRAME_ORIGIN, **(headers or {})}  # as the widget frame posts
        url = f"{API_PREFIX}/comments"
        return ("post", "/api/v1/comments", client.post(url, headers=headers, **kwargs))

    def post_json(payload: dict[str, Any], **kwargs):
        return post(json={"site": "news", "article": "a1", "body": "Hi", **payload}, **kwargs)

    cases = [
        get_thread(article="a1"),
        get_thread(site="news"),
        get_thread(site="news", article="x" * 513),
        get_thread(site="nope", article="a1"),
        get_thread(site="news", article="a1", sort="best"),
        get_thread(site="news", article="a1", limit="0"),
        get_thread(site="news", article="a1", limit="many"),
        get_thread(site="news", article="a1", cursor="not-a-cursor"),
        get_thread(site="news", article="a1", replies="0"),
        get_thread(site="news", article="a1", headers={"Authorization": "Basic abc"}),
        get_thread(site="news", article="a1", headers=bearer("pk_unknown")),
        get_counts("article=a1"),
        get_counts("site=news"),
        get_counts("site=news&" + "&".join(f"article=k{i}" for i in range(101))),
        get_counts("site=nope&article=a1"),
        post(data="site=news", content_type="application/x-www-form-urlencoded"),
        post(data="[1, 2]", content_type="application/json"),
        post(data="{", content_type="application/json"),
        post(data="x" * (limit + 1), content_type="application/json"),
        post_json({"site": None, "author_name": "G"}),
        post_json({"site": "nope", "author_name": "G"}),
        post_json({"article": " ", "author_name": "G"}),
        post_json({"body": "  ", "author_name": "G"}),
        post_json({"body": "x" * 10_001, "author_name": "G"}),
        post_json({}),
        post_json({"author_name": "G" * 81}),
        post_json({"author_name": "G", "author_email": "not-an-email"}),
        post_json({"author_name": "G", "article_title": "T" * 301}),
        post_json({"author_name": "G", "article_url": "javascript:alert(1)"}),
        post_json({"author_name": "G", "parent_id": 999_999}),
        post_json({"author_name": "G", "parent_id": "1"}),
        post_json({"author_name": "G", "article": "closed"}),
        post_json({"site": "members", "author_name": "G"}),
        post_json({}, headers=bearer(banned_token)),
        post_json({}, headers=bearer("pk_unknown")),
        post_json({"author_name": "G", "confirm": "yes"}),
        post_json({"author_name": "G", "notify_replies": "yes"}),
        post_json({"author_name": "G", "body": "You are a fucking idiot"}),  # toxicity_nudge
        # No origin of the site's and no account: may not create an article.
        (
            "post",
            "/api/v1/comments",
            client.post(
                f"{API_PREFIX}/comments",
                json={"site": "news", "article": "new", "body": "Hi", "author_name": "G"},
            ),
        ),
        # Errors of the request layer, which every operation documents.
        get_thread(site="news", article="a\x00"),
        get_thread(site="news", article="a1", sort="x" * 40_000),
        get_counts("site=news&article=a%00"),
        get_counts("site=news&article=" + "x" * 40_000),
        ("post", "/api/v1/comments", client.post(f"{API_PREFIX}/comments?x=%00", json={})),
        ("post", "/api/v1/comments", client.post(f"{API_PREFIX}/comments?{'x' * 40_000}")),
        post_json({"author_name": "Mod  Pеrson (staff)"}),  # a Cyrillic "е"
        post_json({}, headers={SSO_HEADER: "not.a.jwt"}),
        post_json({}, headers={SSO_HEADER: sso_token("members", expires_in=-3600)}),
        post_json({}, headers={SSO_HEADER: sso_token("members")}),  # another site's reader
        get_thread(site="news", article="a1", headers={SSO_HEADER: "not.a.jwt"}),
        get_thread(
            site="news", article="a1", headers={SSO_HEADER: sso_token("members", expires_in=-60)}
        ),
    ]
    client.set_cookie("parley_session", "a-session-without-csrf-token")
    cases.append(post_json({"author_name": "G"}))
    client.delete_cookie("parley_session")
    return cases


def test_every_error_the_core_returns_is_documented_on_its_operation(app, client):
    spec = served_spec(client)
    make_site(app)
    make_site(app, "members", allow_guests=False)
    make_user(app, "banned@example.org", "Banned")
    banned_token = make_token(app, "banned@example.org")
    post_ok(client, article="closed")
    with app.app_context():
        apply_site_settings("news", {"toxicity_nudge": 0.6}, None)
        db.session.scalar(select(Article).where(Article.key == "closed")).closed = True
        banned = db.session.scalar(select(User).where(User.email == "banned@example.org"))
        news = db.session.scalar(select(Site).where(Site.slug == "news"))
        db.session.add(Ban(user_id=banned.id, site_id=news.id, reason="test"))
        db.session.commit()
    make_user(app, "mod@example.org", "Mod Person", role="moderator")
    with app.app_context():
        configure_sso(get_site("members"), secret=SSO_SECRET)

    seen: dict[tuple[str, str], set[str]] = {}
    for method, path, response in _error_cases(app, client, banned_token):
        assert 400 <= response.status_code < 500, (method, path, response.get_json())
        assert_matches_documented_response(spec, path, method, response)
        seen.setdefault((path, method), set()).add(response.get_json()["error"]["code"])

    # And the reverse: every code documented on these operations really occurs. rate_limited
    # is exercised by its own test, with limits on; what only the HTTP server refuses (not
    # valid HTTP, a header too large) by tests/test_errors.py, through gunicorn.
    from app.api.spec.common import EVERY_OPERATION, SERVER_REFUSALS

    elsewhere = {"rate_limited", *set(SERVER_REFUSALS) - set(EVERY_OPERATION)}
    for (path, method), codes in seen.items():
        documented = documented_error_codes(spec, path, method)
        assert documented - elsewhere == codes, f"{method.upper()} {path}"


def test_rate_limited_post_is_answered_as_documented_with_retry_after(app):
    limited = create_app(
        {
            **base_config(app.config["SQLALCHEMY_DATABASE_URI"], app.instance_path),
            "RATELIMIT_ENABLED": True,
            "PARLEY_POST_RATE": "2/minute",
        }
    )
    client = limited.test_client()
    spec = served_spec(client)
    make_site(limited)
    answers = [post_comment(client, body=f"Post {n}") for n in range(3)]
    try:
        assert [a.status_code for a in answers] == [201, 201, 429]
        assert_matches_documented_response(spec, "/api/v1/comments", "post", answers[2])
        assert answers[2].get_json()["error"]["code"] == "rate_limited"
        assert int(answers[2].headers["Retry-After"]) > 0
        assert (
            "Retry-After"
            in spec["paths"]["/api/v1/comments"]["post"]["responses"]["429"]["headers"]
        )
    finally:
        with limited.app_context():
            db.session.remove()
            db.engine.dispose()


def test_request_layer_errors_are_documented_and_occur_on_every_operation(app):
    """Every operation answers a NUL in a query parameter (400 invalid_character) and an
    over-long URL (414 uri_too_long), and every operation with a record id in its path answers
    an id that cannot exist with 404 not_found, each as its OpenAPI document says."""
    from app.api.spec.common import EVERY_OPERATION, WITH_PATH_PARAMETERS

    make_site(app)
    make_user(app, "admin@example.org", "Admin", "admin")
    headers = bearer(make_token(app, "admin@example.org"))
    client = app.test_client()
    spec = served_spec(client)
    long_query = "x=" + "y" * 40_000
    for path, method in sorted(documented_operations(spec)):
        url = re.sub(r"\{\w+_id\}", "1", path).replace("{queue}", "pending")
        url = url.replace("{slug}", "news")
        cases = [(f"{url}?x=%00", "invalid_character"), (f"{url}?{long_query}", "uri_too_long")]
        if "_id}" in path:
            cases.append((re.sub(r"\{\w+_id\}", str(2**31), path), "not_found"))
        for target, code in cases:
            response = client.open(target, method=method.upper(), headers=headers, json={})
            assert_matches_documented_response(spec, path, method, response)
            assert response.get_json()["error"]["code"] == code, (method, target[:80])
    assert set(EVERY_OPERATION) | set(WITH_PATH_PARAMETERS) == {
        "invalid_character",
        "uri_too_long",
        "not_found",
    }
