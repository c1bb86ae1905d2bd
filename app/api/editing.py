from flask import current_app

from app.api import bp
from app.api.payloads.answers import CommentSource, DeletedComment
from app.api.ratelimits import reader_write_limit
from app.services.comment_rows import node_for_author
from app.services.editing import delete_own_comment, edit_comment, own_comment_source
from app.web.parsing import json_body
from app.web.serializers import comment_json, public_base_url
from app.web.viewer import current_viewer


def edit_window() -> int:
    return current_app.config["PARLEY_EDIT_WINDOW_SECONDS"]


@bp.get("/comments/<id:comment_id>/source")
def get_comment_source(comment_id: int):
    """The author's own Markdown, to start an edit from (within the edit window)."""
    comment = own_comment_source(comment_id, current_viewer(), edit_window())
    answer: CommentSource = {"id": comment.id, "source": comment.body_source}
    return answer


@bp.patch("/comments/<id:comment_id>")
@reader_write_limit("PARLEY_EDIT_RATE")
def update_comment(comment_id: int):
    """The author replaces the body of their comment within the edit window."""
    data = json_body()
    viewer = current_viewer()
    comment = edit_comment(
        comment_id, data.get("body"), viewer, edit_window(), confirm=data.get("confirm")
    )
    return comment_json(node_for_author(comment, viewer), public_base_url())


@bp.delete("/comments/<id:comment_id>")
@reader_write_limit("PARLEY_EDIT_RATE")
def delete_comment(comment_id: int):
    """The author deletes their comment within the edit window; replies stay."""
    comment = delete_own_comment(comment_id, current_viewer(), edit_window())
    answer: DeletedComment = {"id": comment.id, "status": comment.status.value}
    return answer
