"""Webhooks: 1,000 comments delivered to a real receiver by two workers, and what a webhook
costs the posting rate.

PostgreSQL and Redis; gunicorn with gunicorn.conf.py (gevent, 2 workers) and two
``flask --app wsgi worker`` processes. A receiver (http.server, threads) on 127.0.0.1 counts
distinct ``webhook-id`` headers. Three rounds of 1,000 guest comments, posted by 8 client threads
over HTTP: with no webhook, with one (every event), and with it disabled (the machine's load
drifts: the rate without is the mean of the first and last rounds). Measured: posts/s of each,
and the time from the webhook round's first post until the receiver has all 1,000
``comment.created`` deliveries.

Targets (issue 11): all 1,000 delivered within 60 s; posting with a webhook no slower (within
the run's noise, 10 %) than without.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import tempfile
import threading
import time
import urllib.request
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from bench.report import PROJECT_ROOT, Options, Section, markdown_table
from bench.server import BIN, REDIS_URL, gunicorn, migrated_database, seeding_app

TITLE = "Webhooks: 1,000 deliveries by two workers; posting with and without a webhook"
SITE = "bench"
POSTS = 1000
CLIENTS = 8
WARM_UP = 200
DELIVERY_TARGET_S = 60.0
SLOWDOWN_ALLOWED = 0.10


class Counter:
    """Distinct webhook-ids received, and when the last new one arrived."""

    def __init__(self) -> None:
        self.ids: set[str] = set()
        self.lock = threading.Lock()
        self.last_at = 0.0

    def add(self, event_id: str) -> None:
        with self.lock:
            self.ids.add(event_id)
            self.last_at = time.monotonic()

    def count(self) -> int:
        with self.lock:
            return len(self.ids)


@contextmanager
def receiver() -> Iterator[tuple[str, Counter]]:
    counter = Counter()

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:  # noqa: N802 - the http.server naming
            self.rfile.read(int(self.headers.get("Content-Length") or 0))
            counter.add(self.headers.get("webhook-id", ""))
            self.send_response(204)
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, *args) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/hook", counter
    finally:
        server.shutdown()
        server.server_close()


@contextmanager
def workers(env: dict[str, str], workdir: Path, count: int = 2) -> Iterator[None]:
    processes = []
    for n in range(count):
        log = open(workdir / f"worker-{n}.log", "w")  # noqa: SIM115 - closed below
        command = [str(BIN / "flask"), "--app", "wsgi", "worker"]
        process = subprocess.Popen(
            command, cwd=PROJECT_ROOT, env=env, stdout=log, stderr=subprocess.STDOUT,
            start_new_session=True,
        )  # fmt: skip
        processes.append((process, log))
    try:
        yield
    finally:
        for process, _log in processes:
            process.send_signal(signal.SIGTERM)
        for process, log in processes:
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait(timeout=10)
            log.close()


def post_all(base: str, label: str, posts: int = POSTS) -> float:
    """Post ``posts`` guest comments with CLIENTS threads; the seconds it took."""
    url = base + "/api/v1/comments"

    def one(n: int) -> None:
        body = json.dumps({
            "site": SITE, "article": f"story-{n % 50}", "author_name": "Bench",
            "body": f"Comment {n} of the {label} round, with a little **Markdown**.",
        }).encode()  # fmt: skip
        request = urllib.request.Request(  # noqa: S310 - local URL
            url, body, {"Content-Type": "application/json", "Origin": "https://news.example"}
        )
        with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310
            if response.status != 201:
                raise RuntimeError(f"post answered {response.status}")

    started = time.monotonic()
    with ThreadPoolExecutor(max_workers=CLIENTS) as pool:
        list(pool.map(one, range(posts)))
    return time.monotonic() - started


def wait_for(counter: Counter, count: int, timeout: float) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if counter.count() >= count:
            return True
        time.sleep(0.05)
    return False


def measure(workdir: Path) -> dict[str, float]:
    with migrated_database("postgresql", workdir) as env:
        env = {**env, "PARLEY_REDIS_URL": REDIS_URL, "PARLEY_WEBHOOK_ALLOW_PRIVATE": "on"}
        import redis

        redis.Redis.from_url(REDIS_URL).flushdb()  # the benchmark's own Redis database
        with seeding_app(env):
            from app.services.sites import create_site

            create_site(SITE, "Bench News", ["https://news.example"])
        with (
            receiver() as (hook_url, counter),
            workers(env, workdir),
            gunicorn(env, workdir, "/healthz", production_config=True) as base,
        ):
            post_all(base, "warm-up", WARM_UP)  # caches, pools, the toxicity model
            plain_s = post_all(base, "plain")
            with seeding_app(env):
                from app.services.webhooks import add_webhook, set_enabled

                hook_id = add_webhook(SITE, hook_url, "bench-webhook-secret", allow_private=True).id
            started = time.monotonic()
            hooked_s = post_all(base, "webhook")
            posted_at = time.monotonic()
            complete = wait_for(counter, POSTS, DELIVERY_TARGET_S * 3)
            delivered_s = (counter.last_at if complete else time.monotonic()) - started
            delivered = counter.count()
            with seeding_app(env):
                set_enabled(SITE, hook_id, False)
            plain_again_s = post_all(base, "plain again")  # the machine's load drifts
    return {
        "plain_rate": 2 * POSTS / (plain_s + plain_again_s),
        "hooked_rate": POSTS / hooked_s,
        "delivered": delivered,
        "delivered_s": delivered_s,
        "lag_s": max(0.0, (counter.last_at or posted_at) - posted_at),
    }


def run(options: Options) -> Section:
    if "postgresql" not in options.backends:
        return Section(TITLE, "Skipped: this benchmark needs PostgreSQL.", targets_met=True)
    print(f"  postgresql: {POSTS} posts without, then with, a webhook", flush=True)
    with tempfile.TemporaryDirectory(prefix="parley-bench-") as tmp:
        r = measure(Path(tmp))
    all_in = r["delivered"] == POSTS and r["delivered_s"] <= DELIVERY_TARGET_S
    no_slower = r["hooked_rate"] >= r["plain_rate"] * (1 - SLOWDOWN_ALLOWED)
    body = "\n".join([
        f"PostgreSQL and Redis; gunicorn with `gunicorn.conf.py` (gevent, 2 workers) and two "
        f"`flask --app wsgi worker` processes; a receiver on 127.0.0.1. After {WARM_UP} posts of "
        f"warm-up, {POSTS:,} guest comments posted by {CLIENTS} client threads with no webhook, "
        f"{POSTS:,} with one webhook (every event), {POSTS:,} with it disabled; the rate without "
        "is the mean of the first and last rounds.",
        "",
        markdown_table(
            ["Round", "posts/s", "deliveries", "all received after", "after the last post"],
            [
                ["no webhook", f"{r['plain_rate']:,.0f}", "-", "-", "-"],
                ["one webhook", f"{r['hooked_rate']:,.0f}", f"{r['delivered']:,} of {POSTS:,}",
                 f"{r['delivered_s']:.1f} s", f"{r['lag_s']:.1f} s"],
            ],
        ),
        "",
        markdown_table(["Target", "Measured", "Met"], [
            [f"{POSTS:,} deliveries within {DELIVERY_TARGET_S:g} s",
             f"{r['delivered']:,} in {r['delivered_s']:.1f} s", "met" if all_in else "**missed**"],
            [f"posting with a webhook no slower (within {SLOWDOWN_ALLOWED:.0%})",
             f"{r['hooked_rate']:,.0f} vs {r['plain_rate']:,.0f} posts/s",
             "met" if no_slower else "**missed**"],
        ]),
    ])  # fmt: skip
    return Section(TITLE, body, targets_met=all_in and no_slower)
