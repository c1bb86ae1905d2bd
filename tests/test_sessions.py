"""Guest identity and the two session cookies: the frame's partitioned one and Parley's own."""

from __future__ import annotations

from app import create_app
from app.extensions import db
from tests.conftest import base_config
from tests.dashboard_support import signed_in
from tests.factories import bearer, make_site, make_token, make_user, post_comment
from tests.widget_support import (
    FRAME,
    FRAME_PROBE,
    PAGE_PROBE,
    Browser,
    guest_pages,  # noqa: F401 - autouse fixture
    install_guest_pages,
)


def cookie_attributes(response, name: str) -> set[str]:
    """The attributes of the Set-Cookie header for ``name`` (lower-cased, values dropped)."""
    headers = [h for h in response.headers.getlist("Set-Cookie") if h.startswith(f"{name}=")]
    assert len(headers) == 1, response.headers.getlist("Set-Cookie")
    parts = [part.strip() for part in headers[0].split(";")[1:]]
    return {part.lower() for part in parts}


def test_frame_page_sets_a_partitioned_cross_site_cookie(app, client):
    response = client.get(FRAME_PROBE)
    attributes = cookie_attributes(response, "parley_frame")
    assert {"httponly", "secure", "samesite=none", "partitioned", "path=/"} <= attributes
    assert any(a.startswith("expires=") for a in attributes)  # survives a browser restart
    assert not [h for h in response.headers.getlist("Set-Cookie") if "parley_session" in h]


def test_first_party_page_uses_the_lax_session_cookie(app, client):
    attributes = cookie_attributes(client.get(PAGE_PROBE), "parley_session")
    assert {"httponly", "samesite=lax", "path=/"} <= attributes
    assert "secure" not in attributes
    assert "partitioned" not in attributes


def test_first_party_cookie_is_secure_when_configured(app):
    secure = create_app(
        {
            **base_config(app.config["SQLALCHEMY_DATABASE_URI"], app.instance_path),
            "SESSION_COOKIE_SECURE": True,
        }
    )
    install_guest_pages(secure)
    try:
        response = secure.test_client().get(PAGE_PROBE)
        assert "secure" in cookie_attributes(response, "parley_session")
    finally:
        with secure.app_context():
            db.engine.dispose()


def test_guest_id_is_random_and_kept_by_its_browser(app):
    first, second = Browser(app), Browser(app)
    again = first.client.get(FRAME_PROBE).get_json()["guest_id"]
    assert again == first.guest_id
    assert first.guest_id != second.guest_id
    assert len(first.guest_id) >= 24


def test_frame_header_makes_an_api_call_use_the_frame_session(app):
    make_site(app, premod=True)
    guest = Browser(app)
    created = guest.comment("held for review")
    assert created["status"] == "pending"
    own_view = guest.thread()
    assert [c["id"] for c in own_view["comments"]] == [created["id"]]
    assert own_view["comments"][0]["own"] is True
    # Same browser, but a call that does not say it comes from the frame reads parley_session,
    # which this browser does not have: it is an anonymous reader.
    plain = guest.client.get("/api/v1/threads?site=news&article=a1")
    assert plain.get_json()["comments"] == []


def test_own_pending_comment_is_visible_to_its_guest_and_invisible_to_another(app, client):
    make_site(app, premod=True)
    author, other = Browser(app), Browser(app)
    created = author.comment("please approve me")
    assert [c["id"] for c in author.thread()["comments"]] == [created["id"]]
    assert author.thread()["comments"][0]["status"] == "pending"
    assert other.thread()["comments"] == []
    assert client.get("/api/v1/threads?site=news&article=a1").get_json()["comments"] == []


def test_guest_known_by_a_first_party_session_cookie(app, client):
    make_site(app, premod=True)
    with client.session_transaction() as session:
        session["guest_id"] = "first-party-guest"
    token = client.get(PAGE_PROBE).get_json()["csrf_token"]
    created = post_comment(client, body="mine", headers={"X-CSRFToken": token}, author_name="G")
    assert created.status_code == 201, created.get_json()
    shown = client.get("/api/v1/threads?site=news&article=a1").get_json()["comments"]
    assert [c["id"] for c in shown] == [created.get_json()["id"]]


def test_frame_cookie_without_csrf_token_is_refused(app):
    make_site(app)
    guest = Browser(app)
    response = guest.client.post(
        "/api/v1/comments",
        json={"site": "news", "article": "a1", "body": "x", "author_name": "G"},
        headers=FRAME,
    )
    assert response.status_code == 403
    assert response.get_json()["error"]["code"] == "csrf_failed"
    wrong = guest.client.post(
        "/api/v1/reactions",
        json={"site": "news", "article": "a1", "kind": "like"},
        headers={**FRAME, "X-CSRFToken": "forged"},
    )
    assert wrong.status_code == 403
    assert wrong.get_json()["error"]["code"] == "csrf_failed"
    assert (
        guest.post(
            "/api/v1/reactions", json={"site": "news", "article": "a1", "kind": "like"}
        ).status_code
        == 200
    )


def test_session_cookie_without_csrf_token_is_refused_and_with_it_works(app):
    make_site(app)
    make_user(app)
    client = signed_in(app, "reader@example.org")
    payload = {"site": "news", "article": "a1", "kind": "love"}
    refused = client.post("/api/v1/reactions", json=payload)
    assert refused.status_code == 403
    assert refused.get_json()["error"]["code"] == "csrf_failed"
    token = client.get(PAGE_PROBE).get_json()["csrf_token"]  # as a Parley page would embed it
    accepted = client.post("/api/v1/reactions", json=payload, headers={"X-CSRFToken": token})
    assert accepted.status_code == 200
    assert accepted.get_json()["mine"] == "love"
    viewer = client.get("/api/v1/threads?site=news&article=a1").get_json()["viewer"]
    assert viewer["signed_in"] is True
    assert viewer["name"] == "Reader"
    assert viewer["reaction"] == "love"


def test_bearer_request_ignores_cookies(app):
    make_site(app)
    make_user(app)
    make_user(app, "other@example.org", "Other")
    token = make_token(app, "other@example.org")
    client = signed_in(app, "reader@example.org")  # carries Reader's session cookie
    response = client.post(
        "/api/v1/reactions",
        json={"site": "news", "article": "a1", "kind": "wow"},
        headers=bearer(token),  # and no CSRF token
    )
    assert response.status_code == 200
    as_other = client.get("/api/v1/threads?site=news&article=a1", headers=bearer(token))
    assert as_other.get_json()["viewer"]["name"] == "Other"
    assert as_other.get_json()["viewer"]["reaction"] == "wow"
    as_reader = client.get("/api/v1/threads?site=news&article=a1")
    assert as_reader.get_json()["viewer"]["reaction"] is None


def test_api_never_sets_a_cookie_on_a_client_that_sent_none(app, client):
    make_site(app)
    created = post_comment(client, body="no cookies here")
    assert created.status_code == 201
    comment_id = created.get_json()["id"]
    responses = [
        created,
        client.get("/api/v1/threads?site=news&article=a1"),
        client.get("/api/v1/counts?site=news&article=a1"),
        client.post("/api/v1/reactions", json={"site": "news", "article": "a1", "kind": "sad"}),
        client.post(f"/api/v1/comments/{comment_id}/reports", json={"reason": "spam"}),
        client.patch(f"/api/v1/comments/{comment_id}", json={"body": "edited"}),
        client.post("/api/v1/comments", json={"site": "nope"}),
    ]
    for response in responses:
        assert response.headers.getlist("Set-Cookie") == [], response.request.path
    assert client.get_cookie("parley_session") is None
    assert client.get_cookie("parley_frame") is None
