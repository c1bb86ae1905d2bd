"""Publishers' public keys (a JWKS URL), fetched with a timeout and cached per process.

Keys are fetched on first use and again after ``MAX_AGE``; a token whose ``kid`` is not in
the cached set triggers one refresh, at most once per ``REFRESH_INTERVAL`` per URL, so a
stream of forged key ids cannot make Parley hammer the publisher. A failed fetch keeps the
keys already known. Only RSA (RS256) and P-256 EC (ES256) public keys are kept.
"""

from __future__ import annotations

import ipaddress
import json
import threading
import time
import urllib.request
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

from cryptography.hazmat.primitives.asymmetric import ec, rsa
from jwt import PyJWK
from jwt.exceptions import PyJWKError

FETCH_TIMEOUT = 5
MAX_AGE = 3600
REFRESH_INTERVAL = 60
MAX_BYTES = 256 * 1024
LOOPBACK_NAMES = {"localhost"}


class JwksUnavailable(Exception):
    """The key set could not be fetched or read."""


@dataclass
class CachedKeys:
    fetched_at: float
    keys: dict[str, PyJWK] = field(default_factory=dict)


_cache: dict[str, CachedKeys] = {}
_lock = threading.Lock()


def is_allowed_url(url: str) -> bool:
    """https, or http on a loopback address (tests, a sidecar)."""
    parts = urlsplit(url)
    if parts.scheme == "https" and parts.hostname:
        return True
    if parts.scheme != "http" or not parts.hostname:
        return False
    if parts.hostname in LOOPBACK_NAMES:
        return True
    try:
        return ipaddress.ip_address(parts.hostname).is_loopback
    except ValueError:
        return False


def algorithm_for(key: PyJWK) -> str | None:
    """RS256 for an RSA public key, ES256 for a P-256 one, else None (not accepted)."""
    material = key.key
    if isinstance(material, rsa.RSAPublicKey):
        return "RS256"
    if isinstance(material, ec.EllipticCurvePublicKey) and isinstance(material.curve, ec.SECP256R1):
        return "ES256"
    return None


def parse_key_set(data: Any) -> dict[str, PyJWK]:
    keys: dict[str, PyJWK] = {}
    entries = data.get("keys") if isinstance(data, dict) else None
    if not isinstance(entries, list):
        raise JwksUnavailable("the JWKS document has no 'keys' list")
    for entry in entries:
        if not isinstance(entry, dict) or not isinstance(entry.get("kid"), str):
            continue
        if entry.get("use", "sig") != "sig":
            continue
        try:
            key = PyJWK(entry)
        except (PyJWKError, ValueError, TypeError):
            continue
        if algorithm_for(key) is not None:
            keys[entry["kid"]] = key
    return keys


def fetch(url: str) -> dict[str, PyJWK]:
    if not is_allowed_url(url):
        raise JwksUnavailable("the JWKS URL must be https (or http on a loopback address)")
    request = urllib.request.Request(url, headers={"Accept": "application/json"})  # noqa: S310
    try:
        with urllib.request.urlopen(request, timeout=FETCH_TIMEOUT) as response:  # noqa: S310
            body = response.read(MAX_BYTES + 1)
    except OSError as exc:
        raise JwksUnavailable(f"could not fetch the site's keys: {exc}") from None
    if len(body) > MAX_BYTES:
        raise JwksUnavailable("the JWKS document is too large")
    try:
        return parse_key_set(json.loads(body))
    except ValueError:
        raise JwksUnavailable("the JWKS document is not JSON") from None


def _refresh(url: str, previous: CachedKeys | None) -> CachedKeys:
    try:
        entry = CachedKeys(time.monotonic(), fetch(url))
    except JwksUnavailable:
        # Remember the attempt (no retry storm); keep serving the keys known before.
        entry = CachedKeys(time.monotonic(), previous.keys if previous else {})
        _cache[url] = entry
        if previous is None or not previous.keys:
            raise
        return entry
    _cache[url] = entry
    return entry


def signing_key(url: str, kid: str) -> PyJWK | None:
    """The key ``kid`` of the key set at ``url``, or None when the set has no such key."""
    with _lock:
        entry = _cache.get(url)
        now = time.monotonic()
        if entry is None or now - entry.fetched_at > MAX_AGE:
            entry = _refresh(url, entry)
        key = entry.keys.get(kid)
        if key is None and now - entry.fetched_at >= REFRESH_INTERVAL:
            entry = _refresh(url, entry)
            key = entry.keys.get(kid)
        return key


def forget(url: str | None = None) -> None:
    """Drop cached keys (all, or one URL's): after ``flask sites sso`` changes, and in tests."""
    with _lock:
        if url is None:
            _cache.clear()
        else:
            _cache.pop(url, None)


def age_cache_for_tests(url: str, seconds: float) -> None:
    """Make the cached key set of ``url`` look ``seconds`` older (tests of the refresh rule)."""
    with _lock:
        entry = _cache.get(url)
        if entry is not None:
            entry.fetched_at -= seconds
