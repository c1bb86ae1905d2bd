"""The demo news site served by ``make run``: an article page that embeds Parley.

Enabled by PARLEY_DEMO=on. Without it ``/`` is a one-line status page.
"""

from __future__ import annotations

from flask import Blueprint, current_app, render_template, request

bp = Blueprint("demo", __name__)

DEMO_SITE = "demo"
DEMO_ARTICLE = "air-defence-drills-2026"


def other_origin(host_url: str) -> str:
    """The cross-site twin of this origin: 127.0.0.1 <-> localhost, same port."""
    if "://127.0.0.1" in host_url:
        return host_url.replace("://127.0.0.1", "://localhost")
    return host_url.replace("://localhost", "://127.0.0.1")


@bp.get("/")
def home() -> str:
    if not current_app.config["PARLEY_DEMO"]:
        return render_template("status.html")
    service = other_origin(request.host_url).rstrip("/")
    return render_template(
        "demo/article.html", service=service, site=DEMO_SITE, article=DEMO_ARTICLE
    )
