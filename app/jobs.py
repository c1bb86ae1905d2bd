"""Background jobs (e-mail, webhooks, imports): one way in, ``enqueue``.

With PARLEY_REDIS_URL set, a job waits in Redis (RQ, queue ``parley``) for any number of
``flask --app wsgi worker`` processes; it is retried with back-off (``RETRY_INTERVALS``) and, once
out of retries, kept in the failed-job registry, which ``flask --app wsgi jobs failed`` lists for
admins (``jobs retry ID`` puts one back). Without Redis the job runs in the web process after the
response has been sent (or at once outside a request), with the same retries, shortened. So does
a job whose Redis is set but unreachable: it was set off by a change already committed (and
perhaps acknowledged), so it is run here rather than lost.

A job is a module-level function called with plain JSON-able arguments inside an application
context. Jobs must be idempotent: a job may run twice (a worker lost mid-job is retried), and
enqueuing with a ``key`` that is already waiting or running adds nothing.
"""

from __future__ import annotations

import logging
import re
import time
from collections.abc import Callable
from datetime import timedelta
from importlib import import_module
from typing import Any

from flask import Flask, current_app, g, has_app_context, has_request_context
from flask.wrappers import Response
from redis.exceptions import RedisError
from rq import Queue, Retry
from rq.job import Job, JobStatus

from app.redis_store import redis_client

log = logging.getLogger(__name__)
QUEUE_NAME = "parley"
RETRY_INTERVALS = [10, 60, 300]  # seconds before the 2nd, 3rd and 4th attempts
LOCAL_RETRY_INTERVALS = [0.5, 2.0]  # without Redis (the web process waits for them)
JOB_TIMEOUT = 300
FAILED_TTL = 30 * 86400
JOB_ID_UNSAFE = re.compile(r"[^A-Za-z0-9_-]")
LIVE_STATUSES = {JobStatus.QUEUED, JobStatus.STARTED, JobStatus.DEFERRED, JobStatus.SCHEDULED}


def task_path(task: Callable[..., Any]) -> str:
    return f"{task.__module__}:{task.__qualname__}"


def run_task(path: str, args: list[Any], kwargs: dict[str, Any]) -> Any:
    """What a worker executes: the task at ``path`` in an application context."""
    module, _, name = path.partition(":")
    task = getattr(import_module(module), name)
    if has_app_context():
        return task(*args, **kwargs)
    from wsgi import app  # a worker started outside ``flask worker``

    with app.app_context():
        return task(*args, **kwargs)


def job_queue(app: Flask | None = None) -> Queue | None:
    client = redis_client(app)
    if client is None:
        return None
    return Queue(QUEUE_NAME, connection=client, default_timeout=JOB_TIMEOUT)


def enqueue(
    task: Callable[..., Any],
    *args: Any,
    key: str | None = None,
    retry_intervals: list[int] | None = None,
    **kwargs: Any,
) -> None:
    """Run ``task(*args, **kwargs)`` in the background (see the module docstring).

    ``key`` names the job for idempotence: while a job with that key waits or runs, enqueuing
    it again does nothing. ``retry_intervals`` (seconds before each retry) replaces the default
    back-off for this job; PARLEY_JOB_RETRY_INTERVALS, when set, overrides both (tests).
    """
    queue = job_queue()
    path = task_path(task)
    if queue is None:
        run_after_response(path, list(args), kwargs)
        return
    try:
        key = _live_key(queue, key)
        if key is False:
            return
        queue.enqueue_call(
            run_task,
            args=(path, list(args), kwargs),
            job_id=key,
            retry=_retry(retry_intervals),
            result_ttl=0,  # nothing reads a job's return value; a failure is still kept
            failure_ttl=FAILED_TTL,
            description=path,
        )
    except RedisError:
        log.warning("Redis is unreachable: %s runs in this process instead", path, exc_info=True)
        run_after_response(path, list(args), kwargs)


def enqueue_in(
    delay_seconds: float,
    task: Callable[..., Any],
    *args: Any,
    key: str | None = None,
    retry_intervals: list[int] | None = None,
    **kwargs: Any,
) -> bool:
    """Run ``task`` once ``delay_seconds`` have passed, on a worker; False without Redis (or
    while it is unreachable).

    The web process keeps no timers: without Redis a delayed job is not run, and callers keep
    what it would do in the database for a periodic command to finish (their docs say which).
    ``key`` deduplicates and ``retry_intervals`` sets the back-off, as in ``enqueue``.
    """
    queue = job_queue()
    if queue is None:
        return False
    try:
        key = _live_key(queue, key)
        if key is False:
            return True
        queue.enqueue_in(
            timedelta(seconds=max(0.0, delay_seconds)),
            run_task,
            task_path(task),
            list(args),
            kwargs,
            job_id=key,
            retry=_retry(retry_intervals),
            result_ttl=0,
            failure_ttl=FAILED_TTL,
            description=task_path(task),
        )
    except RedisError:
        log.warning("Redis is unreachable: %s is left to its periodic command", task_path(task))
        return False
    return True


def _live_key(queue: Queue, key: str | None) -> str | None | bool:
    """The RQ job id for ``key``; False when a job with that key still waits or runs."""
    if key is None:
        return None
    key = job_id_for(key)
    existing = Job.fetch(key, connection=queue.connection) if _exists(queue, key) else None
    if existing is not None and existing.get_status(refresh=True) in LIVE_STATUSES:
        return False
    return key


def _retry(intervals: list[int] | None) -> Retry:
    configured = current_app.config.get("PARLEY_JOB_RETRY_INTERVALS")
    chosen = configured if configured is not None else (intervals or RETRY_INTERVALS)
    return Retry(max=len(chosen), interval=chosen)


def job_id_for(key: str) -> str:
    """RQ job ids allow letters, digits, ``_`` and ``-``: ``reply-mail:12`` -> ``reply-mail_12``."""
    return JOB_ID_UNSAFE.sub("_", key)


def _exists(queue: Queue, key: str) -> bool:
    return bool(Job.exists(key, connection=queue.connection))


def run_after_response(path: str, args: list[Any], kwargs: dict[str, Any]) -> None:
    if not has_request_context():
        run_with_retries(current_app._get_current_object(), path, args, kwargs)  # type: ignore[attr-defined]
        return
    pending = g.setdefault("parley_jobs", [])
    pending.append((path, args, kwargs))


def run_with_retries(app: Flask, path: str, args: list[Any], kwargs: dict[str, Any]) -> None:
    for attempt, pause in enumerate([*LOCAL_RETRY_INTERVALS, None]):
        try:
            with app.app_context():
                run_task(path, args, kwargs)
            return
        except Exception:
            log.exception("job %s failed (attempt %d)", path, attempt + 1)
            if pause is None:
                return
            time.sleep(pause)


def run_pending_after_response(response: Response) -> Response:
    """after_request: the request's jobs run once the response has been sent."""
    pending = g.pop("parley_jobs", None)
    if pending:
        app = current_app._get_current_object()  # type: ignore[attr-defined]

        def run_all() -> None:
            for path, args, kwargs in pending:
                run_with_retries(app, path, args, kwargs)

        response.call_on_close(run_all)
    return response


def init_jobs(app: Flask) -> None:
    app.after_request(run_pending_after_response)
