"""Real tasks for tests/test_jobs.py: they write to a file the test reads."""

from __future__ import annotations

from pathlib import Path


def note(path: str, text: str) -> None:
    with Path(path).open("a") as handle:
        handle.write(text + "\n")


def refuse(path: str) -> None:
    note(path, "attempt")
    raise RuntimeError("the mail server said no")
