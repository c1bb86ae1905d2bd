"""The import's progress bar: drawn on a terminal (a real pseudo-terminal here), never
into a pipe or file."""

from __future__ import annotations

import io
import os

from app.portability.progress import Progress


def test_progress_is_drawn_on_a_terminal():
    reader, writer = os.openpty()
    with os.fdopen(writer, "w") as terminal:
        progress = Progress("export.xml", total=200, position=lambda: 100, stream=terminal)
        progress.update(1500)
        progress.close()
    drawn = os.read(reader, 4096).decode()
    os.close(reader)
    assert "export.xml [###############" in drawn
    assert "50%" in drawn and "1,500 records" in drawn


def test_progress_stays_out_of_pipes_and_files():
    stream = io.StringIO()
    progress = Progress("export.xml", total=200, position=lambda: 100, stream=stream)
    progress.update(1500)
    progress.close()
    assert stream.getvalue() == ""
