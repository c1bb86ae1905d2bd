from flask import current_app, request

from app.api import bp
from app.services.articles import clean_article_key
from app.services.reply_pages import load_replies
from app.services.threads import load_thread
from app.services.viewer_state import load_viewer_state, node_ids
from app.web.parsing import optional_query_int, query_int, required_arg
from app.web.serializers import json_response, replies_json, thread_json
from app.web.viewer import current_viewer


@bp.get("/threads")
def get_thread():
    """One page of an article's thread (see docs/api.md)."""
    site = required_arg("site", "invalid_site")
    article = clean_article_key(request.args.get("article"))
    viewer = current_viewer()
    replies = optional_query_int("replies")
    page = load_thread(
        site,
        article,
        viewer,
        sort=request.args.get("sort") or "oldest",
        limit=query_int("limit", current_app.config["PARLEY_PAGE_SIZE"]),
        cursor=request.args.get("cursor") or None,
        replies=replies,
    )
    state = load_viewer_state(page.article.id, node_ids(page.comments), viewer)
    return json_response(thread_json(page, viewer, state, replies_capped=replies is not None))


@bp.get("/threads/replies")
def get_replies():
    """The replies a capped thread read left out under one comment (see docs/api.md)."""
    site = required_arg("site", "invalid_site")
    article = clean_article_key(request.args.get("article"))
    cursor = required_arg("cursor", "invalid_cursor")
    viewer = current_viewer()
    page = load_replies(
        site,
        article,
        viewer,
        cursor,
        limit=query_int("limit", current_app.config["PARLEY_PAGE_SIZE"]),
    )
    state = load_viewer_state(page.article_id, node_ids(page.comments), viewer)
    return json_response(replies_json(page, viewer, state))
