"""Parley: a self-hosted, moderated comment service for news sites."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from flask import Flask

from app import limits
from app.config import build_config
from app.extensions import csrf, db, limiter, login_manager, migrate
from app.fast_reads import install_fast_reads
from app.request_input import init_request_input
from app.retry_after import register_retry_after
from app.routing import register_converters
from app.security_headers import register_security_headers

PROJECT_ROOT = Path(__file__).resolve().parent.parent


def create_app(config: dict[str, Any] | None = None) -> Flask:
    """Build the application; ``config`` overrides settings (tests pass their database here)."""
    app = Flask(
        __name__,
        instance_relative_config=True,
        template_folder=str(PROJECT_ROOT / "templates"),
    )
    config = config or {}
    app.config.update(build_config(Path(app.instance_path), config.get("SECRET_KEY")))
    app.config.update(config)
    init_request_input(app)
    register_converters(app)
    install_fast_reads(app)
    trust_proxies(app)
    register_retry_after(app)
    register_extensions(app)
    register_blueprints(app)
    register_template_globals(app)
    register_error_handlers(app)
    register_security_headers(app)
    register_commands(app)
    return app


def register_template_globals(app: Flask) -> None:
    """``limits`` in every template: forms cut their fields with the numbers the services
    check (app/limits.py), never a copy of them."""
    app.jinja_env.globals["limits"] = limits


def trust_proxies(app: Flask) -> None:
    """Behind N trusted proxies, read the client's address and scheme from X-Forwarded-*."""
    hops = app.config["PARLEY_TRUSTED_PROXIES"]
    if hops > 0:
        from werkzeug.middleware.proxy_fix import ProxyFix

        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops, x_host=hops)  # type: ignore[method-assign]


def register_extensions(app: Flask) -> None:
    from app import database
    from app.broker import init_broker
    from app.compression import init_compression
    from app.jobs import init_jobs
    from app.notification_jobs import install_notifications
    from app.redis_store import init_redis
    from app.replicas import replica_binds
    from app.services.avatars import use_secret_key
    from app.services.comment_events import install_session_hooks as install_comment_event_hooks
    from app.services.freshness import install_session_hooks
    from app.services.toxicity import configure_scoring
    from app.sessions import ParleySessionInterface
    from app.shared_cache import init_shared_cache
    from app.webhook_jobs import init_webhooks

    app.session_interface = ParleySessionInterface()
    use_secret_key(app.config["SECRET_KEY"])  # keys the generated avatars' tokens
    app.config["SQLALCHEMY_ENGINE_OPTIONS"] = database.engine_options(app.config)
    app.config["SQLALCHEMY_BINDS"] = replica_binds(
        app.config, app.config["SQLALCHEMY_ENGINE_OPTIONS"]
    )
    db.init_app(app)
    install_session_hooks()
    install_comment_event_hooks()
    database.configure_engines(app)
    migrate.init_app(app, db, directory=str(PROJECT_ROOT / "migrations"), render_as_batch=True)
    login_manager.init_app(app)
    csrf.init_app(app)
    limiter.init_app(app)
    # Serving processes load the toxicity model at start; one-off commands only when needed.
    configure_scoring(
        app.config["PARLEY_TOXICITY"],
        app.config["PARLEY_TOXICITY_TIMEOUT_MS"],
        preload=not os.environ.get("FLASK_RUN_FROM_CLI"),
    )
    init_redis(app)
    init_broker(app)
    init_shared_cache(app)
    init_compression(app)
    init_jobs(app)
    install_notifications()
    init_webhooks(app)


def register_blueprints(app: Flask) -> None:
    from app import api, auth, dashboard, demo, health, widget

    csrf.exempt(api.bp)  # its own before_request checks cookie-authenticated calls only
    app.register_blueprint(api.bp)
    app.register_blueprint(auth.bp)
    app.register_blueprint(widget.bp)
    app.register_blueprint(demo.bp)
    app.register_blueprint(dashboard.bp)
    app.register_blueprint(health.bp)


def register_error_handlers(app: Flask) -> None:
    from app.errors import register_error_handlers as register
    from app.outages import register_outage_handlers

    register(app)
    register_outage_handlers(app)


def register_commands(app: Flask) -> None:
    from app.cli import register_cli
    from app.jobs_cli import register_jobs_cli
    from app.notifications_cli import register_notifications_cli

    register_cli(app)
    register_jobs_cli(app)
    register_notifications_cli(app)
