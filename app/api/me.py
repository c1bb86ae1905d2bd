from flask import current_app, request
from werkzeug.exceptions import RequestEntityTooLarge

from app.api import bp
from app.api.payloads.answers import NewAvatar
from app.api.ratelimits import avatar_rate, uploader_key
from app.extensions import limiter
from app.services.avatar_uploads import (
    AVATAR_MAX_BYTES,
    ImageTooLarge,
    avatar_folder,
    set_avatar,
)
from app.services.avatars import avatar_path
from app.services.errors import Unauthorized
from app.web.parsing import UnsupportedMediaType
from app.web.serializers import public_base_url
from app.web.viewer import current_viewer

# Room for the multipart envelope around the largest accepted image.
UPLOAD_REQUEST_MAX = AVATAR_MAX_BYTES + 64 * 1024


def media_folder():
    return avatar_folder(current_app.config.get("PARLEY_MEDIA_DIR"), current_app.instance_path)


@bp.put("/me/avatar")
@limiter.limit(avatar_rate, key_func=uploader_key)
def put_my_avatar():
    """Replace the signed-in reader's avatar with an uploaded image (multipart field ``file``)."""
    # Set before anything reads the body (the CSRF check may read the form).
    request.max_content_length = UPLOAD_REQUEST_MAX
    if request.content_length is not None and request.content_length > UPLOAD_REQUEST_MAX:
        raise ImageTooLarge(f"the image must be at most {AVATAR_MAX_BYTES // 2**20} MB")
    if request.mimetype != "multipart/form-data":
        raise UnsupportedMediaType("send the image as multipart/form-data in the field 'file'")
    try:
        viewer = current_viewer()
        upload = request.files.get("file")
    except RequestEntityTooLarge:
        raise ImageTooLarge(f"the image must be at most {AVATAR_MAX_BYTES // 2**20} MB") from None
    if viewer.user is None:
        raise Unauthorized("sign in or use a bearer token to set an avatar", "sign_in_required")
    try:
        data = upload.read(AVATAR_MAX_BYTES + 1) if upload is not None else b""
    finally:
        for part in request.files.values():
            part.close()
    stored = set_avatar(viewer.user, data, media_folder())
    answer: NewAvatar = {
        "avatar_url": public_base_url() + avatar_path(viewer.user.id, None, stored)
    }
    return answer
