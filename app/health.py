"""Health endpoints for load balancers and orchestrators (contract v1.1 "Health").

``/healthz``: the process serves requests. ``/readyz``: it can do its work now, i.e. the
database answers and so does Redis when PARLEY_REDIS_URL is set; a load balancer takes the
process out of rotation while it says ``not_ready`` and puts it back once it recovers.
"""

from __future__ import annotations

from flask import Blueprint, Response, current_app, jsonify
from sqlalchemy import text

from app.extensions import db
from app.outages import RETRY_AFTER_SECONDS
from app.redis_store import redis_client
from app.retry_after import set_retry_after

bp = Blueprint("health", __name__)


def no_store(response: Response) -> Response:
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.get("/healthz")
def show_health() -> Response:
    return no_store(jsonify({"status": "ok"}))


def unreachable_dependencies() -> list[str]:
    """The backing services that do not answer now (each check is bounded by its timeout)."""
    down = []
    try:
        with db.engine.connect() as connection:
            connection.execute(text("SELECT 1"))
    except Exception as exc:  # noqa: BLE001 - any failure means: not ready
        current_app.logger.warning("readiness: database unreachable: %s", exc)
        down.append("database")
    client = redis_client()
    if client is not None:
        try:
            client.ping()
        except Exception as exc:  # noqa: BLE001
            current_app.logger.warning("readiness: Redis unreachable: %s", exc)
            down.append("Redis")
    return down


@bp.get("/readyz")
def show_readiness() -> Response:
    down = unreachable_dependencies()
    if not down:
        return no_store(jsonify({"status": "ready"}))
    message = f"not ready: {' and '.join(down)} unreachable"
    response = jsonify({"error": {"code": "not_ready", "message": message}})
    response.status_code = 503
    return no_store(set_retry_after(response, RETRY_AFTER_SECONDS))
