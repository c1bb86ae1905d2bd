"""The reader's own account: ``PUT /api/v1/me/avatar``."""

from typing_extensions import TypedDict

from app.api.payloads.answers import NewAvatar
from app.api.payloads.declare import Operation, paths
from app.api.spec.common import CSRF_HEADER, REQUIRED_AUTH, json_response
from app.api.spec.schemas import schema_of
from app.limits import AVATAR_MAX_BYTES, AVATAR_MAX_SIDE
from app.services.avatar_uploads import OUTPUT_SIDE
from app.web.fields import formatted


class AvatarUpload(TypedDict):
    file: formatted("binary")


MEGABYTES = AVATAR_MAX_BYTES // 2**20

PUT_AVATAR = Operation(
    "put",
    "/api/v1/me/avatar",
    "put_my_avatar",
    "Upload the signed-in reader's avatar",
    tags=("account",),
    description=(
        f"A PNG, JPEG, GIF or WebP image of at most {MEGABYTES} MB and "
        f"{AVATAR_MAX_SIDE}x{AVATAR_MAX_SIDE} pixels, in the multipart field `file`. Parley "
        f"decodes it, crops it square, resizes it to {OUTPUT_SIDE} px and re-encodes it as WebP "
        "(dropping metadata); the original is never stored. On any error nothing is stored and "
        "the previous avatar stays."
    ),
    security=REQUIRED_AUTH,
    parameters=[CSRF_HEADER],
    request_body={
        "required": True,
        "content": {"multipart/form-data": {"schema": schema_of(AvatarUpload)}},
    },
    responses={
        "200": json_response(
            "The new avatar's URL (served with long-lived cache headers).",
            NewAvatar,
            {
                "avatar_url": "https://comments.example/avatars/u/5b0e2c9d41f7a3e86c1d0b9a7f2e4c53.webp"
            },
        )
    },
    errors=(
        (400, "invalid_image", "no file, not an image, damaged, or too many pixels"),
        (401, "sign_in_required", "guests cannot have uploaded avatars"),
        "invalid_token",
        "csrf_failed",
        (413, "image_too_large", f"the image is over {MEGABYTES} MB"),
        (415, "unsupported_media_type", "the body is not multipart/form-data"),
        "rate_limited",
    ),
)

PATHS = paths(PUT_AVATAR)

TAGS = [{"name": "account", "description": "The caller's own account."}]
