"""CPU-heavy calls that release the GIL run off a gevent worker's event loop.

A gevent worker serves all its requests on one thread. A password check (scrypt: about 0.1 s
of CPU and 32 MB) run there stalls every other request of that worker for as long, event
streams' heartbeats included, and a burst of sign-ins (or of guesses) stalls it for their sum.
``hashlib.scrypt`` releases the GIL, so in a real thread it runs while the loop goes on.
Two threads per worker: gunicorn runs one worker per core, so more would not add CPU, and each
check holds 32 MB. Outside gevent (the flask CLI, tests, sync or gthread workers) the call
runs where it is.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from functools import cache
from typing import Any, TypeVar

THREADS = 2

T = TypeVar("T")


def off_the_loop(work: Callable[..., T], *args: Any) -> T:
    """``work(*args)``, in a real thread when gevent has patched this process."""
    if not _gevent_patched():
        return work(*args)
    return _threads().apply(work, args)


def _gevent_patched() -> bool:
    monkey = sys.modules.get("gevent.monkey")
    return monkey is not None and monkey.is_module_patched("threading")


@cache
def _threads() -> Any:
    """The worker's pool, made on first use: in the worker, after gunicorn's fork."""
    from gevent.threadpool import ThreadPool

    return ThreadPool(THREADS)
