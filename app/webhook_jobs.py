"""Webhook jobs: from a committed comment event to signed POSTs (docs/webhooks.md).

Just before an event's commit, ``freeze_event`` takes the body's ``data`` (the comment as that
change leaves it). After the commit the web request does one thing per event: ``announce_event``
(a ``comment_events`` listener) enqueues ``fan_out_event`` with that data, a fresh event id (the
``webhook-id``) and the event's time. That job records one delivery per subscribed webhook, each
with the same body. With one webhook it makes the first attempt itself; with several it enqueues
``deliver`` for each, so they go out in parallel. A failed attempt is retried by ``deliver``
jobs after PARLEY_WEBHOOK_RETRY_INTERVALS (``deliver`` raises ``DeliveryRetry`` and the job
machinery, app.jobs, waits the next delay). Both jobs are idempotent: the fan-out keeps existing
rows, and a delivery is claimed before it is sent and never sent again once it succeeded.
"""

from __future__ import annotations

import logging
import time
import uuid
from dataclasses import replace
from typing import Any

from flask import Flask, current_app
from rq import get_current_job

from app.extensions import db
from app.jobs import enqueue, enqueue_in, job_queue
from app.models import Comment, CommentStatus, Webhook, WebhookDelivery, utcnow
from app.notification_jobs import base_url
from app.services import comment_events
from app.services.comment_rows import RULE_REMOVED, node_for_comment
from app.services.identity import Viewer
from app.services.webhook_sending import (
    Attempt,
    admins_to_alert,
    attempt_delivery,
    event_has_receivers,
    record_deliveries,
    subscribed_webhooks,
)
from app.web.mail import mailer
from app.web.serializers import comment_json, iso

log = logging.getLogger(__name__)
LOCAL_ATTEMPTS = 5  # without Redis
LOCAL_PAUSE_CAP = 10.0  # seconds the web process waits between two attempts, at most


class DeliveryRetry(RuntimeError):
    """This attempt failed and another is due: the job machinery retries the job."""


def announce_event(name: str, comment_id: int, data: dict[str, Any] | None = None) -> None:
    """comment_events listener (for events a webhook receives): one enqueue, nothing else.
    ``data`` is the body's ``data`` as the event's transaction left it (``freeze_event``)."""
    event_id = f"msg_{uuid.uuid4().hex}"
    # No key: the event id is new, so there is nothing to deduplicate (a key costs a round trip).
    enqueue(fan_out_event, name, comment_id, event_id, iso(utcnow()), base_url(), data)


def freeze_event(name: str, comment: Comment) -> dict[str, Any]:
    """The body's ``data``, taken just before the event's commit: a comment.rejected says
    ``rejected`` and a comment.created holds the first text, even when the fan-out job runs
    after the next moderation action or edit."""
    return event_data(comment, base_url())


def comment_payload(comment: Comment, base: str) -> dict[str, Any]:
    """The comment as the thread API shows it (``comment_json``, links absolute on ``base``),
    with its real status and its ``replies`` empty (each reply is an event of its own). A
    comment rejected or marked spam keeps its text for the publisher's systems; a deleted one
    is the thread's placeholder. No e-mail or IP address is in it."""
    shown = CommentStatus.PENDING if comment.status in RULE_REMOVED else None
    node = node_for_comment(comment, Viewer(), status=shown)
    node = replace(node, status=comment.status.value, replies=[])
    return comment_json(node, base.rstrip("/"))


def event_data(comment: Comment, base: str) -> dict[str, Any]:
    article = comment.article
    return {
        "site": article.site.slug,
        "article": {"key": article.key, "title": article.title, "url": article.url},
        "comment": comment_payload(comment, base),
    }


def fan_out_event(
    name: str,
    comment_id: int,
    event_id: str,
    occurred_at: str,
    base: str | None = None,
    data: dict[str, Any] | None = None,
) -> None:
    """Record a delivery per subscribed webhook, with the body frozen, and send each.
    ``base`` is the Parley URL the event's request came to; ``data`` the body's data as the
    event left it (jobs enqueued before these were passed, or whose freeze failed, take
    ``base_url()`` and the comment as it is now)."""
    try:
        _fan_out(name, comment_id, event_id, occurred_at, base or base_url(), data)
    finally:
        db.session.remove()  # a worker runs job after job in one context: start each afresh


def _fan_out(
    name: str,
    comment_id: int,
    event_id: str,
    occurred_at: str,
    base: str,
    data: dict[str, Any] | None,
) -> None:
    comment = db.session.get(Comment, comment_id, populate_existing=True)
    if comment is None:
        return
    hooks = subscribed_webhooks(comment.article.site_id, name)
    if not hooks:
        return
    if data is None:
        data = event_data(comment, base)
    payload = {"type": name, "timestamp": occurred_at, "data": data}
    pending = record_deliveries(hooks, event_id, name, payload)
    if len(pending) == 1:
        first_attempt(pending[0])  # the common case: no second job for one webhook
        return
    for delivery_id in pending:  # several: in parallel, on any worker
        enqueue_delivery(delivery_id)


def first_attempt(delivery_id: int) -> None:
    """Attempt a delivery inside the fan-out job; on failure, hand it to ``deliver`` jobs
    with the rest of the back-off (in Redis, after the first delay)."""
    intervals = list(current_app.config["PARLEY_WEBHOOK_RETRY_INTERVALS"])
    queued = job_queue() is not None
    if not queued:
        deliver_here(delivery_id)
        return
    retry_in = float(intervals[0]) if intervals else None
    if _attempt(delivery_id, retry_in).outcome == "retry":
        key = f"webhook-delivery:{delivery_id}"
        later = enqueue_in(
            retry_in or 0, deliver, delivery_id, key=key, retry_intervals=intervals[1:]
        )
        if not later:  # Redis went away: the remaining attempts are made here, after the pause
            time.sleep(min(retry_in or 0, LOCAL_PAUSE_CAP))
            deliver_here(delivery_id)


def enqueue_delivery(delivery_id: int) -> None:
    enqueue(
        deliver,
        delivery_id,
        key=f"webhook-delivery:{delivery_id}",
        retry_intervals=current_app.config["PARLEY_WEBHOOK_RETRY_INTERVALS"],
    )


def _retry_in() -> float | None:
    """On a worker: seconds before the next attempt if this one fails; None if the last."""
    job = get_current_job()
    if job is not None:
        if not job.retries_left:
            return None
        return float(job.get_retry_interval())
    return None


def deliver(delivery_id: int) -> None:
    """On a worker: one attempt; DeliveryRetry when it failed and another will come. Without
    Redis: every attempt, here (``deliver_here``)."""
    try:
        if get_current_job() is None:
            deliver_here(delivery_id)
            return
        retry_in = _retry_in()
        if _attempt(delivery_id, retry_in).outcome == "retry":
            raise DeliveryRetry(f"webhook delivery {delivery_id} failed; retrying in {retry_in} s")
    finally:
        db.session.remove()


def deliver_here(delivery_id: int) -> None:
    """Without Redis: the attempts one after another in this process (after the response),
    with the configured delays capped at LOCAL_PAUSE_CAP seconds: five attempts in all, the
    contract's minimum, within a minute at most."""
    intervals = current_app.config["PARLEY_WEBHOOK_RETRY_INTERVALS"][: LOCAL_ATTEMPTS - 1]
    pauses = [min(float(seconds), LOCAL_PAUSE_CAP) for seconds in intervals]
    while True:
        delivery = db.session.get(WebhookDelivery, delivery_id, populate_existing=True)
        done = delivery.round_attempts if delivery is not None else 0
        retry_in = pauses[done] if done < len(pauses) else None
        if _attempt(delivery_id, retry_in).outcome != "retry" or retry_in is None:
            return
        time.sleep(retry_in)


def _attempt(delivery_id: int, retry_in: float | None) -> Attempt:
    config = current_app.config
    attempt = attempt_delivery(
        delivery_id,
        allow_private=config["PARLEY_WEBHOOK_ALLOW_PRIVATE"],
        retry_in=retry_in,
        disable_after=config["PARLEY_WEBHOOK_DISABLE_AFTER"],
    )
    if attempt.disabled is not None:
        alert_admins(attempt.disabled)
    return attempt


def alert_admins(webhook: Webhook) -> None:
    """Tell the admins a webhook was disabled (the log line is the service's): by e-mail to
    those with a verified address; the dashboard shows a notice too."""
    outgoing = mailer()
    for admin in admins_to_alert():
        try:
            outgoing.send_to_user(
                admin,
                f"Parley: a webhook of {webhook.site.slug} was disabled",
                "webhook_disabled",
                webhook=webhook,
                site=webhook.site,
            )
        except Exception:
            log.exception("could not tell %s that webhook %s was disabled", admin.id, webhook.id)


def init_webhooks(app: Flask) -> None:
    """Announce every committed comment event to the webhook fan-out (once per process)."""
    del app
    comment_events.listen(announce_event, when=event_has_receivers, freeze=freeze_event)
