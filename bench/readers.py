"""A 4,000-comment article with 500 simulated readers.

gunicorn with gunicorn.conf.py (gevent, 2 workers), events through Redis. The 500 readers arrive
over the first third of the run; each loads the thread's first page (anonymous, gzip accepted,
a fresh connection). Then 60% keep an event stream open (held by a separate process) and the
rest poll the cached counts every 5 s (the widget polls every 60 s when streams fail: this is
twelve times as often); 25 readers post a comment each, at random moments, and for every new
comment 30 streaming readers ask to see it (the frame's fragment of that comment, as live.js
fetches it). Target (issue 10): no errors, p99 of reads under 100 ms.
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

TITLE = "A 4,000-comment article with 500 readers: first pages, streams, polling, posting"
SITE, ARTICLE = "bench", "big-story"
COMMENTS = 4000
READERS = 500
STREAMING_SHARE = 0.6
POSTERS = 25
POLL_SECONDS = 5.0
VIEWERS_PER_NEW_COMMENT = 30
QUERY = f"site={SITE}&article={ARTICLE}"


async def reader(
    base: str, rng: random.Random, seconds: float, polls: bool, posts: bool, out: list
) -> None:
    ends = time.monotonic() + seconds
    await asyncio.sleep(rng.uniform(0, seconds / 3))
    out.append(await live.request(base, "GET", f"/api/v1/threads?{QUERY}", "first page"))
    post_at = time.monotonic() + rng.uniform(0, max(0.1, ends - time.monotonic() - 3))
    while time.monotonic() < ends - 0.1:
        if posts and time.monotonic() >= post_at:
            body = markdown_body(rng, 80, 400)
            answer = await live.post_comment(base, SITE, ARTICLE, body, rng.choice(NAMES))
            answer.seconds = time.monotonic()  # when it was answered, for the viewers below
            out.append(answer)
            posts = False
        if polls:
            out.append(await live.request(base, "GET", f"/api/v1/counts?{QUERY}", "poll"))
        await asyncio.sleep(POLL_SECONDS * rng.uniform(0.8, 1.2) if polls else 0.2)


async def viewers(base: str, rng: random.Random, comment_id: int, out: list) -> None:
    """Streaming readers who click "N new comments": the frame fetches the comment's HTML."""

    async def one() -> None:
        await asyncio.sleep(rng.uniform(0.3, 3.0))
        path = f"/embed/thread/comment/{comment_id}?{QUERY}&lang=en"
        out.append(await live.request(base, "GET", path, "new comment shown"))

    await asyncio.gather(*(one() for _ in range(VIEWERS_PER_NEW_COMMENT)))


async def drive(base: str, seconds: float) -> tuple[list[live.Timed], list[live.Timed], dict]:
    rng = random.Random(5)
    out: list[live.Timed] = []
    pollers = READERS - round(READERS * STREAMING_SHARE)
    posters = set(rng.sample(range(READERS), POSTERS))
    tasks = [
        asyncio.create_task(reader(base, random.Random(n), seconds, n < pollers, n in posters, out))
        for n in range(READERS)
    ]
    shown: list[live.Timed] = []
    seen: set[int] = set()
    sent: dict[int, tuple[str, float]] = {}
    followers = []
    while not all(task.done() for task in tasks):
        for answer in [a for a in out if a.kind == "post"]:
            comment_id = live.posted_id(answer)
            if comment_id is not None and comment_id not in seen:
                seen.add(comment_id)
                # the post was sent answer.seconds minus its duration ago: measured from sending
                sent[comment_id] = (ARTICLE, answer.seconds)
                followers.append(asyncio.create_task(viewers(base, rng, comment_id, shown)))
        await asyncio.sleep(0.05)
    await asyncio.gather(*tasks, *followers)
    return out, shown, sent


def run_backend(backend: str, options: Options) -> tuple[list[str], bool]:
    seconds = options.duration * 3
    with (
        tempfile.TemporaryDirectory(prefix="parley-bench-") as tmp,
        migrated_database(backend, Path(tmp)) as env,
    ):
        workdir = Path(tmp)
        started = time.monotonic()
        with seeding_app(env):
            seed(SITE, ARTICLE, [], comments=COMMENTS)
        seeded_in = time.monotonic() - started
        with gunicorn_with_events(env, workdir) as base:
            workers = server_pids(base)[1:]
            streaming = round(READERS * STREAMING_SHARE)
            with live.StreamHolder(base, SITE, [ARTICLE] * streaming, workdir) as holder:
                opened = holder.wait_ready()
                out, shown, sent = asyncio.run(drive(base, seconds))
                peak_mb = live.rss_mb(workers)
                time.sleep(1)
                logs = holder.finish()
    reads = [a for a in out if a.kind != "post"] + shown
    posts = [a for a in out if a.kind == "post"]
    latencies, missing = live.delivery_latencies(logs, [ARTICLE] * streaming, sent)
    rows, errors = [], 0
    for kind in ("first page", "poll", "new comment shown", "post"):
        group = [a for a in (posts if kind == "post" else reads) if a.kind == kind]
        bad = sum(a.status not in (200, 201, 304) for a in group)
        errors += bad
        times = [a.seconds for a in group] if kind != "post" else []
        rows.append([kind, f"{len(group):,}", str(bad), live.summary(times) if times else "-"])
    rows.append(["event on a stream (from the post's answer)", f"{len(latencies):,}",
                 f"{missing:,} missing", live.summary(latencies)])  # fmt: skip
    p99 = percentile([a.seconds for a in reads], 0.99)
    failed = sum(bool(log.failed) for log in logs)
    met = errors == 0 and missing == 0 and failed == 0 and p99 < 0.1
    lines = [
        markdown_table(["Request", "Count", "Errors", "p50 / p99 / max ms"], rows),
        "",
        f"- {opened:,} of {streaming:,} streams opened, {failed} failed; the 4,000 comments were "
        f"seeded in {seeded_in:.0f} s; workers' resident memory at the end {peak_mb:.0f} MB.",
        f"- Target: no errors, reads p99 < 100 ms: p99 {p99 * 1000:.1f} ms over {len(reads):,} "
        f"reads, {errors} errors: {'met' if met else '**missed**'}.",
    ]
    return lines, met


def run(options: Options) -> Section:
    intro = (
        f"{READERS} readers of one {COMMENTS:,}-comment article over {options.duration * 3:g} s "
        f"(arriving over the first third): first page each; {round(READERS * STREAMING_SHARE)} "
        f"then hold an event stream, the others poll counts every {POLL_SECONDS:g} s; "
        f"{POSTERS} post once; each new comment is shown to {VIEWERS_PER_NEW_COMMENT} readers. "
        "gunicorn with `gunicorn.conf.py` (gevent, 2 workers), events through Redis, Python "
        "clients on the same 2 cores (a fresh connection per request). Event latency here runs "
        "from the moment the post was answered."
    )
    return section_per_backend(TITLE, intro, options, run_backend, f"{READERS} readers")
