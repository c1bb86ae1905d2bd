"""The JSON API under /api/v1: parse -> service -> serialize."""

from flask import Blueprint

bp = Blueprint("api", __name__, url_prefix="/api/v1")

from app.api import (  # noqa: E402,F401  (routes register on bp)
    comments,
    counts,
    editing,
    me,
    moderation,
    openapi,
    reactions,
    reports,
    threads,
    votes,
)
