"""The cache of what anonymous readers get, shared by every process (Redis) or kept in this
process (no Redis: one process on SQLite). Keys carry the article's version, so an entry is
never invalidated, only no longer asked for; entries expire after ``TTL_SECONDS``.

With Redis, each process also keeps the entries it used last in memory (they never go stale).
A Redis outage makes every lookup a miss (the answer is built from the database), not an error.
"""

from __future__ import annotations

import logging
import threading
import time
from collections import OrderedDict
from collections.abc import Callable

from flask import Flask, current_app

from app.redis_store import RedisUnavailable, redis_client, redis_namespace

log = logging.getLogger(__name__)
EXTENSION_KEY = "parley_shared_cache"
TTL_SECONDS = 300


class MemoryCache:
    """A least-recently-used cache bounded in bytes."""

    def __init__(self, max_bytes: int) -> None:
        self.max_bytes = max_bytes
        self.size = 0
        self.entries: OrderedDict[str, tuple[float, bytes]] = OrderedDict()
        self.lock = threading.Lock()

    def get(self, key: str) -> bytes | None:
        with self.lock:
            found = self.entries.get(key)
            if found is None:
                return None
            expires, value = found
            if expires < time.monotonic():
                self._drop(key)
                return None
            self.entries.move_to_end(key)
            return value

    def set(self, key: str, value: bytes) -> None:
        if len(value) > self.max_bytes // 4:
            return
        with self.lock:
            if key in self.entries:
                self._drop(key)
            self.entries[key] = (time.monotonic() + TTL_SECONDS, value)
            self.size += len(value)
            while self.size > self.max_bytes:
                self._drop(next(iter(self.entries)))

    def _drop(self, key: str) -> None:
        _expires, value = self.entries.pop(key)
        self.size -= len(value)


class RedisCache:
    """Redis, shared by every process, behind a small in-process copy: keys name immutable
    content (they carry the version), so a local copy can never be stale, and a hit costs
    no round trip."""

    def __init__(self, app: Flask) -> None:
        self.client = redis_client(app)
        self.prefix = f"{redis_namespace(self.client)}:cache:"
        self.local = MemoryCache(app.config["PARLEY_CACHE_MEMORY_MB"] << 20)

    def get(self, key: str) -> bytes | None:
        found = self.local.get(key)
        if found is not None:
            return found
        try:
            found = self.client.get(self.prefix + key)
        except RedisUnavailable as exc:
            log.warning("shared cache unavailable, reading from the database: %s", exc)
            return None
        if found is not None:
            self.local.set(key, found)
        return found

    def set(self, key: str, value: bytes) -> None:
        self.local.set(key, value)
        try:
            self.client.set(self.prefix + key, value, ex=TTL_SECONDS)
        except RedisUnavailable as exc:
            log.warning("shared cache unavailable, not storing: %s", exc)


def init_shared_cache(app: Flask) -> None:
    if redis_client(app) is not None:
        app.extensions[EXTENSION_KEY] = RedisCache(app)
    else:
        app.extensions[EXTENSION_KEY] = MemoryCache(app.config["PARLEY_CACHE_MEMORY_MB"] << 20)


def shared_cache() -> MemoryCache | RedisCache:
    return current_app.extensions[EXTENSION_KEY]


def cached(key: str, build: Callable[[], bytes]) -> bytes:
    """The entry under ``key``, built with ``build`` and stored when absent."""
    cache = shared_cache()
    found = cache.get(key)
    if found is None:
        found = build()
        cache.set(key, found)
    return found
