"""Fan-out of live events to the event streams open on this process and on every other one.

With Redis, ``publish`` goes to one pub/sub channel that every process listens to (one listener
thread per process, started with the first stream), and each process hands the event to the
streams it holds for that article. Without Redis the broker is the process itself: one process
serving SQLite sees every write.
"""

from __future__ import annotations

import json
import logging
import queue
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from typing import Any

from flask import Flask, current_app, has_app_context
from redis import Redis
from redis.client import PubSub
from redis.exceptions import TimeoutError as RedisTimeout

from app.redis_store import RedisUnavailable, redis_client, redis_namespace

log = logging.getLogger(__name__)
EXTENSION_KEY = "parley_broker"
QUEUE_SIZE = 256  # a stream this far behind loses events (the widget polls on reconnect)
SILENCE_SECONDS = 2.0  # a channel this quiet is pinged (RedisBroker.receive)
# How long a ping (or the subscription) may go unanswered: more than a request's Redis timeout,
# so that a healthy Redis's pause (a fork for BGSAVE, a slow command) does not end every
# stream of every process at once.
ANSWER_SECONDS = 3.0
RECEIVE_SECONDS = 0.5  # the longest wait for a message before checking on the channel


@dataclass(frozen=True, slots=True)
class LiveEvent:
    site: str
    article: str
    name: str
    data: dict[str, Any]

    def encode(self) -> str:
        return json.dumps([self.site, self.article, self.name, self.data], separators=(",", ":"))

    @classmethod
    def decode(cls, raw: str | bytes) -> LiveEvent:
        site, article, name, data = json.loads(raw)
        return cls(site, article, name, data)


class Subscription:
    """One open stream's inbox."""

    def __init__(self) -> None:
        self.inbox: queue.Queue[LiveEvent | None] = queue.Queue(QUEUE_SIZE)
        self.ended = False

    def end(self) -> None:
        """The events stopped reaching this process: the stream ends, so that its client
        reconnects (and polls while it cannot) rather than listen to a silent stream."""
        self.ended = True
        with suppress(queue.Full):
            self.inbox.put_nowait(None)  # wake the stream now

    def get(self, timeout: float) -> LiveEvent | None:
        try:
            return self.inbox.get(timeout=timeout)
        except queue.Empty:
            return None


class LocalBroker:
    """Delivers events to the streams of this process."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.streams: dict[tuple[str, str], set[Subscription]] = {}

    def publish(self, event: LiveEvent) -> None:
        self.deliver(event)

    def deliver(self, event: LiveEvent) -> None:
        with self.lock:
            targets = list(self.streams.get((event.site, event.article), ()))
        for subscription in targets:
            try:
                subscription.inbox.put_nowait(event)
            except queue.Full:
                log.warning("an event stream fell behind; it misses an event")

    def ready(self) -> None:
        """Raise RedisUnavailable when events could not reach other processes now."""

    def end_streams(self) -> None:
        with self.lock:
            subscriptions = [s for streams in self.streams.values() for s in streams]
        for subscription in subscriptions:
            subscription.end()

    @contextmanager
    def subscribe(self, site: str, article: str) -> Iterator[Subscription]:
        self.ready()
        subscription = Subscription()
        key = (site, article)
        with self.lock:
            self.streams.setdefault(key, set()).add(subscription)
        try:
            yield subscription
        finally:
            with self.lock:
                streams = self.streams.get(key)
                if streams is not None:
                    streams.discard(subscription)
                    if not streams:
                        del self.streams[key]

    def close(self) -> None:
        """Nothing to release for the in-process broker."""


class RedisBroker(LocalBroker):
    """Publishes through Redis; a listener thread delivers every process's events locally."""

    def __init__(self, client: Redis) -> None:
        super().__init__()
        self.client = client
        self.channel = f"{redis_namespace(client)}:events"
        self.listener: threading.Thread | None = None
        self.connected = threading.Event()
        self.closing = threading.Event()

    def publish(self, event: LiveEvent) -> None:
        self.client.publish(self.channel, event.encode())

    def ready(self) -> None:
        if self.listener is None or not self.listener.is_alive():
            with self.lock:
                if self.listener is None or not self.listener.is_alive():
                    self.listener = threading.Thread(
                        target=self.listen, name="parley-events", daemon=True
                    )
                    self.listener.start()
        if not self.connected.wait(
            timeout=self.client.connection_pool.connection_kwargs.get("socket_connect_timeout") or 2
        ):
            raise RedisUnavailable("not subscribed to the event channel")

    def listen(self) -> None:
        """Receive events forever, reconnecting with back-off while Redis is away. When the
        channel is lost, the streams open on this process end (``Subscription.end``)."""
        delay = 0.2
        while not self.closing.is_set():
            pubsub = self.client.pubsub()
            try:
                pubsub.subscribe(self.channel)
                self.receive(pubsub)
            except RedisUnavailable as exc:
                if self.connected.is_set():
                    delay = 0.2  # it was working: try again soon
                self.connected.clear()
                self.end_streams()
                log.warning("event channel lost (%s); reconnecting in %.1f s", exc, delay)
            except Exception:  # noqa: BLE001 - a bad message must not end the listener
                log.exception("event listener failed; restarting")
            finally:
                try:
                    pubsub.close()
                except RedisUnavailable:
                    pass
            self.closing.wait(delay)
            delay = min(delay * 2, 5.0)

    def receive(self, pubsub: PubSub) -> None:
        """Deliver the channel's events until closing; connected once Redis confirms the
        subscription. A quiet channel is pinged every SILENCE_SECONDS: a Redis that is frozen
        (a paused container or VM) sends nothing and raises nothing, and would leave every
        stream of this process silent for as long. An unanswered subscription or ping raises."""
        heard = time.monotonic()
        pinged: float | None = heard  # the subscription awaits its answer as a ping does
        while not self.closing.is_set():
            message = pubsub.get_message(timeout=RECEIVE_SECONDS)
            now = time.monotonic()
            if message is not None:
                heard, pinged = now, None
                if message["type"] == "subscribe":
                    self.connected.set()
                elif message["type"] == "message":
                    self.deliver(LiveEvent.decode(message["data"]))
            elif pinged is not None and now - pinged > ANSWER_SECONDS:
                raise RedisTimeout(f"Redis did not answer a ping within {ANSWER_SECONDS:g} s")
            elif pinged is None and now - heard >= SILENCE_SECONDS:
                pubsub.ping()
                pinged = now

    def close(self) -> None:
        """Stop listening (the listener ends within a few seconds)."""
        self.closing.set()


def init_broker(app: Flask) -> None:
    client = redis_client(app)
    app.extensions[EXTENSION_KEY] = RedisBroker(client) if client is not None else LocalBroker()


def broker(app: Flask | None = None) -> LocalBroker:
    return (app or current_app).extensions[EXTENSION_KEY]


def publish_committed(events: list[LiveEvent]) -> None:
    """Announce committed changes; Redis being away loses the announcement, never data."""
    if not events or not has_app_context():
        return
    target = broker()
    for live_event in events:
        try:
            target.publish(live_event)
        except RedisUnavailable as exc:
            log.warning("live event not published (Redis unavailable: %s)", exc)
