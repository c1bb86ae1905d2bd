"""The dashboard benchmark: moderator pages with 10,000 comments waiting in the pending queue.

For each backend: migrate, seed one pre-moderated site with 10,000 pending comments (200-600
characters of Markdown, 2,000 guest authors and 50 accounts, over 100 articles, some replies)
plus 2,000 approved, 500 spam, 300 rejected and 300 reported comments and the audit log
such a site has (each comment held by the premoderation rule, each one not pending decided by
the moderator: 16,200 entries), gather planner statistics (ANALYZE, as autovacuum would on a
live database), serve it with gunicorn (2 workers) and, signed in as the site's moderator
through the real sign-in form, request each page one at a time for the configured duration.
The figure is the time from request to the last byte of the page as the client sees it (an
upper bound of the server time). Target: every page's p99 under 200 ms. Before measuring,
answers are checked (50 items per page, the counts in the navigation, the audit entries), so
a fast wrong page fails.
"""

from __future__ import annotations

import http.cookiejar
import random
import re
import statistics
import tempfile
import time
import traceback
import urllib.parse
import urllib.request
from datetime import timedelta
from pathlib import Path
from typing import Any

from bench.report import BACKEND_LABELS, Options, Section, markdown_table, percentile
from bench.seed import NAMES, markdown_body
from bench.server import (
    gunicorn,
    migrated_database,
    seeding_app,
)

TITLE = "Dashboard: moderator pages with 10,000 pending comments (gunicorn, 2 workers)"
SITE = "bench"
MODERATOR = "moderator@bench.example"
PASSWORD = "bench-moderator-password"  # noqa: S105 - a throwaway benchmark account
PENDING = 10_000
OTHERS = {"approved": 2_000, "spam": 500, "rejected": 300}
REPORTED = 300
ARTICLES = 100
TARGET_MS = 200.0
ITEM_RE = re.compile(r'data-comment-id="(\d+)"')
NEXT_RE = re.compile(r'<a rel="next" href="([^"]+)"')
AUDIT_RE = re.compile(r'<tr data-audit-action="')


def seed_database(env: dict[str, str]) -> dict[str, Any]:
    """Seed the site in bulk (Core inserts of rendered comments) and return ids to visit."""
    from app.extensions import db

    with seeding_app(env):
        return _seed(db)


def _seed(db: Any) -> dict[str, Any]:
    from sqlalchemy import insert, select, text, update

    from app.models import (
        Article,
        AuditEntry,
        Comment,
        CommentStatus,
        Report,
        ReportReason,
        Role,
        utcnow,
    )
    from app.sanitize import render_markdown
    from app.services import sites as site_service
    from app.services import users as user_service

    rng = random.Random(2026)
    site = site_service.create_site(SITE, "Bench News", ["https://news.example"], premod=True)
    moderator = user_service.create_user(
        MODERATOR, "Bench Moderator", PASSWORD, Role.MODERATOR, [SITE]
    )
    accounts = [
        user_service.create_user(f"author{n}@bench.example", rng.choice(NAMES), f"pw-{n}").id
        for n in range(50)
    ]
    article_ids = []
    for n in range(ARTICLES):
        article = Article(
            site_id=site.id,
            key=f"story-{n:03d}",
            title=f"Story {n}: air-defence drills and what residents should know",
            url=f"https://news.example/story-{n:03d}",
        )
        db.session.add(article)
        db.session.flush()
        article_ids.append(article.id)
    db.session.commit()

    bodies = [markdown_body(rng) for _ in range(400)]
    rendered = [render_markdown(body) for body in bodies]
    start = utcnow() - timedelta(days=20)
    plan = [("pending", PENDING), *OTHERS.items(), ("reported", REPORTED)]
    rows = []
    for status, how_many in plan:
        for _ in range(how_many):
            pick = rng.randrange(len(bodies))
            by_account = rng.random() < 0.2
            stored = CommentStatus.APPROVED if status == "reported" else CommentStatus(status)
            rows.append(
                {
                    "article_id": rng.choice(article_ids),
                    "depth": 0,
                    "user_id": rng.choice(accounts) if by_account else None,
                    "guest_name": None if by_account else rng.choice(NAMES),
                    "guest_key": None if by_account else f"{rng.randrange(2000):064x}",
                    "author_ip": f"10.0.{rng.randrange(200)}.{rng.randrange(1, 250)}",
                    "body_source": bodies[pick],
                    "body_html": rendered[pick],
                    "status": stored,
                    "reasons": ["premod"] if stored != CommentStatus.APPROVED else [],
                    "featured": False,
                    "score": 0,
                    "report_count": rng.randint(1, 4) if status == "reported" else 0,
                    "created_at": start + timedelta(seconds=len(rows) * 7),
                }
            )
    for offset in range(0, len(rows), 1000):
        db.session.execute(insert(Comment), rows[offset : offset + 1000])
    db.session.commit()
    db.session.execute(update(Comment).values(root_id=Comment.id))
    # One pending comment in ten answers an approved one of the same article.
    approved = db.session.execute(
        select(Comment.id, Comment.article_id).where(Comment.status == CommentStatus.APPROVED)
    ).all()
    by_article: dict[int, list[int]] = {}
    for comment_id, article_id in approved:
        by_article.setdefault(article_id, []).append(comment_id)
    pending = db.session.execute(
        select(Comment.id, Comment.article_id).where(Comment.status == CommentStatus.PENDING)
    ).all()
    for comment_id, article_id in pending[::10]:
        if by_article.get(article_id):
            parent = rng.choice(by_article[article_id])
            db.session.execute(
                update(Comment)
                .where(Comment.id == comment_id)
                .values(parent_id=parent, root_id=parent, reply_to_id=parent, depth=1)
            )
    reported = db.session.scalars(select(Comment.id).where(Comment.report_count > 0)).all()
    reasons = list(ReportReason)
    db.session.execute(
        insert(Report),
        [
            {"comment_id": cid, "reporter": f"g:{cid:064x}", "reason": rng.choice(reasons)}
            for cid in reported
        ],
    )
    # The audit log of a premoderated site: the rule held every comment as it came in, and the
    # moderator approved, rejected or marked as spam each one no longer pending an hour later.
    decisions = {"approved": "approve", "rejected": "reject", "spam": "spam"}
    entries = []
    comments = select(Comment.id, Comment.status, Comment.user_id, Comment.created_at)
    for comment_id, status, user_id, created_at in db.session.execute(comments):
        held = {"site_id": site.id, "comment_id": comment_id, "target_user_id": user_id}
        entries.append(
            {**held, "actor_id": None, "action": "rule_hold", "reason": "premod",
             "before_status": None, "after_status": "pending", "created_at": created_at}
        )  # fmt: skip
        if status.value in decisions:
            entries.append(
                {**held, "actor_id": moderator.id, "action": decisions[status.value],
                 "reason": None, "before_status": "pending", "after_status": status.value,
                 "created_at": created_at + timedelta(hours=1)}
            )  # fmt: skip
    for offset in range(0, len(entries), 1000):
        db.session.execute(insert(AuditEntry), entries[offset : offset + 1000])
    for article_id, ids in by_article.items():
        db.session.execute(
            update(Article).where(Article.id == article_id).values(comment_count=len(ids))
        )
    db.session.commit()
    # Bulk-loaded tables have no planner statistics until autovacuum gets to them (PostgreSQL)
    # or ever (SQLite); a live database has them, so gather them as it would.
    db.session.execute(text("ANALYZE"))
    db.session.commit()
    return {"pending_id": pending[len(pending) // 2][0], "pending": len(pending)}


class Session:
    """A browser-like client: a cookie jar, signed in through the real form."""

    def __init__(self, base: str) -> None:
        self.base = base
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar())
        )

    def get(self, path: str) -> tuple[str, float, str]:
        """(page, seconds to the last byte, final URL)."""
        started = time.perf_counter()
        with self.opener.open(self.base + path, timeout=30) as response:
            body = response.read().decode()
            url = response.geturl()
        return body, time.perf_counter() - started, url

    def sign_in(self, email: str, password: str) -> None:
        page, _, _ = self.get("/auth/login")
        token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
        form = urllib.parse.urlencode({"email": email, "password": password, "csrf_token": token})
        with self.opener.open(self.base + "/auth/login", form.encode(), timeout=30) as response:
            if not response.geturl().endswith("/moderation/"):
                raise RuntimeError(f"sign-in landed on {response.geturl()}, not /moderation/")


def pages_to_measure(session: Session, seeded: dict[str, Any]) -> tuple[list, list[str]]:
    """The pages, each checked once, and the problems found."""
    problems = []
    first, _, _ = session.get("/moderation/")
    if len(ITEM_RE.findall(first)) != 50:
        problems.append("the first pending page does not hold 50 comments")
    count = re.search(r'data-count="pending">(\d+)<', first)
    if not count or int(count.group(1)) != seeded["pending"]:
        problems.append(f"the pending count shows {count and count.group(1)}, not 10,000")
    # Walk to page 100 of 200 through the pages' own "next" links.
    path = "/moderation/"
    for _ in range(99):
        page, _, _ = session.get(path)
        path = NEXT_RE.search(page).group(1).replace("&amp;", "&")
    middle, _, _ = session.get(path)
    if len(ITEM_RE.findall(middle)) != 50:
        problems.append("page 100 of the pending queue does not hold 50 comments")
    audit, _, _ = session.get("/moderation/audit")
    if len(AUDIT_RE.findall(audit)) != 50:
        problems.append("the first page of the audit log does not hold 50 entries")
    trail, _, _ = session.get(f"/moderation/comments/{seeded['pending_id']}")
    if 'data-audit-action="rule_hold"' not in trail:
        problems.append("the pending comment's trail lacks the rule's hold")
    pages = [
        ("Pending, first page (every site)", "/moderation/"),
        ("Pending, first page (the site)", f"/moderation/sites/{SITE}/queue/pending"),
        ("Pending, page 100 of 200", path),
        ("Reported", "/moderation/queue/reported"),
        ("Spam", "/moderation/queue/spam"),
        ("Approved history", "/moderation/queue/approved"),
        ("Search: text in 12,000+ comments", "/moderation/search?q=shelter"),
        ("Search: status and dates", "/moderation/search?status=pending&from=2000-01-01"),
        ("One comment with its trail", f"/moderation/comments/{seeded['pending_id']}"),
        ("Articles (100)", f"/moderation/sites/{SITE}/articles"),
        ("Audit log", "/moderation/audit"),
    ]
    return pages, problems


def measure(session: Session, path: str, options: Options) -> list[float]:
    deadline = time.monotonic() + options.warmup
    while time.monotonic() < deadline:
        session.get(path)
    timings = []
    deadline = time.monotonic() + options.duration
    while time.monotonic() < deadline or len(timings) < 20:
        timings.append(session.get(path)[1] * 1000)
    return timings


def run_backend(backend: str, options: Options) -> tuple[list[list[str]], list[str], bool]:
    with tempfile.TemporaryDirectory(prefix="parley-bench-dash-") as tmp:
        workdir = Path(tmp)
        with migrated_database(backend, workdir) as env:
            started = time.monotonic()
            seeded = seed_database(env)
            notes = [f"seeded in {time.monotonic() - started:.1f} s"]
            with gunicorn(env, workdir, "/auth/login") as base:
                session = Session(base)
                session.sign_in(MODERATOR, PASSWORD)
                pages, problems = pages_to_measure(session, seeded)
                rows, all_met = [], not problems
                for label, path in pages:
                    print(f"  {backend}: {label}", flush=True)
                    timings = measure(session, path, options)
                    p99 = percentile(timings, 0.99)
                    met = p99 < TARGET_MS
                    all_met &= met
                    if not met and path.startswith("/moderation/search?q="):
                        notes.append(
                            "text search reads every comment's Markdown "
                            "(lower(body_source) LIKE '%word%' in app.services.moderation.search): "
                            "its cost grows with all comments, not with the page"
                        )
                    rows.append(
                        [
                            label,
                            f"{statistics.median(timings):.1f}",
                            f"{percentile(timings, 0.9):.1f}",
                            f"{p99:.1f}",
                            f"{max(timings):.1f}",
                            str(len(timings)),
                            "met" if met else "**missed**",
                        ]
                    )
            return rows, notes + [f"**problem**: {p}" for p in problems], all_met


def run(options: Options) -> Section:
    parts: list[str] = [
        f"{PENDING:,} pending comments (and {sum(OTHERS.values()) + REPORTED:,} others) on one "
        "site; one signed-in moderator requesting each page in turn; times in ms from request "
        f"to the page's last byte. Target: p99 < {TARGET_MS:.0f} ms on every page.",
        "",
    ]
    all_met = True
    for backend in options.backends:
        label = BACKEND_LABELS[backend]
        print(f"dashboard benchmark on {label}", flush=True)
        try:
            rows, notes, met = run_backend(backend, options)
        except Exception as error:  # noqa: BLE001 - report the failure in the document
            traceback.print_exc()
            parts += [f"### {label}", "", f"Not measured: {type(error).__name__}: {error}", ""]
            all_met = False
            continue
        all_met &= met
        parts += [
            f"### {label}",
            "",
            markdown_table(["Page", "p50", "p90", "p99", "max", "Requests", "Target"], rows),
            "",
            *[f"- {note}" for note in notes],
            "",
        ]
    return Section(TITLE, "\n".join(parts).rstrip() + "\n", targets_met=all_met)
