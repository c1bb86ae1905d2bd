"""Serving uploaded avatars (stored by app.services.avatar_uploads)."""

from flask import abort, current_app, send_from_directory
from werkzeug.wrappers import Response

from app.services.avatar_uploads import UPLOADED_NAME, avatar_folder
from app.widget import IMMUTABLE, bp


@bp.get("/avatars/u/<name>")
def uploaded_avatar(name: str) -> Response:
    """An uploaded avatar; its name holds a hash of its content, so it is cached forever."""
    if not UPLOADED_NAME.match(name):
        abort(404)
    folder = avatar_folder(current_app.config.get("PARLEY_MEDIA_DIR"), current_app.instance_path)
    response = send_from_directory(folder, name, mimetype="image/webp", max_age=31536000)
    response.headers["Cache-Control"] = IMMUTABLE
    return response
