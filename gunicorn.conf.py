"""gunicorn settings for production: ``gunicorn -c gunicorn.conf.py wsgi:app``.

Command-line options (``--bind``, ``--workers``, ...) override these. Why gevent: an open event
stream (/api/v1/events) holds its connection for minutes; with gevent it costs a greenlet and
a few kilobytes, so one worker holds thousands of streams and still answers ordinary reads,
where a thread per stream (gthread) would exhaust the thread pool (docs/deploy.md). The
database driver (psycopg 3) and redis-py cooperate with gevent's patched sockets.
"""

import gc
import multiprocessing
import os

bind = os.environ.get("PARLEY_BIND", "127.0.0.1:8000")
# CPU-bound work happens in one worker per core; waiting (streams, I/O) happens in greenlets.
# Without PARLEY_REDIS_URL one process is the default: live events, rate limits and the cache
# are shared between processes only through Redis (a stream on another worker would never
# hear of a comment posted through this one). --workers or WEB_CONCURRENCY still decide.
workers = int(
    os.environ.get(
        "WEB_CONCURRENCY",
        multiprocessing.cpu_count() if os.environ.get("PARLEY_REDIS_URL") else 1,
    )
)
worker_class = os.environ.get("PARLEY_WORKER_CLASS", "gevent")
worker_connections = int(os.environ.get("PARLEY_WORKER_CONNECTIONS", "4000"))
# gthread only (PARLEY_WORKER_CLASS=gthread): threads per worker.
threads = int(os.environ.get("PARLEY_THREADS", "8"))
timeout = 30  # a worker silent this long is restarted (streams keep it talking)
graceful_timeout = 30  # on SIGHUP/SIGTERM, requests in flight get this long to finish
keepalive = 5
# The longest request line gunicorn takes without lifting the limit altogether (0), instead of
# its default 4094 bytes: an article key is any string of up to 512 characters, which is 6 KiB
# of URL percent-encoded (emoji), and a longer line is a JSON 414 (post_worker_init), not the
# thread.
limit_request_line = 8190
# A header line may hold an SSO token of up to SSO_TOKEN_MAX (8,192) characters after its name:
# over gunicorn's default 8,190 bytes a field is a 431, never Parley's 401.
limit_request_field_size = 16384
# Recycle workers now and then (with jitter, never all at once) to bound memory growth.
max_requests = 20000
max_requests_jitter = 2000

accesslog = os.environ.get("PARLEY_ACCESS_LOG", "-")
errorlog = "-"
loglevel = os.environ.get("PARLEY_LOG_LEVEL", "info")
access_log_format = '%(h)s "%(r)s" %(s)s %(B)s %(M)sms "%(a)s"'

# Several masters may run on one host (blue/green, tests): none opens the control socket.
control_socket_disable = True
# SIGHUP reloads this file and the application code with new workers, one set at a time.
preload_app = False


def post_worker_init(worker):  # noqa: ARG001 - gunicorn's hook signature
    """Move everything the app loaded (the toxicity model, SQLAlchemy's mappers, the
    templates) out of the garbage collector's view: it lives as long as the worker, and
    scanning it in every full collection stalled requests by 50-150 ms (docs/benchmarks.md).

    And answer the requests gunicorn refuses itself (a request line or header over the limits
    above, a request that is not valid HTTP) in Parley's JSON error shape rather than as
    gunicorn's HTML page (app/server_errors.py). Here, not in post_fork: the worker has loaded
    the app (and gevent has patched the standard library) by now."""
    from app.server_errors import install

    install()
    gc.freeze()


def when_ready(server):
    """Warn when several workers run without Redis: each then has its own live events, rate
    limits and cache, so a reader's open stream never hears of a comment posted through
    another worker (the contract's live updates need PARLEY_REDIS_URL for more than one)."""
    if server.cfg.workers > 1 and not os.environ.get("PARLEY_REDIS_URL"):
        server.log.warning(
            "%d workers without PARLEY_REDIS_URL: live updates, rate limits and caches are "
            "per worker, so readers miss comments posted through other workers; set "
            "PARLEY_REDIS_URL or run one worker (docs/deploy.md)",
            server.cfg.workers,
        )
