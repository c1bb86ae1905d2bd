import orjson
from flask import current_app, request

from app.api import bp
from app.extensions import db
from app.fast_reads import note_answer_stamp
from app.replicas import read_from_replica
from app.services.articles import clean_article_key
from app.services.identity import Viewer
from app.services.reply_pages import load_replies
from app.services.thread_stamps import thread_stamp
from app.services.threads import clean_page_query, load_thread
from app.services.viewer_state import ViewerState, load_viewer_state, node_ids
from app.web.caching import is_anonymous, make_tag, private, public_answer
from app.web.parsing import optional_query_int, query_int, required_arg
from app.web.serializers import json_response, public_base_url, replies_json, thread_json
from app.web.viewer import current_viewer

ANYONE = Viewer()  # the anonymous reader: no account, no guest id


@bp.get("/threads")
def get_thread():
    """One page of an article's thread (see docs/api.md); anonymous pages are cached."""
    site = required_arg("site", "invalid_site")
    article = clean_article_key(request.args.get("article"))
    sort = request.args.get("sort") or "oldest"
    limit = query_int("limit", current_app.config["PARLEY_PAGE_SIZE"])
    cursor = request.args.get("cursor") or None
    replies = optional_query_int("replies")
    if is_anonymous():
        if "If-None-Match" in request.headers:
            # A 304 skips building the page: check its input first, so bad input stays a 400
            # (`*` matches any tag). Other reads leave the checks to load_thread, once.
            clean_page_query(sort, limit, cursor, replies)
        read_from_replica(db.session)
        base = public_base_url()
        stamp = thread_stamp(site, article).tag()
        note_answer_stamp(request.environ, stamp)  # lets app.fast_reads replay this answer
        tag = make_tag("thread", stamp, sort, limit, cursor, replies, base)

        def build() -> bytes:
            page = load_thread(
                site, article, ANYONE, sort=sort, limit=limit, cursor=cursor, replies=replies
            )
            capped = replies is not None
            return orjson.dumps(thread_json(page, ANYONE, ViewerState(), replies_capped=capped))

        return public_answer(tag, build)
    viewer = current_viewer()
    page = load_thread(
        site, article, viewer, sort=sort, limit=limit, cursor=cursor, replies=replies
    )
    state = load_viewer_state(page.article.id, node_ids(page.comments), viewer)
    return private(
        json_response(thread_json(page, viewer, state, replies_capped=replies is not None))
    )


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
    return private(json_response(replies_json(page, viewer, state)))
