"""Settings read from the environment, with safe defaults.

Everything a deployment may change is an environment variable named ``PARLEY_*``;
``docs/deploy.md`` and the README list them. Generated state (the SQLite file, the
signing key) lives under the Flask instance folder, never in the source tree.
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path
from typing import Any

from app.limits import REQUEST_BODY_MAX

TRUE_WORDS = {"1", "true", "yes", "on"}
FALSE_WORDS = {"0", "false", "no", "off"}


def env_flag(name: str, default: bool) -> bool:
    """Read a boolean environment variable; anything unrecognised is a startup error."""
    raw = os.environ.get(name)
    if raw is None or raw.strip() == "":
        return default
    word = raw.strip().lower()
    if word in TRUE_WORDS:
        return True
    if word in FALSE_WORDS:
        return False
    raise RuntimeError(f"{name} must be on or off, not {raw!r}")


def env_int(name: str, default: int) -> int:
    raw = os.environ.get(name)
    if raw is None or raw.strip() == "":
        return default
    try:
        return int(raw)
    except ValueError:
        raise RuntimeError(f"{name} must be a whole number, not {raw!r}") from None


def env_float(name: str, default: float) -> float:
    raw = os.environ.get(name)
    if raw is None or raw.strip() == "":
        return default
    try:
        value = float(raw)
    except ValueError:
        raise RuntimeError(f"{name} must be a number, not {raw!r}") from None
    if not value >= 0 or value == float("inf"):
        raise RuntimeError(f"{name} must be zero or more, not {raw!r}")
    return value


def env_seconds_list(name: str, default: list[int]) -> list[int]:
    """A comma-separated list of whole seconds, e.g. ``5,30,120``."""
    raw = os.environ.get(name)
    if raw is None or raw.strip() == "":
        return default
    try:
        values = [int(part) for part in raw.split(",")]
    except ValueError:
        raise RuntimeError(
            f"{name} must be whole seconds separated by commas, not {raw!r}"
        ) from None
    if any(value < 0 for value in values):
        raise RuntimeError(f"{name} must not hold negative delays")
    return values


def load_secret_key(instance_path: Path) -> str:
    """Return PARLEY_SECRET_KEY, or a key generated once and kept in instance/secret_key.

    The file is created with mode 0600 so other local users cannot forge sessions.
    """
    configured = os.environ.get("PARLEY_SECRET_KEY")
    if configured:
        return configured
    key_file = instance_path / "secret_key"
    if key_file.exists():
        return key_file.read_text().strip()
    instance_path.mkdir(parents=True, exist_ok=True)
    key = secrets.token_hex(32)
    fd = os.open(key_file, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w") as handle:
        handle.write(key)
    return key


def build_config(instance_path: Path, secret_key: str | None = None) -> dict[str, Any]:
    """The application's configuration, from the environment.

    ``secret_key`` given (a test's configuration): no key is read from or written to the
    instance folder.
    """
    database_url = os.environ.get("PARLEY_DATABASE_URL")
    if not database_url:
        if secret_key is None:
            # The default SQLite file lives in instance/, which a fresh checkout does not have
            # yet (when PARLEY_SECRET_KEY is set, nothing else creates it).
            instance_path.mkdir(parents=True, exist_ok=True)
        database_url = f"sqlite:///{instance_path / 'parley.sqlite3'}"
    redis_url = os.environ.get("PARLEY_REDIS_URL") or None
    rate_limits = os.environ.get("PARLEY_RATE_LIMITS", "on").strip().lower()
    if rate_limits not in {"on", "off"}:
        raise RuntimeError(f"PARLEY_RATE_LIMITS must be on or off, not {rate_limits!r}")
    secure_cookies = env_flag("PARLEY_SECURE_COOKIES", False)
    return {
        "SECRET_KEY": secret_key or load_secret_key(instance_path),
        "SQLALCHEMY_DATABASE_URI": database_url,
        # Engine options per backend (pre-ping, timeouts): app.database.engine_options.
        "SQLALCHEMY_ENGINE_OPTIONS": {},
        "PARLEY_REDIS_URL": redis_url,
        # A read replica of the database for anonymous thread reads and counts (app.replicas).
        "PARLEY_DATABASE_REPLICA_URL": os.environ.get("PARLEY_DATABASE_REPLICA_URL") or None,
        # Outages (docs/deploy.md): how long a request may wait on PostgreSQL or Redis before
        # it answers 503 service_unavailable. Connect, pool and statement waits add up to < 5 s.
        "PARLEY_DB_CONNECT_TIMEOUT": env_int("PARLEY_DB_CONNECT_TIMEOUT", 2),
        "PARLEY_DB_STATEMENT_TIMEOUT_MS": env_int("PARLEY_DB_STATEMENT_TIMEOUT_MS", 2500),
        "PARLEY_REDIS_TIMEOUT": env_int("PARLEY_REDIS_TIMEOUT_MS", 1000) / 1000,
        # How long `flask db upgrade` waits for a table's lock (app.migration_locks).
        "PARLEY_MIGRATION_LOCK_TIMEOUT_MS": env_int("PARLEY_MIGRATION_LOCK_TIMEOUT_MS", 2000),
        # Caching and compression (docs/deploy.md "Caching").
        "PARLEY_CACHE_MAX_AGE": env_int("PARLEY_CACHE_MAX_AGE", 5),
        "PARLEY_CACHE_STALE_SECONDS": env_int("PARLEY_CACHE_STALE_SECONDS", 60),
        "PARLEY_CACHE_MEMORY_MB": env_int("PARLEY_CACHE_MEMORY_MB", 64),
        # off when a proxy in front compresses answers itself.
        "PARLEY_COMPRESSION": env_flag("PARLEY_COMPRESSION", True),
        # Live updates: a comment line at least this often; streams end (and clients
        # reconnect, perhaps to another process) after PARLEY_EVENTS_MAX_SECONDS.
        "PARLEY_EVENTS_HEARTBEAT_SECONDS": env_int("PARLEY_EVENTS_HEARTBEAT_SECONDS", 15),
        "PARLEY_EVENTS_MAX_SECONDS": env_int("PARLEY_EVENTS_MAX_SECONDS", 600),
        # Rate limiting (Flask-Limiter). Redis shares counters across workers.
        "RATELIMIT_ENABLED": rate_limits == "on",
        "RATELIMIT_STORAGE_URI": redis_url or "memory://",
        # Redis down: limits fall back to per-process counters instead of failing requests.
        "RATELIMIT_IN_MEMORY_FALLBACK_ENABLED": True,
        "RATELIMIT_STORAGE_OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1},
        "RATELIMIT_HEADERS_ENABLED": True,
        "PARLEY_POST_RATE": os.environ.get("PARLEY_POST_RATE", "10/minute;200/hour"),
        "PARLEY_REACTION_RATE": os.environ.get("PARLEY_REACTION_RATE", "30/minute;300/hour"),
        "PARLEY_VOTE_RATE": os.environ.get("PARLEY_VOTE_RATE", "60/minute;600/hour"),
        "PARLEY_REPORT_RATE": os.environ.get("PARLEY_REPORT_RATE", "10/minute;60/hour"),
        "PARLEY_EDIT_RATE": os.environ.get("PARLEY_EDIT_RATE", "20/minute;200/hour"),
        # Each upload costs about half a second of CPU (decode, resize, re-encode).
        "PARLEY_AVATAR_RATE": os.environ.get("PARLEY_AVATAR_RATE", "5/minute;30/hour"),
        # Authors may edit or delete their own comment for this long after posting.
        "PARLEY_EDIT_WINDOW_SECONDS": env_int("PARLEY_EDIT_WINDOW_SECONDS", 900),
        # Request and content limits.
        "MAX_CONTENT_LENGTH": env_int("PARLEY_MAX_CONTENT_LENGTH", REQUEST_BODY_MAX),
        "PARLEY_MAX_DEPTH": env_int("PARLEY_MAX_DEPTH", 8),
        "PARLEY_PAGE_SIZE": env_int("PARLEY_PAGE_SIZE", 50),
        # Replies the widget shows under each top-level comment before "Show N more replies".
        "PARLEY_REPLY_PREVIEW": env_int("PARLEY_REPLY_PREVIEW", 10),
        "PARLEY_DEMO": env_flag("PARLEY_DEMO", False),
        # Toxicity scoring of new and edited comments (docs/moderation.md): off only to
        # measure its cost; the http scorer's timeout in milliseconds.
        "PARLEY_TOXICITY": env_flag("PARLEY_TOXICITY", True),
        "PARLEY_TOXICITY_TIMEOUT_MS": env_int("PARLEY_TOXICITY_TIMEOUT_MS", 2000),
        "PARLEY_PUBLIC_URL": os.environ.get("PARLEY_PUBLIC_URL") or None,
        # Outgoing mail (app.services.mail): without an SMTP URL, .eml files in instance/outbox.
        "PARLEY_SMTP_URL": os.environ.get("PARLEY_SMTP_URL") or None,
        "PARLEY_MAIL_FROM": os.environ.get("PARLEY_MAIL_FROM") or None,
        # Reply e-mails (docs/notifications.md): at most one per reader and thread this often.
        "PARLEY_REPLY_MAIL_BATCH_MINUTES": env_float("PARLEY_REPLY_MAIL_BATCH_MINUTES", 10.0),
        # Webhooks (docs/webhooks.md): receivers on loopback, private or link-local addresses
        # are refused unless this is on (development and tests only); the delays in seconds
        # before each retry (the first try plus these are all the attempts); failed attempts in a
        # row after which a webhook is disabled and admins are alerted.
        "PARLEY_WEBHOOK_ALLOW_PRIVATE": env_flag("PARLEY_WEBHOOK_ALLOW_PRIVATE", False),
        "PARLEY_WEBHOOK_RETRY_INTERVALS": env_seconds_list(
            "PARLEY_WEBHOOK_RETRY_INTERVALS", [5, 30, 120, 600, 1800, 7200]
        ),
        "PARLEY_WEBHOOK_DISABLE_AFTER": env_int("PARLEY_WEBHOOK_DISABLE_AFTER", 50),
        # Uploaded avatars go to PARLEY_MEDIA_DIR/avatars (default: instance/avatars).
        "PARLEY_MEDIA_DIR": os.environ.get("PARLEY_MEDIA_DIR") or None,
        # How many reverse proxies in front of Parley set X-Forwarded-For/-Proto (0: none).
        # Only then is the client's address (rate limits, IP bans) taken from those headers.
        "PARLEY_TRUSTED_PROXIES": env_int("PARLEY_TRUSTED_PROXIES", 0),
        # Cookies: HttpOnly always; Secure when served over HTTPS (PARLEY_SECURE_COOKIES=on).
        "SESSION_COOKIE_NAME": "parley_session",
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "SESSION_COOKIE_SECURE": secure_cookies,
        "REMEMBER_COOKIE_HTTPONLY": True,
        "REMEMBER_COOKIE_SAMESITE": "Lax",
        "REMEMBER_COOKIE_SECURE": secure_cookies,
        "WTF_CSRF_TIME_LIMIT": None,
        "WTF_CSRF_HEADERS": ["X-CSRFToken", "X-CSRF-Token"],
    }
