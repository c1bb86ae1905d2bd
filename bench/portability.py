"""Import and export speed: a generated 100,000-post Disqus export into an empty site.

Each step runs as its own ``flask`` process, as an operator would run it; its wall time and
peak memory (max RSS, from the kernel's accounting of the finished process) are measured.
Targets (issue 12): import >= 2,000 posts/s on PostgreSQL with peak memory < 300 MB, and
export at least as fast.
"""

from __future__ import annotations

import os
import random
import subprocess
import tempfile
import time
import traceback
from datetime import UTC, datetime, timedelta
from pathlib import Path
from xml.sax.saxutils import escape

from bench.report import BACKEND_LABELS, PROJECT_ROOT, Options, Section, markdown_table
from bench.server import BIN, migrated_database

TITLE = "Import and export (100,000-post Disqus export)"
POSTS = 100_000
THREADS = 2_000
TARGET_POSTS_PER_S = 2_000
TARGET_RSS_MB = 300
WORDS = (
    "the council voted late on tuesday and residents said they were surprised by how quickly "
    "plans for the new tram line changed après la réunion über die Brücke 東京 café"
).split()


def write_disqus_export(path: Path, posts: int = POSTS, threads: int = THREADS) -> None:
    """A Disqus export shaped like a news site's: most posts top-level, a third replies
    (some nested), a few spam or deleted, HTML messages of a sentence or three."""
    rng = random.Random(12)
    start = datetime(2015, 1, 1, tzinfo=UTC)
    with path.open("w", encoding="utf-8") as out:
        out.write('<?xml version="1.0" encoding="utf-8"?>\n')
        out.write('<disqus xmlns="http://disqus.com" ')
        out.write('xmlns:dsq="http://disqus.com/disqus-internals">\n')
        for t in range(threads):
            out.write(
                f'<thread dsq:id="{t}"><id>story-{t}</id><forum>news</forum>'
                f"<link>https://news.example/{t}</link><title>Story {t}: {WORDS[t % 20]}</title>"
                f"<createdAt>{start + timedelta(days=t % 900):%Y-%m-%dT%H:%M:%SZ}</createdAt>"
                f"<isClosed>{'true' if t % 10 == 0 else 'false'}</isClosed>"
                "<isDeleted>false</isDeleted></thread>\n"
            )
        per_thread: dict[int, list[int]] = {}
        for p in range(posts):
            thread = rng.randrange(threads)
            earlier = per_thread.setdefault(thread, [])
            parent = rng.choice(earlier[-30:]) if earlier and rng.random() < 0.35 else None
            earlier.append(p)
            text = " ".join(rng.choice(WORDS) for _ in range(rng.randint(12, 60)))
            message = f"<p>{escape(text)}</p>"
            if p % 7 == 0:
                message += '<p>See <a href="https://example.com/more">this</a> <b>now</b></p>'
            when = start + timedelta(seconds=p * 600 + rng.randrange(600))
            parent_xml = f'<parent dsq:id="p{parent}"/>' if parent is not None else ""
            out.write(
                f'<post dsq:id="p{p}"><id/><message><![CDATA[{message}]]></message>'
                f"<createdAt>{when:%Y-%m-%dT%H:%M:%SZ}</createdAt>"
                f"<isDeleted>{'true' if p % 97 == 0 else 'false'}</isDeleted>"
                f"<isSpam>{'true' if p % 101 == 0 else 'false'}</isSpam>"
                f"<author><email>reader{p % 5000}@mail.example</email>"
                f"<name>Reader {p % 5000}</name><isAnonymous>false</isAnonymous></author>"
                f"<ipAddress>192.0.2.{p % 250}</ipAddress>"
                f'<thread dsq:id="{thread}"/>{parent_xml}</post>\n'
            )
        out.write("</disqus>\n")


def timed_flask(env: dict[str, str], workdir: Path, *args: str) -> tuple[float, float]:
    """Run ``flask --app wsgi ARGS``; (wall seconds, peak RSS of that process in MB).

    ``os.wait4`` returns the finished child's own resource usage (ru_maxrss, KB on Linux).
    """
    log = workdir / "step.log"
    with log.open("w") as output:
        started = time.monotonic()
        process = subprocess.Popen(
            [str(BIN / "flask"), "--app", "wsgi", *args],
            cwd=PROJECT_ROOT,
            env=env,
            stdout=output,
            stderr=subprocess.STDOUT,
        )
        _pid, status, usage = os.wait4(process.pid, 0)
        seconds = time.monotonic() - started
    process.returncode = os.waitstatus_to_exitcode(status)
    if process.returncode != 0:
        raise RuntimeError(f"flask {' '.join(args[:2])} failed: {log.read_text()[-300:]}")
    print("   ", log.read_text().strip().replace("\n", "\n    "), flush=True)
    return seconds, usage.ru_maxrss / 1024


def run_backend(backend: str, workdir: Path, export_file: Path) -> list[list[str]]:
    rows = []
    with migrated_database(backend, workdir) as env:
        subprocess.run(
            [str(BIN / "flask"), "--app", "wsgi", "sites", "create", "bench", "--name", "B"],
            cwd=PROJECT_ROOT,
            env=env,
            check=True,
            capture_output=True,
        )
        steps = [
            ("import", ("import", "disqus", str(export_file), "--site", "bench")),
            ("same import again", ("import", "disqus", str(export_file), "--site", "bench")),
            ("export", ("export", "--site", "bench", "--output", str(workdir / "out.json"))),
        ]
        for label, args in steps:
            print(f"  {backend}: {label}", flush=True)
            seconds, peak_mb = timed_flask(env, workdir, *args)
            rate = POSTS / seconds
            if label == "import":
                import_rate = rate
                met = peak_mb < TARGET_RSS_MB
                if backend == "postgresql":  # the speed target is PostgreSQL's
                    met &= rate >= TARGET_POSTS_PER_S
            elif label == "export":
                met = rate >= import_rate and peak_mb < TARGET_RSS_MB
            else:
                met = peak_mb < TARGET_RSS_MB
            rows.append(
                [
                    BACKEND_LABELS[backend],
                    label,
                    f"{seconds:.1f}",
                    f"{rate:,.0f}",
                    f"{peak_mb:.0f}",
                    "yes" if met else "**no**",
                ]
            )
    return rows


def run(options: Options) -> Section:
    parts = [
        f"A generated Disqus export of {POSTS:,} posts in {THREADS:,} threads (a third of the "
        "posts replies, 1% spam, 1% deleted, HTML of 12-60 words, every 7th with a link), "
        "imported into an empty site, imported again (adds nothing), then the site exported. "
        "Each step is one `flask` process; rate = 100,000 / wall seconds; peak = the process's "
        f"max RSS. Targets: import >= {TARGET_POSTS_PER_S:,} posts/s on PostgreSQL; peak "
        f"< {TARGET_RSS_MB} MB on both; export at least as fast as import.",
        "",
    ]
    rows: list[list[str]] = []
    all_met = True
    with tempfile.TemporaryDirectory(prefix="parley-bench-port-") as tmp:
        workdir = Path(tmp)
        export_file = workdir / "disqus.xml"
        started = time.monotonic()
        write_disqus_export(export_file)
        size_mb = os.path.getsize(export_file) / 1e6
        parts.append(
            f"The file: {size_mb:.0f} MB, written in {time.monotonic() - started:.1f} s.\n"
        )
        for backend in options.backends:
            print(f"portability benchmark on {BACKEND_LABELS[backend]}", flush=True)
            try:
                backend_rows = run_backend(backend, workdir, export_file)
            except Exception as error:  # noqa: BLE001 - report the failure in the document
                traceback.print_exc()
                parts.append(f"{BACKEND_LABELS[backend]}: not measured: {error}\n")
                all_met = False
                continue
            if backend == "postgresql":
                all_met &= all(row[-1] == "yes" for row in backend_rows)
            rows += backend_rows
    parts.append(
        markdown_table(
            ["Database", "Step", "Seconds", "Posts/s", "Peak RSS MB", "Target met"], rows
        )
    )
    return Section(TITLE, "\n".join(parts), targets_met=all_met)
