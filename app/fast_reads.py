"""Cached anonymous thread reads, answered before Flask's dispatch.

An anonymous ``GET /api/v1/threads`` (no cookie, no ``Authorization``, no SSO header) is
answered with the answer Flask last gave to the very same request, as long as the thread's
stamp (app.services.thread_stamps: one small query of the article's version, read on every
request) is still the one that answer was made for. So a replayed answer is never stale: the
first request after any change a reader can see goes through Flask and the shared cache as
before, and its answer becomes the one replayed.

A replayed answer is Flask's own, byte for byte: its status, every header it sent (ETag,
Cache-Control, Vary, Content-Encoding, the security headers) and its body, already
compressed. What the answer depends on is in the key: the stamp, the raw query string, the
scheme, host and script root, the encoding the client accepts, the cache settings and
``If-None-Match``. Only 200s (and, for conditional requests, 304s) that Flask tagged public,
set no cookie and made from the same stamp are kept; anything else always goes through Flask.

What this saves per read: the request context, routing, the session, the ORM session, the
shared-cache lookup and the after-request hooks; what is left is parsing the query string and
the stamp query. A database outage during the stamp query gets Flask's own 503 answer.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Iterable
from typing import Any

from flask import Flask
from sqlalchemy.engine import Engine
from sqlalchemy.exc import OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeout

from app.compression import accepted_encoding
from app.services.articles import clean_article_key
from app.services.thread_stamps import thread_stamp

THREADS_PATH = "/api/v1/threads"
# Any of these may make the answer depend on who asks: such requests always go through Flask.
IDENTIFYING = ("HTTP_COOKIE", "HTTP_AUTHORIZATION", "HTTP_X_PARLEY_SSO", "HTTP_X_PARLEY_FRAME")
# Set by the thread view on the WSGI environ: the stamp its anonymous answer was made from.
STAMP_ENVIRON_KEY = "parley.thread_stamp"
OUTAGES = (OperationalError, PoolTimeout)

Answer = tuple[str, list[tuple[str, str]], bytes]
StartResponse = Callable[..., Any]


def note_answer_stamp(environ: dict[str, Any], tag: str) -> None:
    """Called by the thread view: the stamp its anonymous answer was made from."""
    environ[STAMP_ENVIRON_KEY] = tag


class AnswerMemo:
    """Answers by key, least recently used first out, bounded in bytes."""

    def __init__(self, max_bytes: int) -> None:
        self.max_bytes = max_bytes
        self.size = 0
        self.entries: OrderedDict[tuple[Any, ...], Answer] = OrderedDict()
        self.lock = threading.Lock()

    def get(self, key: tuple[Any, ...]) -> Answer | None:
        with self.lock:
            found = self.entries.get(key)
            if found is not None:
                self.entries.move_to_end(key)
            return found

    def put(self, key: tuple[Any, ...], answer: Answer) -> None:
        size = len(answer[2]) + 64 * len(answer[1])
        if size > self.max_bytes // 4:
            return
        with self.lock:
            old = self.entries.pop(key, None)
            if old is not None:
                self.size -= len(old[2]) + 64 * len(old[1])
            self.entries[key] = answer
            self.size += size
            while self.size > self.max_bytes:
                _key, dropped = self.entries.popitem(last=False)
                self.size -= len(dropped[2]) + 64 * len(dropped[1])


class FastReads:
    """WSGI middleware in front of Flask's own ``wsgi_app`` (inside ProxyFix, when there is one)."""

    def __init__(self, app: Flask, wsgi_app: Callable[..., Iterable[bytes]]) -> None:
        self.app = app
        self.wsgi_app = wsgi_app
        self.answers = AnswerMemo(app.config["PARLEY_CACHE_MEMORY_MB"] << 20)
        self.engine: Engine | None = None

    def __call__(self, environ: dict[str, Any], start_response: StartResponse) -> Iterable[bytes]:
        if (
            environ.get("PATH_INFO") != THREADS_PATH
            or environ.get("REQUEST_METHOD") != "GET"
            or any(name in environ for name in IDENTIFYING)
        ):
            return self.wsgi_app(environ, start_response)
        try:
            key = self.answer_key(environ)
        except OUTAGES as error:
            return self.flask_error_answer(environ, start_response, error)
        except Exception:  # noqa: BLE001 - Flask answers (and logs) what went wrong, as ever
            key = None
        if key is None:
            return self.wsgi_app(environ, start_response)
        found = self.answers.get(key)
        if found is not None:
            status, headers, body = found
            start_response(status, headers)
            return [body]
        return self.answer_and_keep(key, environ, start_response)

    def stamp_engine(self) -> Engine:
        """The engine the thread view reads from: the replica when there is one."""
        if self.engine is None:
            from app.extensions import db
            from app.replicas import REPLICA_BIND

            with self.app.app_context():
                self.engine = db.engines.get(REPLICA_BIND) or db.engine
        return self.engine

    def answer_key(self, environ: dict[str, Any]) -> tuple[Any, ...] | None:
        args = self.app.request_class(environ).args  # parsed exactly as the view parses them
        site = args.get("site", "")
        if not site:
            return None
        article = clean_article_key(args.get("article"))
        with self.stamp_engine().connect() as connection:
            stamp = thread_stamp(site, article, connection).tag()
        config = self.app.config
        encoding = (
            accepted_encoding(environ.get("HTTP_ACCEPT_ENCODING"))
            if config["PARLEY_COMPRESSION"]
            else None
        )
        return (
            stamp,
            environ.get("QUERY_STRING", ""),
            environ.get("wsgi.url_scheme"),
            environ.get("HTTP_HOST"),
            environ.get("SERVER_NAME"),
            environ.get("SERVER_PORT"),
            environ.get("SCRIPT_NAME", ""),
            encoding,
            config.get("PARLEY_PUBLIC_URL"),
            config["PARLEY_CACHE_MAX_AGE"],
            config["PARLEY_CACHE_STALE_SECONDS"],
            environ.get("HTTP_IF_NONE_MATCH"),
        )

    def answer_and_keep(
        self, key: tuple[Any, ...], environ: dict[str, Any], start_response: StartResponse
    ) -> Iterable[bytes]:
        """Let Flask answer; keep the answer when it may be replayed."""
        sent: list[Any] = []

        def capture(status: str, headers: list[tuple[str, str]], exc_info: Any = None) -> Any:
            sent[:] = [status, headers]
            return start_response(status, headers, exc_info)

        result = self.wsgi_app(environ, capture)
        if not sent or environ.get(STAMP_ENVIRON_KEY) != key[0]:
            return result
        status, headers = sent
        conditional = key[-1] is not None
        if not status.startswith("304" if conditional else "200") or not replayable(headers):
            return result
        try:
            body = b"".join(result)
        finally:
            close = getattr(result, "close", None)
            if close is not None:
                close()
        self.answers.put(key, (status, list(headers), body))
        return [body]

    def flask_error_answer(
        self, environ: dict[str, Any], start_response: StartResponse, error: Exception
    ) -> Iterable[bytes]:
        """The answer Flask gives when the view's own stamp query fails so (a 503)."""
        with self.app.request_context(environ):
            response = self.app.finalize_request(self.app.handle_user_exception(error))
        return response(environ, start_response)


def replayable(headers: list[tuple[str, str]]) -> bool:
    names = {name.lower(): value for name, value in headers}
    return (
        "etag" in names
        and names.get("cache-control", "").startswith("public")
        and "set-cookie" not in names
    )


def install_fast_reads(app: Flask) -> None:
    """Put the fast path in front of Flask; call before ProxyFix wraps ``app.wsgi_app``."""
    app.wsgi_app = FastReads(app, app.wsgi_app)  # type: ignore[method-assign]
