"""Helpers for the identity tests: a reader's browser inside the widget frame that signs up,
in and out through the frame's own account pages, with real CSRF tokens and real cookies."""

from __future__ import annotations

import re
from typing import Any

from flask import Flask

from tests.mail_support import ClosingClient
from tests.widget_support import FRAME

CSRF_INPUT = re.compile(r'name="csrf_token" value="([^"]+)"')
STRONG = "tidal-otter-lantern-42"


class FrameReader:
    """One browser, inside the frame of site ``site`` (cookies: the frame's partitioned one)."""

    def __init__(self, app: Flask, site: str = "news", article: str = "a1", **environ: Any):
        self.client = ClosingClient(app, app.response_class, use_cookies=True)
        if environ:
            self.client.environ_base.update(environ)
        self.query = f"site={site}&article={article}"
        self.csrf = ""

    def page(self, mode: str):
        response = self.client.get(f"/embed/account/{mode}?{self.query}")
        match = CSRF_INPUT.search(response.get_data(as_text=True))
        assert match, response.get_data(as_text=True)[:500]
        self.csrf = match.group(1)
        return response

    def submit(self, mode: str, **form: str):
        self.page(mode)
        return self.client.post(
            f"/embed/account/{mode}?{self.query}", data={**form, "csrf_token": self.csrf}
        )

    def sign_up(self, name: str = "Ada", email: str = "ada@example.org", password: str = STRONG):
        return self.submit("signup", name=name, email=email, password=password)

    def sign_in(self, email: str = "ada@example.org", password: str = STRONG):
        return self.submit("signin", email=email, password=password)

    def sign_out(self):
        return self.client.post(
            f"/embed/account/signout?{self.query}", data={"csrf_token": self.csrf}
        )

    def api(self, method: str, path: str, **kwargs: Any):
        headers = {**FRAME, "X-CSRFToken": self.csrf, **kwargs.pop("headers", {})}
        return self.client.open(path, method=method, headers=headers, **kwargs)

    def me(self):
        return self.api("GET", "/api/v1/me")

    def frame_cookie(self) -> str:
        cookie = self.client.get_cookie("parley_frame")
        assert cookie is not None
        return cookie.value
