"""The process's Redis client (when PARLEY_REDIS_URL is set), with timeouts that keep outages short.

Every Redis call in Parley goes through ``redis_client``: a connection refused fails at once, a
silent server after ``PARLEY_REDIS_TIMEOUT`` seconds, so a request never hangs on Redis.
"""

from __future__ import annotations

from flask import Flask, current_app
from redis import Redis
from redis.exceptions import RedisError

EXTENSION_KEY = "parley_redis"

# What callers catch to degrade (or answer 503) when Redis is unreachable.
RedisUnavailable = RedisError


def init_redis(app: Flask) -> None:
    url = app.config.get("PARLEY_REDIS_URL")
    timeout = app.config["PARLEY_REDIS_TIMEOUT"]
    client = None
    if url:
        client = Redis.from_url(
            url,
            socket_connect_timeout=timeout,
            socket_timeout=timeout,
            health_check_interval=30,
        )
    app.extensions[EXTENSION_KEY] = client


def redis_client(app: Flask | None = None) -> Redis | None:
    """The app's Redis client, or None when Parley runs without Redis."""
    return (app or current_app).extensions.get(EXTENSION_KEY)


def redis_namespace(client: Redis) -> str:
    """A prefix for keys and pub/sub channels: channels ignore the database number, so two
    deployments sharing one Redis server on different databases must not hear each other."""
    return f"parley:{client.connection_pool.connection_kwargs.get('db', 0)}"
