"""Errors: JSON for API clients, HTML pages for people, never a bare 500."""

from __future__ import annotations

import http.client
import json
import shutil
import socket

import pytest
from sqlalchemy import text

from app.extensions import db
from app.server_errors import error_body
from tests.live_server import call, gunicorn_master


def test_unexpected_error_is_a_json_500_for_the_api(app, client, caplog):
    def boom():
        raise RuntimeError("kaboom")

    app.add_url_rule("/api/v1/_boom", "boom", boom)
    response = client.get("/api/v1/_boom")
    assert response.status_code == 500
    assert response.get_json()["error"]["code"] == "internal_error"
    assert "kaboom" not in response.get_data(as_text=True)
    assert "kaboom" in caplog.text


def test_people_get_an_html_error_page(app, client):
    response = client.get("/no/such/page", headers={"Accept": "text/html"})
    assert response.status_code == 404
    assert response.mimetype == "text/html"
    assert "nothing at this address" in response.get_data(as_text=True)


def test_sqlite_runs_in_wal_mode_with_foreign_keys(app, backend):
    if backend != "sqlite":
        pytest.skip("SQLite pragmas only")
    with app.app_context():
        assert db.session.execute(text("PRAGMA journal_mode")).scalar() == "wal"
        assert db.session.execute(text("PRAGMA foreign_keys")).scalar() == 1


def refused_by_gunicorn(base: str, request: bytes) -> tuple[int, dict, dict]:
    """Send ``request`` as raw bytes; the status, headers and JSON body of the answer."""
    host, port = base.removeprefix("http://").split(":")
    with socket.create_connection((host, int(port)), timeout=10) as sock:
        sock.sendall(request)
        response = http.client.HTTPResponse(sock)
        response.begin()
        body = response.read()
    assert response.getheader("Content-Type") == "application/json", body
    return response.status, dict(response.getheaders()), json.loads(body)


def test_requests_gunicorn_refuses_get_the_json_error_shape(sqlite_template, tmp_path):
    """gunicorn answers these before Parley sees them: as its HTML page they broke the error
    contract (and the OpenAPI document's 414), found by fuzzing the production server. Each
    answer is the one the served OpenAPI document gives for that operation and status."""
    path = tmp_path / "parley.sqlite3"
    shutil.copyfile(sqlite_template, path)
    long_keys = "&".join(f"article={'k' * 500}{n}" for n in range(20))  # over 8,190 bytes
    source = "/api/v1/comments/{comment_id}/source"
    cases = [  # request line, headers, status, code, the operation in the OpenAPI document
        (f"GET /api/v1/counts?site=news&{long_keys}", "", 414, "uri_too_long", "/api/v1/counts"),
        (
            "GET /api/v1/me",
            f"X-Parley-SSO: {'a' * 17_000}\r\n",
            431,
            "header_fields_too_large",
            "/api/v1/me",
        ),
        ("GET /api/v1/comments/\u0661/source", "", 400, "bad_request", source),
        ("GET /api/v1/comments/ 1/source", "", 400, "bad_request", source),
        ("POST /api/v1/comments", "Content-Length: -1\r\n", 400, "bad_request", "/api/v1/comments"),
    ]
    with gunicorn_master(f"sqlite:///{path}", tmp_path, redis_url=None) as base:
        _status, _headers, content = call(base + "/api/v1/openapi.json")
        spec = json.loads(content)
        for line, headers, status, code, operation in cases:
            request = f"{line} HTTP/1.1\r\n{headers}\r\n".encode()
            answer, answer_headers, body = refused_by_gunicorn(base, request)
            assert (answer, body["error"]["code"]) == (status, code), body
            assert set(body) == {"error"} and set(body["error"]) == {"code", "message"}
            assert answer_headers["Connection"] == "close"
            method = line.split()[0].lower()
            documented = spec["paths"][operation][method]["responses"][str(status)]
            schema = documented["content"]["application/json"]["schema"]
            assert code in schema["properties"]["error"]["properties"]["code"]["enum"]
        # What reaches Parley is answered by Parley, as before.
        status, _headers, content = call(base + "/api/v1/counts?site=nope&article=a")
        assert status == 404 and json.loads(content)["error"]["code"] == "unknown_site"


def test_gunicorn_error_messages_quote_what_was_refused_briefly_and_as_ascii():
    body = json.loads(error_body(400, "Invalid request line: 'GET /\udcff\u00e9" + "x" * 9000))
    assert body["error"]["code"] == "bad_request"
    assert body["error"]["message"].startswith("the request is not valid HTTP/1.1 (Invalid")
    assert len(body["error"]["message"]) < 300
    assert json.loads(error_body(500, "secret detail"))["error"] == {
        "code": "internal_error",
        "message": "something went wrong on our side; the request was not completed",
    }
