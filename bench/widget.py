"""Time to widget: from a news page starting to load to Parley's thread (100 comments) on screen.

Parley runs under gunicorn (2 workers) at ``http://localhost:<port>``; the news page is served
from ``http://127.0.0.1:<other port>``, so the frame is cross-site as on a real publisher's page.
Debian's Chromium loads the page with the real embed snippet. The clock is the host page's own
(``performance.now()``, zero at navigation start) and stops at the first animation frame after
the frame reported its rendered height: by then the server-rendered thread is parsed, styled,
enhanced by frame.js, and the iframe sized to it.

* cold: a fresh browser context per load (nothing cached, no cookie);
* warm: reloads in one context (embed.js and the frame's CSS/JS come from the HTTP cache; the
  frame's HTML is per reader and never cached).
"""

from __future__ import annotations

import gzip
import logging
import random
import statistics
import tempfile
import threading
import urllib.request
from pathlib import Path

from werkzeug.serving import make_server
from werkzeug.wrappers import Request, Response

from bench.report import BACKEND_LABELS, Options, Section, markdown_table, percentile
from bench.seed import NAMES, markdown_body
from bench.server import free_port, gunicorn, migrated_database, seeding_app

TITLE = "Time to widget (Chromium, 100-comment thread)"
SITE = "widget-bench"
ARTICLE = "widget-bench-article"
COMMENTS = 100
TOP_LEVEL = 40  # all on the first page (50 top-level comments per page)
LOADS = 12
TARGET_MS = 1000.0  # median cold load, page start to thread on screen

HOST_PAGE = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><link rel="icon" href="data:,">
<title>Bench article</title>
<script>
  // Benchmark harness only (not part of Parley): note when the thread is on screen.
  window.benchDone = new Promise((resolve) => {
    setTimeout(() => resolve(-1), 20000);
    addEventListener("message", (e) => {
      if (e.origin === "PARLEY" && e.data && e.data.parley === "height") {
        requestAnimationFrame(() => resolve(performance.now()));
      }
    });
  });
</script></head>
<body><h1>Bench article</h1><p>Article text.</p>
<div id="parley-thread" data-site="SITE" data-article="ARTICLE" data-title="Bench"></div>
<script async src="PARLEY/embed.js"></script>
</body></html>"""


def seed_thread(env: dict[str, str], host_origin: str) -> None:
    """A site allowing the host page, and a 100-comment thread (40 top-level, 60 replies)."""
    from app.models import CommentStatus
    from app.services.comments import post_comment
    from app.services.identity import Viewer
    from app.services.sites import create_site

    rng = random.Random(2026)
    with seeding_app(env):
        create_site(SITE, "Widget bench", [host_origin])
        ids: list[int] = []
        n = 0
        while len(ids) < COMMENTS:  # published ones (the rules may hold a random body)
            n += 1
            parent = rng.choice(ids) if len(ids) >= TOP_LEVEL else None
            comment = post_comment(
                site_slug=SITE,
                article_key=ARTICLE,
                body=markdown_body(rng, 80, 400),
                viewer=Viewer(ip=f"10.1.{n // 250}.{n % 250 + 1}"),
                author_name=rng.choice(NAMES),
                parent_id=parent,
            )
            if comment.status == CommentStatus.APPROVED:
                ids.append(comment.id)


def serve_host_page(html: str, port: int) -> tuple[object, str]:
    logging.getLogger("werkzeug").setLevel(logging.WARNING)

    @Request.application
    def page(request: Request) -> Response:
        return Response(html, mimetype="text/html")

    server = make_server("127.0.0.1", port, page, threaded=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, f"http://127.0.0.1:{server.server_port}"


def gzipped_size(url: str) -> int:
    """Bytes of the answer at ``url`` once gzipped at level 9 (as the size budgets count)."""
    with urllib.request.urlopen(url, timeout=10) as response:  # noqa: S310 - local URL
        return len(gzip.compress(response.read(), compresslevel=9))


def load_time(page) -> float:
    elapsed = page.evaluate("window.benchDone")
    if elapsed < 0:
        raise RuntimeError("the thread frame never reported its height within 20 s")
    return elapsed


def measure_loads(host_url: str) -> dict[str, list[float]]:
    """Milliseconds to widget for LOADS cold and LOADS warm page loads."""
    from playwright.sync_api import sync_playwright

    from tests.browser.conftest import CHROMIUM, CHROMIUM_ARGS

    times: dict[str, list[float]] = {"cold": [], "warm": []}
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            for _ in range(LOADS):
                context = browser.new_context()
                page = context.new_page()
                page.goto(host_url)
                times["cold"].append(load_time(page))
                context.close()
            context = browser.new_context()
            page = context.new_page()
            page.goto(host_url)
            load_time(page)
            for _ in range(LOADS):
                page.reload()
                times["warm"].append(load_time(page))
            shown = page.frame_locator("#parley-thread iframe").locator("li.comment").count()
            if shown != COMMENTS:
                raise RuntimeError(f"the frame showed {shown} comments, not {COMMENTS}")
            context.close()
        finally:
            browser.close()
    return times


def run_backend(backend: str) -> tuple[dict[str, list[float]], dict[str, int]]:
    with tempfile.TemporaryDirectory(prefix="parley-bench-widget-") as tmp:
        workdir = Path(tmp)
        with migrated_database(backend, workdir) as env:
            host_port = free_port()
            seed_thread(env, f"http://127.0.0.1:{host_port}")
            with gunicorn(env, workdir, "/embed.js") as base:
                parley = base.replace("127.0.0.1", "localhost")
                html = (
                    HOST_PAGE.replace("PARLEY", parley)
                    .replace("SITE", SITE)
                    .replace("ARTICLE", ARTICLE)
                )
                server, host_origin = serve_host_page(html, host_port)
                try:
                    times = measure_loads(host_origin + "/article")
                finally:
                    server.shutdown()
                sizes = {
                    "embed.js": gzipped_size(parley + "/embed.js"),
                    "count.js": gzipped_size(parley + "/count.js"),
                    "frame": gzipped_size(f"{parley}/embed/thread?site={SITE}&article={ARTICLE}"),
                }
    return times, sizes


def summary(values: list[float]) -> list[str]:
    p90 = percentile(values, 0.9)
    return [f"{statistics.median(values):.0f}", f"{p90:.0f}", f"{min(values):.0f}"]


def run(options: Options) -> Section:
    rows = []
    notes = []
    met = True
    for backend in options.backends:
        label = BACKEND_LABELS[backend]
        print(f"widget benchmark on {label}", flush=True)
        times, sizes = run_backend(backend)
        for kind in ("cold", "warm"):
            rows.append([label, kind, *summary(times[kind])])
        met = met and statistics.median(times["cold"]) <= TARGET_MS
        notes.append(
            f"- {label}: embed.js {sizes['embed.js']:,} B, count.js {sizes['count.js']:,} B, "
            f"the frame's HTML with the 100 comments {sizes['frame']:,} B (gzip level 9)"
        )
    table = markdown_table(["Database", "Loads", "Median ms", "p90 ms", "Best ms"], rows)
    body = "\n".join(
        [
            f"{LOADS} loads of each kind per database; a {COMMENTS}-comment thread "
            f"({TOP_LEVEL} top-level, {COMMENTS - TOP_LEVEL} replies); Parley under gunicorn "
            "(2 workers) on localhost, the news page on 127.0.0.1 (cross-site). "
            "Cold: new browser context per load. Warm: reloads in one context.",
            "",
            table,
            "",
            *notes,
            "- The machine is shared: with a high load average (above) the figures are upper "
            "bounds.",
            f"- Target: median cold time to widget ≤ {TARGET_MS:.0f} ms: "
            + ("met" if met else "missed"),
        ]
    )
    return Section(TITLE, body, targets_met=met)
