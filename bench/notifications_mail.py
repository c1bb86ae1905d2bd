"""Reply e-mails at volume: 1,000 replies to 1,000 distinct verified readers, delivered by two
``flask --app wsgi worker`` processes (PostgreSQL, Redis) to an SMTP server (aiosmtpd) in this
process. Measured: the time from the first reply's POST until the SMTP server holds 1,000
messages, and posting with reply mail beside posting without it (replies to guests' comments,
which mail nobody), against the same gunicorn in the same run: first alone (before any mail),
then mixed at random with the mailing replies, so both kinds meet the same load.

Targets (issue 11): 1,000 reply e-mails in under 60 s; a post that mails is no slower than one
that does not, under the same load (median latency within 10 %).
"""

from __future__ import annotations

import json
import random
import statistics
import time
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from bench.report import Options, Section, markdown_table, measure_on_postgresql
from bench.server import REDIS_URL, gunicorn, migrated_database, seeding_app

TITLE = "Reply e-mails: 1,000 replies to distinct readers, two workers"
SITE = "bench"
ARTICLE = "mail-story"
READERS = 1000
QUIET_ALONE = 500  # non-mailing replies posted alone, after 100 of warm-up
QUIET_MIXED = 250  # non-mailing replies shuffled among the 1,000 mailing ones
CLIENTS = 8
MAIL_TARGET_S = 60.0
SLOWER_TOLERANCE = 0.10


def seed_parents() -> tuple[list[int], list[int]]:
    """1,000 verified readers' comments and 1,000 guests' comments, all published."""
    from app.extensions import db
    from app.models import Article, Comment, CommentStatus, User, utcnow
    from app.services.sites import create_site

    site = create_site(SITE, "Bench News", ["https://news.example"])
    article = Article(site_id=site.id, key=ARTICLE, url="https://news.example/mail-story")
    db.session.add(article)
    now = utcnow()
    readers = [
        User(email=f"reader{n}@bench.example", name=f"Reader {n}", email_verified_at=now)
        for n in range(READERS)
    ]
    db.session.add_all(readers)
    db.session.flush()

    def comment(n: int, user: User | None) -> Comment:
        return Comment(
            article_id=article.id, user_id=user.id if user else None,
            guest_name=None if user else f"Guest {n}", body_source=f"Comment {n}",
            body_html=f"<p>Comment {n}</p>", status=CommentStatus.APPROVED, created_at=now,
        )  # fmt: skip

    mine = [comment(n, reader) for n, reader in enumerate(readers)]
    guests = [comment(n, None) for n in range(100 + QUIET_ALONE + QUIET_MIXED)]
    db.session.add_all(mine + guests)
    db.session.commit()
    return [c.id for c in mine], [c.id for c in guests]


@dataclass
class Posted:
    seconds: float
    errors: int
    latencies: dict[bool, list[float]]  # mailing -> each post's latency in ms

    def median(self, mailing: bool) -> float:
        return statistics.median(self.latencies[mailing])

    def rate(self) -> float:
        return sum(len(v) for v in self.latencies.values()) / self.seconds


def post_replies(base: str, parents: list[tuple[int, bool]], label: str) -> Posted:
    """POST one guest reply to each (parent, mails) with CLIENTS threads."""

    def one(item: tuple[int, bool]) -> tuple[bool, bool, float]:
        parent_id, mailing = item
        body = json.dumps({
            "site": SITE, "article": ARTICLE, "parent_id": parent_id, "author_name": "Replier",
            "body": f"A {label} reply to comment {parent_id}, with a few words of substance.",
        }).encode()  # fmt: skip
        request = urllib.request.Request(  # noqa: S310 - local URL
            base + "/api/v1/comments",
            data=body,
            headers={"Content-Type": "application/json", "Origin": "https://news.example"},
        )
        sent = time.perf_counter()
        with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310
            ok = response.status == 201
        return mailing, ok, (time.perf_counter() - sent) * 1000

    started = time.monotonic()
    with ThreadPoolExecutor(CLIENTS) as pool:
        results = list(pool.map(one, parents))
    latencies: dict[bool, list[float]] = {True: [], False: []}
    for mailing, _ok, ms in results:
        latencies[mailing].append(ms)
    errors = sum(1 for _m, ok, _ms in results if not ok)
    return Posted(time.monotonic() - started, errors, latencies)


def run_postgresql(workdir: Path) -> dict[str, float | int]:
    from aiosmtpd.controller import Controller

    from tests.mail_support import Inbox
    from tests.private_servers import free_port
    from tests.worker_processes import worker_processes

    inbox, port = Inbox(), free_port()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        with migrated_database("postgresql", workdir) as env:
            with seeding_app(env):
                mine, guests = seed_parents()
            env = {
                **env,
                "PARLEY_REDIS_URL": REDIS_URL,
                "PARLEY_SMTP_URL": f"smtp://127.0.0.1:{port}",
                "PARLEY_MAIL_FROM": "Bench <comments@bench.example>",
                "PARLEY_PUBLIC_URL": "http://127.0.0.1",
                "PARLEY_TOXICITY": "off",
            }
            with gunicorn(env, workdir, "/healthz", production_config=True) as base:
                with worker_processes(env, 2, workdir):
                    quiet = [(parent, False) for parent in guests]
                    post_replies(base, quiet[:100], "warm-up")
                    alone = post_replies(base, quiet[100 : 100 + QUIET_ALONE], "guest")
                    mixed_parents = [(p, True) for p in mine] + quiet[-QUIET_MIXED:]
                    random.Random(11).shuffle(mixed_parents)
                    started = time.monotonic()
                    mixed = post_replies(base, mixed_parents, "mixed")
                    posted = time.monotonic()
                    deadline = started + 300
                    while len(inbox.messages) < READERS and time.monotonic() < deadline:
                        time.sleep(0.05)
                    mailed_s = time.monotonic() - started
                    lag_s = max(0.0, time.monotonic() - posted)
                    time.sleep(2)  # anything extra would arrive now
    finally:
        controller.stop()
    return {
        "alone_rate": alone.rate(),
        "alone_p50": alone.median(False),
        "mixed_rate": mixed.rate(),
        "mixed_quiet_p50": mixed.median(False),
        "mixed_mailing_p50": mixed.median(True),
        "errors": alone.errors + mixed.errors,
        "mailed": len(inbox.messages),
        "distinct": len({m["To"] for m in inbox.messages}),
        "mailed_s": mailed_s,
        "posting_s": mixed.seconds,
        "lag_s": lag_s,
    }


def run(options: Options) -> Section:
    r = measure_on_postgresql(options, f"{READERS:,} reply e-mails, two workers", run_postgresql)
    if r is None:
        return Section(TITLE, "Runs on PostgreSQL only (with Redis); skipped.", targets_met=True)
    all_mailed = r["mailed"] == READERS and r["distinct"] == READERS and r["errors"] == 0
    fast = all_mailed and r["mailed_s"] < MAIL_TARGET_S
    not_slower = r["mixed_mailing_p50"] <= r["mixed_quiet_p50"] * (1 + SLOWER_TOLERANCE)
    body = "\n".join([
        f"{READERS:,} guest replies, one to each of {READERS:,} comments by distinct verified "
        f"readers, posted by {CLIENTS} client threads to gunicorn (`gunicorn.conf.py`, gevent, 2 "
        "workers); jobs through Redis to two `flask --app wsgi worker` processes; PostgreSQL; "
        "an aiosmtpd SMTP server in the benchmark's process. First, after 100 warm-up posts, "
        f"{QUIET_ALONE:,} replies to guests' comments (they mail nobody) alone; then the "
        f"{READERS:,} mailing replies shuffled with {QUIET_MIXED:,} more non-mailing ones, so "
        "both kinds meet the same load while the workers deliver. Every post enqueues the same "
        "job; only the worker's work differs. The clock for the e-mails starts with the mixed "
        "phase, so it includes posting them; \"after the last post\" is how far delivery "
        "trailed the posting.",
        "",
        markdown_table(
            ["Phase", "posts/s", "p50 ms, no mail", "p50 ms, mailing", "Errors",
             "E-mails received", "Time to all e-mails", "of which posting",
             "after the last post"],
            [
                ["non-mailing replies alone", f"{r['alone_rate']:,.0f}", f"{r['alone_p50']:.1f}",
                 "-", "-", "-", "-", "-", "-"],
                ["mixed: mailing and non-mailing", f"{r['mixed_rate']:,.0f}",
                 f"{r['mixed_quiet_p50']:.1f}", f"{r['mixed_mailing_p50']:.1f}", str(r["errors"]),
                 f"{r['mailed']:,} ({r['distinct']:,} readers)", f"{r['mailed_s']:.1f} s",
                 f"{r['posting_s']:.1f} s", f"{r['lag_s']:.1f} s"],
            ],
        ),  # fmt: skip
        "",
        markdown_table(
            ["Target", "Measured", "Met"],
            [
                [f"{READERS:,} reply e-mails in < {MAIL_TARGET_S:g} s", f"{r['mailed_s']:.1f} s",
                 "met" if fast else "**missed**"],
                ["a mailing post no slower than a non-mailing one (p50 within 10 %)",
                 f"{r['mixed_mailing_p50']:.1f} vs {r['mixed_quiet_p50']:.1f} ms",
                 "met" if not_slower else "**missed**"],
            ],
        ),  # fmt: skip
    ])  # fmt: skip
    return Section(TITLE, body, targets_met=fast and not_slower)
