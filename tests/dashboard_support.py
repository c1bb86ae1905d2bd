"""Helpers for the sign-in and dashboard tests: real forms, real CSRF tokens, real sessions."""

from __future__ import annotations

import re

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


def signed_in(app, email: str):
    """A new test client signed in as ``email`` (its CSRF token in ``client.csrf``)."""
    client = app.test_client()
    response = sign_in(client, email)
    assert response.status_code == 302, response.get_data(as_text=True)
    return client
