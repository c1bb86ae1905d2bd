"""The API benchmark: a 1,000-comment thread read, posted to and counted through gunicorn.

For each backend (SQLite file in a temporary directory; a PostgreSQL database of our own):
migrate with ``flask db upgrade``, seed through the services (a thread of 1,000 comments, 30%
top level and the rest replies at random depths, bodies of 200-600 characters of Markdown, plus
19 small articles), serve with gunicorn (2 workers, ``--no-control-socket``, 127.0.0.1, free
port, PARLEY_RATE_LIMITS=off) and drive it with wrk at 1 and 8 concurrent clients. Before
measuring, the answers are checked (page sizes, totals, counts), so a fast wrong answer fails.
"""

from __future__ import annotations

import json
import random
import tempfile
import traceback
import urllib.parse
import urllib.request
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bench.load import LoadResult, post_script, run_wrk_metered
from bench.report import BACKEND_LABELS, Options, Section, markdown_table
from bench.seed import NAMES, markdown_body, seed
from bench.server import Served, gunicorn, migrated_database, seeding_app

TITLE = "API: threads, posting and counts through gunicorn (2 workers)"
SITE = "bench"
THREAD = "air-defence-drill"
POSTS_ARTICLE = "bench-posts"
OTHER_ARTICLES = [f"story-{n:02d}" for n in range(1, 20)]
COMMENTS = 1000
CLIENTS = (1, 8)

THREAD_QUERY = urllib.parse.urlencode({"site": SITE, "article": THREAD})
COUNTS_QUERY = urllib.parse.urlencode(
    [("site", SITE)] + [("article", key) for key in [THREAD, *OTHER_ARTICLES]]
)


@dataclass(frozen=True)
class Case:
    key: str
    label: str
    path: str
    method: str = "GET"


CASES = (
    Case(
        "first_page",
        "First page of the thread (default limit 50)",
        f"/api/v1/threads?{THREAD_QUERY}",
    ),
    Case("whole_thread", "Whole thread (limit=500)", f"/api/v1/threads?{THREAD_QUERY}&limit=500"),
    Case("counts", "Counts for 20 articles", f"/api/v1/counts?{COUNTS_QUERY}"),
    Case("post", "Guest post (JSON)", "/api/v1/comments", "POST"),
)

# (case, what is measured at 8 clients, the bar, how to phrase it)
TARGETS = (
    ("first_page", "per_second", 300, "first page >= 300 reads/s"),
    ("first_page", "p99_ms", 40, "first page p99 < 40 ms"),
    ("whole_thread", "per_second", 30, "whole thread >= 30 reads/s"),
    ("post", "per_second", 250, "posting >= 250 posts/s"),
    ("counts", "per_second", 1500, "counts for 20 articles >= 1,500/s"),
)


def _get_json(url: str) -> Any:
    with urllib.request.urlopen(url, timeout=30) as response:  # noqa: S310 - local URL
        assert response.status == 200, f"{url} answered {response.status}"
        return json.loads(response.read())


def _post_json(url: str, payload: dict[str, Any]) -> tuple[int, Any]:
    request = urllib.request.Request(  # noqa: S310 - local URL
        url,
        data=json.dumps(payload).encode(),
        # As the publisher's page would post: only its origins may create articles.
        headers={"Content-Type": "application/json", "Origin": "https://news.example"},
    )
    with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310
        return response.status, json.loads(response.read())


def _nodes(comments: list[dict[str, Any]]) -> int:
    return sum(1 + _nodes(c["replies"]) for c in comments)


def _depth(comments: list[dict[str, Any]], level: int = 0) -> int:
    return max((max(level, _depth(c["replies"], level + 1)) for c in comments), default=level)


def check_answers(base: str, seeded: dict[str, int]) -> list[str]:
    """Fail loudly unless the server answers what was seeded; returns facts for the report."""
    first_url = base + CASES[0].path
    first = _get_json(first_url)
    assert len(first["comments"]) == 50 and first["next_cursor"], "first page is not 50 + cursor"
    assert first["article"]["comment_count"] == COMMENTS, first["article"]
    whole = _get_json(base + CASES[1].path)
    assert whole["next_cursor"] is None, "limit=500 should hold every top-level comment"
    assert _nodes(whole["comments"]) == COMMENTS, "whole thread lacks comments"
    counts = _get_json(base + CASES[2].path)["counts"]
    expected = {key: seeded[key] for key in [THREAD, *OTHER_ARTICLES]}
    assert counts == expected, f"counts differ: {counts} != {expected}"
    status, posted = _post_json(
        base + "/api/v1/comments",
        {"site": SITE, "article": "bench-check", "body": "A *check*", "author_name": "Check"},
    )
    assert status == 201 and posted["html"] == "<p>A <em>check</em></p>", posted
    with urllib.request.urlopen(first_url, timeout=30) as response:  # noqa: S310
        first_bytes = len(response.read())
    with urllib.request.urlopen(base + CASES[1].path, timeout=30) as response:  # noqa: S310
        whole_bytes = len(response.read())
    return [
        f"first page: 50 top-level comments, {_nodes(first['comments'])} comments in all, "
        f"{first_bytes / 1024:.0f} KiB of JSON",
        f"whole thread: {len(whole['comments'])} top-level, {_nodes(whole['comments'])} comments, "
        f"nesting depth up to {_depth(whole['comments'])}, {whole_bytes / 1024:.0f} KiB of JSON",
    ]


def post_bodies(count: int = 40) -> list[str]:
    rng = random.Random(7)
    return [
        json.dumps(
            {
                "site": SITE,
                "article": POSTS_ARTICLE,
                "body": markdown_body(rng),
                "author_name": rng.choice(NAMES),
            }
        )
        for _ in range(count)
    ]


def selected_cases(options: Options) -> list[Case]:
    unknown = set(options.cases) - {case.key for case in CASES}
    if unknown:
        raise ValueError(f"unknown api cases {sorted(unknown)}; known: {[c.key for c in CASES]}")
    return [case for case in CASES if not options.cases or case.key in options.cases]


def measure(
    base: Served, database_url: str, case: Case, clients: int, options: Options, workdir: Path
) -> LoadResult:
    """One case: a warm-up, then the measured run, metering the CPU the server processes use."""
    script = post_script(case.path, post_bodies()) if case.method == "POST" else ""
    return run_wrk_metered(base, database_url, base + case.path, clients, options, workdir, script)


def seed_database(env: dict[str, str]) -> dict[str, int]:
    """Seed, then give PostgreSQL the table statistics its autovacuum would gather in service."""
    from sqlalchemy import text

    from app.extensions import db

    with seeding_app(env):
        seeded = seed(SITE, THREAD, OTHER_ARTICLES, comments=COMMENTS)
        if db.engine.dialect.name == "postgresql":
            db.session.execute(text("ANALYZE"))
            db.session.commit()
        return seeded


def run_backend(
    backend: str, options: Options
) -> tuple[dict[tuple[str, int], LoadResult], list[str]]:
    """Measure every case on one backend; returns results by (case, clients) and notes."""
    with (
        tempfile.TemporaryDirectory(prefix="parley-bench-") as tmp,
        migrated_database(backend, Path(tmp)) as env,
    ):
        workdir = Path(tmp)
        seeded = seed_database(env)
        results: dict[tuple[str, int], LoadResult] = {}
        with gunicorn(env, workdir, CASES[2].path) as base:
            notes = check_answers(base, seeded)
            for case in selected_cases(options):
                for clients in CLIENTS:
                    print(f"  {backend}: {case.label}, {clients} client(s)", flush=True)
                    results[case.key, clients] = measure(
                        base, env["PARLEY_DATABASE_URL"], case, clients, options, workdir
                    )
            stored = _get_json(base + f"/api/v1/counts?site={SITE}&article={POSTS_ARTICLE}")[
                "counts"
            ][POSTS_ARTICLE]
        if ("post", 1) in results:
            completed = sum(results["post", c].requests for c in CLIENTS)
            notes.append(
                f"posts: {stored} stored, {completed} answered inside the measured windows "
                "(the rest were warm-up, or finished as wrk stopped)"
            )
        return results, notes


def _ms(value: float) -> str:
    return f"{value:.1f}"


def results_table(results: dict[tuple[str, int], LoadResult]) -> str:
    rows = []
    for case in CASES:
        for clients in CLIENTS:
            if (case.key, clients) not in results:
                continue
            r = results[case.key, clients]
            unit = "posts/s" if case.method == "POST" else "req/s"
            rows.append(
                [
                    case.label,
                    str(clients),
                    f"{r.per_second:,.0f} {unit}",
                    _ms(r.p50_ms),
                    _ms(r.p90_ms),
                    _ms(r.p99_ms),
                    f"{r.requests:,}",
                    str(r.errors),
                    _ms(r.server_cpu_ms) if r.server_cpu_ms is not None else "-",
                    _ms(r.db_cpu_ms) if r.db_cpu_ms is not None else "-",
                ]
            )
    header = ["Case", "Clients", "Throughput", "p50 ms", "p90 ms", "p99 ms", "Requests", "Errors"]
    return markdown_table([*header, "gunicorn CPU ms/req", "PostgreSQL CPU ms/req"], rows)


def target_rows(
    measured: dict[str, dict[tuple[str, int], LoadResult]],
) -> tuple[list[list[str]], bool]:
    rows, all_met = [], True
    for case_key, attribute, bar, label in TARGETS:
        row = [label]
        for backend in measured:
            result = measured[backend].get((case_key, 8))
            if result is None:
                row.append("not run")
                all_met = False
                continue
            value = getattr(result, attribute)
            met = value < bar if attribute == "p99_ms" else value >= bar
            met = met and result.errors == 0
            all_met &= met
            shown = f"{value:.1f} ms" if attribute == "p99_ms" else f"{value:,.0f}/s"
            row.append(f"{shown} {'met' if met else '**missed**'}")
        rows.append(row)
    return rows, all_met


def run(options: Options) -> Section:
    measured: dict[str, dict[tuple[str, int], LoadResult]] = {}
    parts: list[str] = []
    problems: list[str] = []
    for backend in options.backends:
        label = BACKEND_LABELS[backend]
        print(f"api benchmark on {label}", flush=True)
        try:
            results, notes = run_backend(backend, options)
        except Exception as error:  # noqa: BLE001 - report the failure in the document
            traceback.print_exc()
            problems.append(f"- {label}: not measured: {type(error).__name__}: {error}")
            continue
        measured[backend] = results
        parts += [
            f"### {label}",
            "",
            results_table(results),
            "",
            *[f"- {note}" for note in notes],
            "",
        ]
    rows, all_met = target_rows(measured) if measured else ([], False)
    header = ["Target (8 clients, 2 workers)", *[BACKEND_LABELS[b] for b in measured]]
    body = [
        f"{options.duration:g} s per case after a {options.warmup:g} s warm-up; "
        "wrk with one thread; latency is per request as wrk saw it (including queueing "
        "for one of the 2 workers).",
        "",
        *parts,
        "### Targets",
        "",
        markdown_table(header, rows) if rows else "No backend was measured.",
        *([""] + problems if problems else []),
    ]
    return Section(TITLE, "\n".join(body), targets_met=all_met and not problems)
