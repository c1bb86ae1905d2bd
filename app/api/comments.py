from flask import current_app

from app.api import bp
from app.api.ratelimits import reader_write_limit
from app.services.comment_rows import node_for_author
from app.services.comments import post_comment
from app.web.parsing import json_body, request_source
from app.web.serializers import comment_json, public_base_url
from app.web.viewer import current_viewer


@bp.post("/comments")
@reader_write_limit("PARLEY_POST_RATE")
def create_comment():
    """Post a comment or a reply; 201 with the comment (approved or pending)."""
    data = json_body()
    viewer = current_viewer()
    comment = post_comment(
        site_slug=data.get("site"),
        article_key=data.get("article"),
        body=data.get("body"),
        viewer=viewer,
        parent_id=data.get("parent_id"),
        author_name=data.get("author_name"),
        author_email=data.get("author_email"),
        article_title=data.get("article_title"),
        article_url=data.get("article_url"),
        max_depth=current_app.config["PARLEY_MAX_DEPTH"],
        confirm=data.get("confirm"),
        origin=request_source(),
        notify_replies=data.get("notify_replies"),
    )
    return comment_json(node_for_author(comment, viewer), public_base_url()), 201
