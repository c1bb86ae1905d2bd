"""A progress bar for long imports and exports: on stderr, and only when it is a terminal."""

from __future__ import annotations

import sys
import time
from collections.abc import Callable
from typing import TextIO

WIDTH = 30


class Progress:
    """``update(n)`` redraws at most five times a second; ``position()`` / ``total`` give the
    share done (bytes read of the file, when known); without them only the count is shown."""

    def __init__(
        self,
        label: str,
        total: int | None = None,
        position: Callable[[], int] | None = None,
        stream: TextIO | None = None,
    ) -> None:
        self.label = label
        self.total = total
        self.position = position
        self.stream = stream if stream is not None else sys.stderr
        self.enabled = self.stream.isatty()
        self.drawn_at = 0.0
        self.drawn = False

    def update(self, count: int) -> None:
        now = time.monotonic()
        if not self.enabled or now - self.drawn_at < 0.2:
            return
        self.drawn_at = now
        line = f"{self.label} {count:,} records"
        if self.total and self.position is not None:
            share = min(1.0, self.position() / self.total)
            bar = "#" * int(WIDTH * share)
            line = f"{self.label} [{bar:<{WIDTH}}] {share:4.0%}  {count:,} records"
        self.stream.write(f"\r{line}")
        self.stream.flush()
        self.drawn = True

    def close(self) -> None:
        if self.drawn:
            self.stream.write("\n")
            self.stream.flush()
