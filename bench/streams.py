"""1,000 open event streams on one host while ordinary reads continue.

gunicorn with the repository's gunicorn.conf.py (gevent, 2 workers), events fanned out through
Redis. A separate process holds 1,000 streams of one article open; meanwhile this process sends
ordinary anonymous reads at a fixed rate (the first page of a 300-comment thread, and counts,
alternately) and posts a comment to the streamed article twice a second. Measured: how long each
post's ``comment`` event took to reach every stream (from the moment the post was sent), the
reads' latency, and the workers' resident memory at its highest.

Targets (issue 10): every stream gets each event within 1 s (p99), reads p99 < 50 ms, workers
under 300 MB in all.
"""

from __future__ import annotations

import asyncio
import random
import tempfile
import time
from pathlib import Path

from bench import live
from bench.report import Options, Section, markdown_table, percentile, section_per_backend
from bench.seed import NAMES, markdown_body, seed
from bench.server import gunicorn_with_events, migrated_database, seeding_app, server_pids

TITLE = "Live updates: 1,000 open event streams while ordinary reads continue"
SITE, THREAD, LIVE = "bench", "news-story", "live-story"
STREAMS = 1000
READS_PER_SECOND = 100
POSTS_PER_SECOND = 2


async def drive(base: str, seconds: float, memory: list[float], pids: list[int]):
    """Paced reads and posts for ``seconds``; samples worker memory into ``memory``."""
    rng = random.Random(11)
    reads: list[asyncio.Task[live.Timed]] = []
    posts: list[tuple[float, asyncio.Task[live.Timed]]] = []
    paths = [
        f"/api/v1/threads?site={SITE}&article={THREAD}",
        f"/api/v1/counts?site={SITE}&article={THREAD}&article={LIVE}",
    ]
    started = time.monotonic()
    tick, n = 1 / READS_PER_SECOND, 0
    next_post = started + 0.5
    while (now := time.monotonic()) < started + seconds:
        reads.append(asyncio.create_task(live.request(base, "GET", paths[n % 2], "read")))
        n += 1
        if now >= next_post:
            body = markdown_body(rng, 80, 300)
            task = asyncio.create_task(live.post_comment(base, SITE, LIVE, body, rng.choice(NAMES)))
            posts.append((time.monotonic(), task))
            next_post += 1 / POSTS_PER_SECOND
        if n % READS_PER_SECOND == 0:
            memory.append(live.rss_mb(pids))
        await asyncio.sleep(max(0.0, started + n * tick - time.monotonic()))
    read_results = await asyncio.gather(*reads)
    post_results = [(sent, await task) for sent, task in posts]
    return read_results, post_results


def run_backend(backend: str, options: Options) -> tuple[list[str], bool]:
    with (
        tempfile.TemporaryDirectory(prefix="parley-bench-") as tmp,
        migrated_database(backend, Path(tmp)) as env,
    ):
        workdir = Path(tmp)
        with seeding_app(env):
            seed(SITE, THREAD, [LIVE], comments=300)
        with gunicorn_with_events(env, workdir) as base:
            workers = server_pids(base)[1:]
            idle_mb = live.rss_mb(workers)
            with live.StreamHolder(base, SITE, [LIVE] * STREAMS, workdir) as holder:
                opened = holder.wait_ready()
                memory = [live.rss_mb(workers)]
                reads, posts = asyncio.run(drive(base, options.duration * 2, memory, workers))
                time.sleep(2)  # the last post's events are on their way
                memory.append(live.rss_mb(workers))
                logs = holder.finish()
    sent = {}
    for when, answer in posts:
        comment_id = live.posted_id(answer)
        if comment_id is not None:
            sent[comment_id] = (LIVE, when)
    latencies, missing = live.delivery_latencies(logs, [LIVE] * STREAMS, sent)
    read_errors = sum(r.status not in (200, 304) for r in reads)
    read_times = [r.seconds for r in reads]
    post_errors = len(posts) - len(sent)
    failed = [log.failed for log in logs if log.failed]
    peak = max(memory)
    p99_delivery = percentile(latencies, 0.99)
    p99_read = percentile(read_times, 0.99)
    checks = [
        ("every stream open", opened == STREAMS and not failed, f"{opened:,} of {STREAMS:,}"),
        ("every event delivered", missing == 0 and post_errors == 0, f"{missing:,} missing"),
        ("event delivery p99 <= 1 s", p99_delivery <= 1.0, f"{p99_delivery * 1000:.0f} ms"),
        ("reads p99 < 50 ms, no errors", p99_read < 0.05 and not read_errors,
         f"{p99_read * 1000:.1f} ms"),
        ("workers' memory < 300 MB in all", peak < 300, f"{peak:.0f} MB"),
    ]  # fmt: skip
    met = all(ok for _label, ok, _value in checks)
    lines = [
        markdown_table(
            ["What", "Count", "Errors", "p50 / p99 / max ms"],
            [
                ["Streams held open", f"{opened:,}", str(len(failed)), "-"],
                [
                    "Posts (2/s) to the streamed article",
                    f"{len(posts):,}",
                    str(post_errors),
                    live.summary([a.seconds for _w, a in posts]),
                ],
                [
                    "Event deliveries (post sent -> event on a stream)",
                    f"{len(latencies):,}",
                    f"{missing:,} missing",
                    live.summary(latencies),
                ],
                [
                    f"Ordinary reads ({READS_PER_SECOND}/s: first page, counts)",
                    f"{len(reads):,}",
                    str(read_errors),
                    live.summary(read_times),
                ],
            ],
        ),  # fmt: skip
        "",
        f"Workers' resident memory (2 workers): {idle_mb:.0f} MB before the streams opened, "
        f"{memory[0]:.0f} MB with them open, {peak:.0f} MB at the highest.",
        "",
        markdown_table(
            ["Target", "Measured", "Met"],
            [[what, value, "met" if ok else "**missed**"] for what, ok, value in checks],
        ),
    ]
    if failed:
        lines += ["", f"First stream failure: {failed[0]}"]
    return lines, met


def run(options: Options) -> Section:
    intro = (
        f"{STREAMS:,} streams of one article (`GET /api/v1/events`) held by a separate process; "
        "gunicorn with `gunicorn.conf.py` (gevent, 2 workers), events through Redis; "
        f"{options.duration * 2:g} s of {READS_PER_SECOND} anonymous reads/s (a fresh connection "
        f"each) and {POSTS_PER_SECOND} posts/s, all from Python clients on the same 2 cores."
    )
    return section_per_backend(TITLE, intro, options, run_backend, f"{STREAMS} streams")
