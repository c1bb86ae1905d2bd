"""Webhooks: 1,000 comments delivered to a real receiver by two workers, and whether a
webhook makes posting slower.

PostgreSQL and Redis; gunicorn with gunicorn.conf.py (gevent, 2 workers) and two
``flask --app wsgi worker`` processes. A receiver (http.server, threads) on 127.0.0.1 counts
distinct ``webhook-id`` headers. Two sites: ``bench`` gets a webhook (every event) after the
first round, ``quiet`` never has one. Guest comments are posted by 8 client threads over HTTP:
a round with no webhook anywhere; then the webhook round, 1,000 posts to ``bench`` shuffled
with 500 to ``quiet``, so that posts with and without a webhook meet the same load (the
deliveries' CPU, on this 2-core machine, comes from the same cores as posting); then a round
with the webhook disabled. Measured: posts/s and the CPU per post of gunicorn and of the
workers in each round, each post's latency, and the time from the webhook round's first post
until the receiver has all 1,000 ``comment.created`` deliveries.

Targets (issue 11): all 1,000 delivered within 60 s; posting with a webhook no slower than
without: in the webhook round, the median latency of a post to ``bench`` within 10 % of a post
to ``quiet``.
"""

from __future__ import annotations

import json
import random
import statistics
import subprocess
import sys
import time
import urllib.request
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from pathlib import Path

from bench.report import Options, Section, markdown_table, measure_on_postgresql
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
QUIET_SITE = "quiet"
POSTS = 1000
QUIET_POSTS = 500  # posts to the site without a webhook, among the webhook round's
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


def post_all(base: str, label: str, sites: list[str]) -> tuple[float, dict[str, list[float]]]:
    """Post one guest comment to each of ``sites`` with CLIENTS threads: the seconds it took,
    and each site's latencies in ms."""
    url = base + "/api/v1/comments"

    def one(job: tuple[int, str]) -> tuple[str, float]:
        n, site = job
        body = json.dumps({
            "site": site, "article": f"story-{n % 50}", "author_name": "Bench",
            "body": f"Comment {n} of the {label} round, with a little **Markdown**.",
        }).encode()  # fmt: skip
        request = urllib.request.Request(  # noqa: S310 - local URL
            url, body, {"Content-Type": "application/json", "Origin": "https://news.example"}
        )
        sent = time.perf_counter()
        with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310
            if response.status != 201:
                raise RuntimeError(f"post answered {response.status}")
        return site, (time.perf_counter() - sent) * 1000

    started = time.monotonic()
    latencies: dict[str, list[float]] = {}
    with ThreadPoolExecutor(max_workers=CLIENTS) as pool:
        for site, ms in pool.map(one, enumerate(sites)):
            latencies.setdefault(site, []).append(ms)
    return time.monotonic() - started, latencies


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
            create_site(QUIET_SITE, "Quiet News", ["https://news.example"])
        mixed = [SITE] * POSTS + [QUIET_SITE] * QUIET_POSTS
        random.Random(11).shuffle(mixed)
        with (
            receiver(workdir) as (hook_url, counter),
            worker_processes(env, 2, workdir) as worker_pids,
            gunicorn(env, workdir, "/healthz", production_config=True) as base,
        ):
            post_all(base, "warm-up", [SITE] * WARM_UP)  # caches, pools, the toxicity model
            web_pids = server_pids(base)
            plain = metered(lambda: post_all(base, "plain", [SITE] * POSTS), web_pids, worker_pids)
            with seeding_app(env):
                from app.services.webhooks import add_webhook, set_enabled

                hook_id = add_webhook(SITE, hook_url, "bench-webhook-secret", allow_private=True).id
            started = time.monotonic()

            def hooked_round() -> tuple[float, dict[str, list[float]]]:
                posted = post_all(base, "webhook", mixed)
                wait_for(counter, POSTS, DELIVERY_TARGET_S * 3)
                return posted

            hooked = metered(hooked_round, web_pids, worker_pids)
            posted_at = started + hooked["seconds"]
            complete = counter.count() >= POSTS
            delivered_s = (counter.last_at if complete else time.monotonic()) - started
            delivered = counter.count()
            with seeding_app(env):
                set_enabled(SITE, hook_id, False)
            again = metered(
                lambda: post_all(base, "plain again", [SITE] * POSTS), web_pids, worker_pids
            )
    return {
        "plain_rate": POSTS / plain["seconds"],
        "hooked_rate": len(mixed) / hooked["seconds"],
        "again_rate": POSTS / again["seconds"],
        "plain_web_ms": plain["web_ms"],
        "hooked_web_ms": hooked["web_ms"],
        "again_web_ms": again["web_ms"],
        "plain_worker_ms": plain["worker_ms"],
        "hooked_worker_ms": hooked["worker_ms"],
        "again_worker_ms": again["worker_ms"],
        "plain_p50": statistics.median(plain["latencies"][SITE]),
        "again_p50": statistics.median(again["latencies"][SITE]),
        "hooked_p50": statistics.median(hooked["latencies"][SITE]),
        "quiet_p50": statistics.median(hooked["latencies"][QUIET_SITE]),
        "delivered": delivered,
        "delivered_s": delivered_s,
        "lag_s": max(0.0, (counter.last_at or posted_at) - posted_at),
    }


def metered(
    round_: Callable[[], tuple[float, dict[str, list[float]]]], web: list[int], workers: list[int]
) -> dict:
    """Run a round: its seconds and latencies, and the CPU per post of gunicorn's processes
    and of the workers (until the round's deliveries are in)."""
    web_before, workers_before = cpu_seconds(web), cpu_seconds(workers)
    seconds, latencies = round_()
    time.sleep(0.5)  # the last fan-out jobs finish
    posts = sum(len(values) for values in latencies.values())
    return {
        "seconds": seconds,
        "latencies": latencies,
        "web_ms": (cpu_seconds(web) - web_before) * 1000 / posts,
        "worker_ms": (cpu_seconds(workers) - workers_before) * 1000 / posts,
    }


def run(options: Options) -> Section:
    r = measure_on_postgresql(options, f"{POSTS} posts without, then with, a webhook", measure)
    if r is None:
        return Section(TITLE, "Skipped: this benchmark needs PostgreSQL.", targets_met=True)
    all_in = r["delivered"] == POSTS and r["delivered_s"] <= DELIVERY_TARGET_S
    no_slower = r["hooked_p50"] <= r["quiet_p50"] * (1 + SLOWDOWN_ALLOWED)
    body = "\n".join([
        f"PostgreSQL and Redis; gunicorn with `gunicorn.conf.py` (gevent, 2 workers) and two "
        f"`flask --app wsgi worker` processes; a receiver on 127.0.0.1. After {WARM_UP} posts of "
        f"warm-up, {CLIENTS} client threads post guest comments: {POSTS:,} with no webhook; "
        f"{POSTS:,} to a site with one webhook (every event) shuffled with {QUIET_POSTS} to a "
        f"site without; {POSTS:,} with the webhook disabled. A comment event becomes a job only "
        "where a webhook (or a mail) wants it, so posts without a webhook enqueue nothing and "
        "the workers idle; a post with one enqueues one fan-out job. On a 2-core machine the "
        "deliveries' CPU (workers, receiver, PostgreSQL) comes from the same cores as posting: "
        "posts/s and CPU per post fall and rise with it, which is why posts with and without a "
        "webhook are compared within the webhook round, under the same load.",
        "",
        markdown_table(
            ["Round", "posts/s", "p50 ms, webhook site", "p50 ms, no webhook",
             "gunicorn CPU ms/post", "workers CPU ms/post", "deliveries", "all received after",
             "after the last post"],
            [
                ["no webhook", f"{r['plain_rate']:,.0f}", "-", f"{r['plain_p50']:.1f}",
                 f"{r['plain_web_ms']:.1f}", f"{r['plain_worker_ms']:.1f}", "-", "-", "-"],
                ["one webhook (mixed)", f"{r['hooked_rate']:,.0f}", f"{r['hooked_p50']:.1f}",
                 f"{r['quiet_p50']:.1f}", f"{r['hooked_web_ms']:.1f}",
                 f"{r['hooked_worker_ms']:.1f}", f"{r['delivered']:,} of {POSTS:,}",
                 f"{r['delivered_s']:.1f} s", f"{r['lag_s']:.1f} s"],
                ["webhook disabled", f"{r['again_rate']:,.0f}", "-", f"{r['again_p50']:.1f}",
                 f"{r['again_web_ms']:.1f}", f"{r['again_worker_ms']:.1f}", "-", "-", "-"],
            ],
        ),
        "",
        markdown_table(["Target", "Measured", "Met"], [
            [f"{POSTS:,} deliveries within {DELIVERY_TARGET_S:g} s",
             f"{r['delivered']:,} in {r['delivered_s']:.1f} s", "met" if all_in else "**missed**"],
            [f"a post is no slower with a webhook (p50 within {SLOWDOWN_ALLOWED:.0%} of a post "
             "without, same round)",
             f"{r['hooked_p50']:.1f} vs {r['quiet_p50']:.1f} ms",
             "met" if no_slower else "**missed**"],
        ]),
    ])  # fmt: skip
    return Section(TITLE, body, targets_met=all_in and no_slower)
