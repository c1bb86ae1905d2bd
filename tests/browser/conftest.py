"""Browser-test fixtures: a live Parley server, a cross-site host page server, Chromium.

Parley is served at ``http://localhost:<port>`` and host pages at ``http://127.0.0.1:<port>``:
different sites, as a publisher's page and the comment service are in production.
Chromium is Debian's (``apt-get install -y chromium``); without it these tests skip, except
under CI=true, where they fail.
"""

from __future__ import annotations

import os
import shutil
import threading
import uuid
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import NamedTuple

import pytest
from flask import Flask
from flask_migrate import upgrade
from playwright.sync_api import Frame
from werkzeug.serving import make_server
from werkzeug.wrappers import Request, Response

from app import create_app
from app.extensions import db
from app.services.sites import create_site
from tests.browser.widget_support import frame_of

CHROMIUM = os.environ.get("PARLEY_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
IN_CI = os.environ.get("CI", "").lower() == "true"


def pytest_collection_modifyitems(items):
    for item in items:
        if "tests/browser" in str(item.fspath):
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="session")
def chromium_path() -> str:
    if not (os.path.exists(CHROMIUM) or shutil.which("chromium")):
        reason = "browser tests need Debian's Chromium: apt-get install -y chromium"
        if IN_CI:
            pytest.fail(f"{reason} (required under CI=true)")
        pytest.skip(reason)
    return CHROMIUM if os.path.exists(CHROMIUM) else shutil.which("chromium")


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args, chromium_path):
    return {**browser_type_launch_args, "executable_path": chromium_path, "args": CHROMIUM_ARGS}


class ServerThread:
    """A WSGI app on a real socket, in a daemon thread, for the whole test session."""

    def __init__(self, wsgi_app, host: str = "127.0.0.1") -> None:
        self.server = make_server(host, 0, wsgi_app, threaded=True)
        self.port = self.server.server_port
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def stop(self) -> None:
        self.server.shutdown()
        self.thread.join(timeout=5)


@dataclass
class LiveParley:
    app: Flask
    port: int

    @property
    def url(self) -> str:
        return f"http://localhost:{self.port}"


@pytest.fixture(scope="session")
def live_parley(tmp_path_factory) -> Iterator[LiveParley]:
    """A running Parley on a migrated SQLite database, shared by the browser tests.

    Tests isolate themselves by using their own site slug or article key.
    """
    folder: Path = tmp_path_factory.mktemp("live-parley")
    app = create_app(
        {
            "TESTING": False,
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{folder / 'parley.sqlite3'}",
            "SECRET_KEY": "browser-test-secret",
            "RATELIMIT_ENABLED": False,
            "RATELIMIT_STORAGE_URI": "memory://",
            "PARLEY_REDIS_URL": None,
            "PARLEY_DEMO": True,
        }
    )
    app.instance_path = str(folder)
    with app.app_context():
        upgrade()
    server = ServerThread(app, host="127.0.0.1")
    # localhost resolves to 127.0.0.1 here; the server listens there.
    yield LiveParley(app, server.port)
    server.stop()
    with app.app_context():
        db.engine.dispose()


@dataclass
class HostPages:
    """Serves HTML pages registered by tests at http://127.0.0.1:<port>/<name>."""

    port: int = 0
    pages: dict[str, str] = field(default_factory=dict)

    def add(self, name: str, html: str) -> str:
        self.pages[name] = html
        return f"http://127.0.0.1:{self.port}/{name}"

    @property
    def origin(self) -> str:
        return f"http://127.0.0.1:{self.port}"


@pytest.fixture(scope="session")
def host_pages() -> Iterator[HostPages]:
    pages = HostPages()

    @Request.application
    def serve(request: Request) -> Response:
        html = pages.pages.get(request.path.lstrip("/"))
        if html is None:
            return Response("not found", status=404)
        return Response(html, mimetype="text/html")

    server = ServerThread(serve)
    pages.port = server.port
    yield pages
    server.stop()


# --- The widget's browser tests (tests/browser/test_widget_*.py) ---


class OpenedPage(NamedTuple):
    """A host page open in a browser page: its URL and the widget's thread frame."""

    url: str
    frame: Frame


@dataclass
class WidgetHost:
    """Makes sites on the live Parley and publisher pages that embed its widget."""

    live: LiveParley
    pages: HostPages

    def site(self, premod: bool = False, allow_guests: bool = True) -> str:
        """A new site whose only allowed origin is the host pages' origin; returns its slug."""
        slug = f"w{uuid.uuid4().hex[:10]}"
        with self.live.app.app_context():
            create_site(slug, slug, [self.pages.origin], premod=premod, allow_guests=allow_guests)
        return slug

    def page(
        self,
        site: str,
        article: str,
        *,
        css: str = "",
        before: str = "",
        after: str = "",
        attrs: str = "",
        script: str = "embed.js",
    ) -> str:
        """A news page embedding the widget with the real snippet; returns its URL."""
        name = f"p{uuid.uuid4().hex[:10]}"
        html = f"""<!doctype html>
<html lang="en"><head><meta charset="utf-8"><link rel="icon" href="data:,">
<title>Host article {article}</title>
<style>{css}</style></head>
<body><h1>Host article</h1><a id="before" href="#top">before the comments</a>
{before}
<div id="parley-thread" data-site="{site}" data-article="{article}"
     data-title="Article {article}" data-url="{self.pages.origin}/{name}" {attrs}></div>
<script async src="{self.live.url}/{script}"></script>
{after}
</body></html>"""
        return self.pages.add(name, html)

    def open(self, page, site: str, article: str, **options: str) -> OpenedPage:
        """A new host page (``self.page(site, article, **options)``) opened in ``page``; its URL
        and the thread frame once the frame's script has started (``frame_of``)."""
        url = self.page(site, article, **options)
        page.goto(url)
        return OpenedPage(url, frame_of(page))


@pytest.fixture
def widget(live_parley, host_pages) -> WidgetHost:
    return WidgetHost(live_parley, host_pages)


class PageWatch:
    """Collects console errors, uncaught exceptions and requests to any third origin."""

    def __init__(self, origins: set[str]) -> None:
        self.origins = origins
        self.problems: list[str] = []
        self.allowed: list[str] = []

    def allow(self, text: str) -> None:
        """Expect a console error containing ``text`` (Chromium logs every 4xx a test provokes)."""
        self.allowed.append(text)

    def unexpected(self) -> list[str]:
        return [p for p in self.problems if not any(text in p for text in self.allowed)]

    def attach(self, page) -> None:
        page.on(
            "console",
            lambda msg: msg.type == "error" and self.problems.append(f"console: {msg.text}"),
        )
        page.on("pageerror", lambda exc: self.problems.append(f"page error: {exc}"))
        page.on("request", self._check_request)

    def _check_request(self, request) -> None:
        url = request.url
        if url.startswith(("data:", "about:", "blob:")):
            return
        parts = url.split("/")
        if "/".join(parts[:3]) not in self.origins:
            self.problems.append(f"request left the test origins: {url}")


@pytest.fixture
def watch(page, live_parley, host_pages):
    """Fails the test if the page logged an error or sent a request off the two test origins."""
    watcher = PageWatch({live_parley.url, host_pages.origin})
    watcher.attach(page)
    yield watcher
    assert watcher.unexpected() == []


@pytest.fixture
def another_reader(browser, watch) -> Callable[[str], AbstractContextManager]:
    """``with another_reader(url) as page:``: ``url`` open for another reader (a browser context
    of its own: another cookie jar), watched like ``page``; the context closes after the block."""

    @contextmanager
    def open_as_another_reader(url: str) -> Iterator:
        context = browser.new_context()
        try:
            page = context.new_page()
            watch.attach(page)
            page.goto(url)
            yield page
        finally:
            context.close()

    return open_as_another_reader
