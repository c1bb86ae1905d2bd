"""Live updates over Server-Sent Events (contract v1.1 "Live updates").

The stream holds no database connection and no request context while it is open: the site is
checked, the subscription made, and then the generator only waits on its inbox (app.broker).
"""

from __future__ import annotations

import json
import time
from collections.abc import Iterator

from flask import Response, current_app, request

from app.api import bp
from app.broker import LocalBroker, broker
from app.services.articles import clean_article_key
from app.services.sites import get_site
from app.web.parsing import required_arg

RECONNECT_MS = 3000


def event_stream(
    hub: LocalBroker, site: str, article: str, heartbeat: float, lifetime: float
) -> Iterator[str]:
    with hub.subscribe(site, article) as subscription:
        yield f"retry: {RECONNECT_MS}\n: listening\n\n"
        ends = time.monotonic() + lifetime
        while time.monotonic() < ends:
            live = subscription.get(timeout=min(heartbeat, max(ends - time.monotonic(), 0.1)))
            if subscription.ended:
                return
            if live is None:
                yield ": keep-alive\n\n"
                continue
            yield f"event: {live.name}\ndata: {json.dumps(live.data, separators=(',', ':'))}\n\n"


@bp.get("/events")
def stream_events() -> Response:
    """``text/event-stream`` of the article's live events; 404 unknown_site as JSON."""
    site = required_arg("site", "invalid_site")
    article = clean_article_key(request.args.get("article"))
    get_site(site)
    hub = broker()
    hub.ready()  # Redis away: 503 service_unavailable now, not a stream that never speaks
    config = current_app.config
    stream = event_stream(
        hub,
        site,
        article,
        config["PARLEY_EVENTS_HEARTBEAT_SECONDS"],
        config["PARLEY_EVENTS_MAX_SECONDS"],
    )
    return Response(
        stream,
        mimetype="text/event-stream",
        headers={
            "Cache-Control": "no-store",
            "X-Accel-Buffering": "no",  # nginx: pass each event on at once
            "Access-Control-Allow-Origin": "*",
        },
    )
