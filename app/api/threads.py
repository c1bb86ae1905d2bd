from flask import current_app, request

from app.api import bp
from app.api.auth import current_viewer
from app.api.parsing import query_int, required_arg
from app.api.serializers import thread_json
from app.services.comments import clean_article_key
from app.services.threads import load_thread


@bp.get("/threads")
def get_thread():
    """One page of an article's thread (see docs/api.md)."""
    site = required_arg("site", "invalid_site")
    article = clean_article_key(request.args.get("article"))
    page = load_thread(
        site,
        article,
        current_viewer(),
        sort=request.args.get("sort") or "oldest",
        limit=query_int("limit", current_app.config["PARLEY_PAGE_SIZE"]),
        cursor=request.args.get("cursor") or None,
    )
    return thread_json(page)
