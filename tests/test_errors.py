"""Errors: JSON for API clients, HTML pages for people, never a bare 500."""

from __future__ import annotations

import pytest
from sqlalchemy import text

from app.extensions import db


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
