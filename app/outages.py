"""Outages of PostgreSQL or Redis: 503 ``service_unavailable`` at once, never a 500 or a hang.

The waits are bounded where the connections are made (app.database: engine options, and
a deadline on every PostgreSQL answer; app.redis_store); here the resulting errors become
the contract's answer. Nothing is retried
inside the request: the client (or the load balancer, through /readyz) retries, and the pools
reconnect by themselves once the servers are back.
"""

from __future__ import annotations

from flask import Flask, Response, current_app, request
from sqlalchemy.exc import OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeout

from app.database import CommitUnconfirmed
from app.errors import error_response
from app.extensions import db
from app.redis_store import RedisUnavailable
from app.retry_after import set_retry_after

RETRY_AFTER_SECONDS = 5


NOTHING_CHANGED = "nothing was changed: retry in a few seconds"
MAYBE_SAVED = (
    "the database stopped answering while saving the change, so it may have been saved: "
    "check before sending it again"
)


def service_unavailable(error: Exception) -> Response:
    current_app.logger.warning(
        "%s %s: backing service unavailable: %s", request.method, request.path, error
    )
    try:
        db.session.rollback()
    except Exception:  # noqa: BLE001, S110 - the connection is gone; the pool discards it
        pass
    unconfirmed = isinstance(getattr(error, "orig", None), CommitUnconfirmed)
    response = error_response(
        503,
        "service_unavailable",
        "the service is briefly unavailable (its database or cache cannot be reached); "
        + (MAYBE_SAVED if unconfirmed else NOTHING_CHANGED),
    )
    return set_retry_after(response, RETRY_AFTER_SECONDS)


def register_outage_handlers(app: Flask) -> None:
    app.register_error_handler(OperationalError, service_unavailable)
    app.register_error_handler(PoolTimeout, service_unavailable)
    app.register_error_handler(RedisUnavailable, service_unavailable)
