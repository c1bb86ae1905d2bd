"""Live updates: ``GET /api/v1/events`` (Server-Sent Events), contract v1.1 "Live updates"."""

from app.api.payloads.declare import Operation, paths
from app.api.spec.common import one_article
from app.api.spec.schemas import schema_of

STREAM_EVENTS = Operation(
    "get",
    "/api/v1/events",
    "stream_events",
    "Live events of an article (Server-Sent Events)",
    tags=("reader",),
    description=(
        "A `text/event-stream` that stays open. Whenever a comment of the article "
        "becomes visible to all readers (posted approved, or approved by a moderator), "
        "every open stream, whichever process holds it, receives within 2 s "
        '`event: comment` with `data: {"id": int, "parent_id": int|null, '
        '"comment_count": int}`. When a visible comment stops being visible (removed '
        "by a moderator, deleted, held again) it receives `event: removed` with the same "
        "data. Clients ignore event names they do not know. A comment line (`: ...`) is "
        "sent at least every 30 s; the server ends a stream after a while (10 minutes by "
        "default) and `retry:` tells EventSource when to reconnect."
    ),
    security=[{}],
    parameters=[
        *one_article(),
    ],
    responses={
        "200": {
            "description": "The event stream.",
            "content": {"text/event-stream": {"schema": schema_of(str)}},
        }
    },
    errors=(
        "invalid_site",
        "invalid_article",
        "unknown_site",
        (
            503,
            "service_unavailable",
            "Redis (which carries events between processes) cannot be reached; "
            "retry after `Retry-After` seconds",
        ),
    ),
)

PATHS = paths(STREAM_EVENTS)
