"""Managing a site's webhooks: adding, listing, removing, enabling, rotating secrets, and the
delivery log with redelivery (docs/webhooks.md). Sending lives in ``webhook_sending``.

Who may: admins only (``require_admin``) when an account acts from the dashboard; the command
line acts as the operator (``actor=None``). A receiver's URL must be http(s) and, unless
``allow_private`` (PARLEY_WEBHOOK_ALLOW_PRIVATE) is on, resolve only to public addresses: a
webhook must not become a way to reach the servers behind Parley (SSRF). The same check runs
again right before every delivery, since DNS answers change.
"""

from __future__ import annotations

import ipaddress
import socket
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any
from urllib.parse import urlsplit

from sqlalchemy import func, select

from app.extensions import db
from app.limits import (
    WEBHOOK_DELIVERIES_SHOWN_MAX,
    WEBHOOK_EVENTS_MAX,
    WEBHOOK_SECRET_MAX,
    WEBHOOK_SECRET_MIN,
    WEBHOOK_URL_MAX,
    WEBHOOKS_PER_SITE_MAX,
)
from app.models import DeliveryStatus, Site, User, Webhook, WebhookDelivery, utcnow
from app.services.comment_events import EVENTS
from app.services.errors import Conflict, NotFound, ValidationError
from app.services.permissions import require_admin
from app.services.sites import get_site

SCHEMES = {"http": 80, "https": 443}
ROTATION_HOURS = 24  # how long the previous secret keeps signing after a rotation, by default
SECRET_SHOWN_CHARS = 4


@dataclass(frozen=True, slots=True)
class Destination:
    """Where a delivery connects: the URL's parts and the checked addresses to dial."""

    scheme: str
    host: str
    port: int
    target: str  # path and query, as sent on the request line
    addresses: tuple[str, ...]  # every address the name resolved to, all checked


def _actor(actor: User | None) -> None:
    if actor is not None:
        require_admin(actor, "manage webhooks")


def clean_url(url: Any) -> str:
    """An absolute http(s) URL with a host and no user name or password, at most
    WEBHOOK_URL_MAX characters; ValidationError(invalid_url) otherwise."""
    if not isinstance(url, str) or not url.strip():
        raise ValidationError("give the receiver's URL", "invalid_url", field="url")
    url = url.strip()
    if len(url) > WEBHOOK_URL_MAX:
        raise ValidationError(
            f"the URL must be at most {WEBHOOK_URL_MAX} characters", "invalid_url", field="url"
        )
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:
        raise ValidationError("the URL is not valid", "invalid_url", field="url") from None
    if parts.scheme not in SCHEMES or not parts.hostname:
        raise ValidationError(
            "the URL must start with http:// or https:// and name a host",
            "invalid_url",
            field="url",
        )
    if parts.username is not None or parts.password is not None:
        raise ValidationError(
            "put no user name or password in the URL; the signature authenticates Parley",
            "invalid_url",
            field="url",
        )
    if any(ord(ch) < 33 or ord(ch) == 127 for ch in url):
        raise ValidationError("the URL must not contain spaces or controls", "invalid_url")
    del port
    return url


def address_refused(address: str) -> bool:
    """True for loopback, private, link-local, unspecified, reserved and multicast addresses
    (an IPv4 address mapped into IPv6 is judged as the IPv4 address)."""
    ip = ipaddress.ip_address(address.split("%", 1)[0])
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    return not ip.is_global or ip.is_multicast


def resolve_destination(url: str, allow_private: bool) -> Destination:
    """Resolve ``url``'s host once and pick the address to connect to.

    Every address the name resolves to must be public unless ``allow_private``: a name that
    answers both a public and a private address is refused (an attacker controls which one a
    later lookup returns). The caller connects to ``Destination.addresses`` (in turn, until one
    answers), never to a fresh lookup of the name. ValidationError (private_address,
    unresolvable_host) otherwise.
    """
    parts = urlsplit(url)
    host = parts.hostname or ""
    port = parts.port or SCHEMES[parts.scheme]
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (OSError, UnicodeError):
        raise ValidationError(
            f"the host {host[:100]!r} does not resolve", "unresolvable_host", field="url"
        ) from None
    addresses = list(dict.fromkeys(str(info[4][0]) for info in infos))
    if not addresses:
        raise ValidationError(f"the host {host[:100]!r} does not resolve", "unresolvable_host")
    if not allow_private and any(address_refused(a) for a in addresses):
        raise ValidationError(
            f"the host {host[:100]!r} resolves to a loopback, private or link-local address; "
            "webhooks only go to public addresses (PARLEY_WEBHOOK_ALLOW_PRIVATE=on allows them)",
            "private_address",
            field="url",
        )
    target = parts.path or "/"
    if parts.query:
        target += "?" + parts.query
    return Destination(parts.scheme, host, port, target, tuple(addresses))


def clean_secret(secret: Any) -> str:
    if not isinstance(secret, str) or not (WEBHOOK_SECRET_MIN <= len(secret) <= WEBHOOK_SECRET_MAX):
        raise ValidationError(
            f"the secret must be {WEBHOOK_SECRET_MIN} to {WEBHOOK_SECRET_MAX} characters",
            "invalid_secret",
            field="secret",
        )
    if any(ord(ch) < 32 or ord(ch) == 127 for ch in secret):
        raise ValidationError("the secret must not contain controls", "invalid_secret")
    return secret


def clean_events(events: Any) -> list[str]:
    """The chosen event names in the contract's order; none chosen means every event."""
    chosen = list(events or [])
    if len(chosen) > WEBHOOK_EVENTS_MAX * 2:
        raise ValidationError("too many events", "invalid_events", field="events")
    unknown = [name for name in chosen if name not in EVENTS]
    if unknown:
        raise ValidationError(
            f"unknown event {str(unknown[0])[:40]!r}; events are {', '.join(EVENTS)}",
            "invalid_events",
            field="events",
        )
    return [name for name in EVENTS if name in chosen] if chosen else list(EVENTS)


def shown_secret(secret: str) -> str:
    return secret[:SECRET_SHOWN_CHARS] + "…"


def add_webhook(
    slug: str,
    url: Any,
    secret: Any,
    events: Any = (),
    *,
    allow_private: bool,
    actor: User | None = None,
) -> Webhook:
    """Add a webhook to site ``slug``; ValidationError for a bad URL, secret or event, a
    private address, or a site that already has WEBHOOKS_PER_SITE_MAX webhooks."""
    _actor(actor)
    site = get_site(slug)
    url = clean_url(url)
    secret = clean_secret(secret)
    chosen = clean_events(events)
    resolve_destination(url, allow_private)
    count = db.session.scalar(select(func.count()).where(Webhook.site_id == site.id)) or 0
    if count >= WEBHOOKS_PER_SITE_MAX:
        raise ValidationError(
            f"a site has at most {WEBHOOKS_PER_SITE_MAX} webhooks", "too_many_webhooks"
        )
    webhook = Webhook(
        site=site, url=url, secret=secret, events=chosen, enabled=True, consecutive_failures=0
    )
    db.session.add(webhook)
    db.session.commit()
    return webhook


def list_webhooks(slug: str, actor: User | None = None) -> list[Webhook]:
    _actor(actor)
    site = get_site(slug)
    return list(
        db.session.scalars(select(Webhook).where(Webhook.site_id == site.id).order_by(Webhook.id))
    )


def get_webhook(slug: str, webhook_id: int, actor: User | None = None) -> Webhook:
    """The webhook ``webhook_id`` of site ``slug``, or NotFound(unknown_webhook)."""
    _actor(actor)
    site: Site = get_site(slug)
    webhook = db.session.get(Webhook, webhook_id) if 0 < webhook_id < 2**31 else None
    if webhook is None or webhook.site_id != site.id:
        raise NotFound(f"site {slug} has no webhook {webhook_id}", "unknown_webhook")
    return webhook


def remove_webhook(slug: str, webhook_id: int, actor: User | None = None) -> None:
    """Remove the webhook and its delivery log (deliveries still waiting are dropped)."""
    webhook = get_webhook(slug, webhook_id, actor)
    db.session.execute(
        WebhookDelivery.__table__.delete().where(WebhookDelivery.webhook_id == webhook.id)
    )
    db.session.delete(webhook)
    db.session.commit()


def set_enabled(slug: str, webhook_id: int, enabled: bool, actor: User | None = None) -> Webhook:
    """Enable (clearing the failure count and reason) or disable a webhook."""
    webhook = get_webhook(slug, webhook_id, actor)
    webhook.enabled = enabled
    if enabled:
        webhook.consecutive_failures = 0
        webhook.disabled_reason = None
        webhook.disabled_at = None
    else:
        webhook.disabled_reason = "disabled by an admin"
        webhook.disabled_at = None  # set only when failures disabled it (the admins' notice)
    db.session.commit()
    return webhook


def rotate_secret(
    slug: str,
    webhook_id: int,
    new_secret: Any,
    *,
    keep_hours: float = ROTATION_HOURS,
    actor: User | None = None,
) -> Webhook:
    """Sign with ``new_secret`` from now on, and with the current one too for ``keep_hours``
    (0: drop it at once), so receivers can switch without losing a delivery."""
    webhook = get_webhook(slug, webhook_id, actor)
    secret = clean_secret(new_secret)
    if secret == webhook.secret:
        raise Conflict("the new secret is the current one", "same_secret")
    if keep_hours > 0:
        webhook.previous_secret = webhook.secret
        webhook.previous_secret_until = utcnow() + timedelta(hours=keep_hours)
    else:
        webhook.previous_secret = None
        webhook.previous_secret_until = None
    webhook.secret = secret
    db.session.commit()
    return webhook


def signing_secrets(webhook: Webhook, now: datetime) -> list[str]:
    """The secrets a delivery is signed with now: the current one, then the previous one
    while its rotation lasts."""
    secrets = [webhook.secret]
    until = webhook.previous_secret_until
    if webhook.previous_secret and until is not None and now < until:
        secrets.append(webhook.previous_secret)
    return secrets


def list_deliveries(
    slug: str, webhook_id: int, actor: User | None = None, limit: int = WEBHOOK_DELIVERIES_SHOWN_MAX
) -> list[WebhookDelivery]:
    """The webhook's latest deliveries, newest first."""
    webhook = get_webhook(slug, webhook_id, actor)
    return list(
        db.session.scalars(
            select(WebhookDelivery)
            .where(WebhookDelivery.webhook_id == webhook.id)
            .order_by(WebhookDelivery.created_at.desc(), WebhookDelivery.id.desc())
            .limit(min(limit, WEBHOOK_DELIVERIES_SHOWN_MAX))
        )
    )


def redeliver(
    slug: str, webhook_id: int, delivery_id: int, actor: User | None = None
) -> WebhookDelivery:
    """Start the delivery over (same ``webhook-id`` and body, fresh timestamp and signature);
    the caller enqueues it. Conflict(webhook_disabled) while the webhook is disabled."""
    webhook = get_webhook(slug, webhook_id, actor)
    delivery = db.session.get(WebhookDelivery, delivery_id) if 0 < delivery_id < 2**31 else None
    if delivery is None or delivery.webhook_id != webhook.id:
        raise NotFound(f"webhook {webhook_id} has no delivery {delivery_id}", "unknown_delivery")
    if not webhook.enabled:
        raise Conflict("enable the webhook before redelivering", "webhook_disabled")
    delivery.status = DeliveryStatus.PENDING
    delivery.round_attempts = 0
    delivery.next_attempt_at = utcnow()
    delivery.claimed_until = None
    db.session.commit()
    return delivery
