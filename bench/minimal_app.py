"""The yardstick for cached reads: a minimal WSGI app that serves fixed bytes, nothing else.

``PARLEY_BENCH_BODY`` names a file holding the bytes, ``PARLEY_BENCH_HEADERS`` a JSON list of
the header pairs to send with them (Parley's own, captured by bench/cached_reads.py).
"""

from __future__ import annotations

import json
import os
from pathlib import Path

BODY = Path(os.environ["PARLEY_BENCH_BODY"]).read_bytes()
HEADERS = [(name, value) for name, value in json.loads(os.environ["PARLEY_BENCH_HEADERS"])]


def app(environ, start_response):
    start_response("200 OK", HEADERS)
    return [BODY]
