"""The reader's own account: ``PUT /api/v1/me/avatar``."""

from __future__ import annotations

from app.api.spec.common import CSRF_HEADER, REQUIRED_AUTH, errors, json_response

PATHS = {
    "/api/v1/me/avatar": {
        "put": {
            "operationId": "put_my_avatar",
            "tags": ["account"],
            "summary": "Upload the signed-in reader's avatar",
            "description": (
                "A PNG, JPEG, GIF or WebP image of at most 2 MB and 4096x4096 pixels, in the "
                "multipart field `file`. Parley decodes it, crops it square, resizes it to 128 px "
                "and re-encodes it as WebP (dropping metadata); the original is never stored. "
                "On any error nothing is stored and the previous avatar stays."
            ),
            "security": REQUIRED_AUTH,
            "parameters": [CSRF_HEADER],
            "requestBody": {
                "required": True,
                "content": {
                    "multipart/form-data": {
                        "schema": {
                            "type": "object",
                            "required": ["file"],
                            "properties": {"file": {"type": "string", "format": "binary"}},
                        }
                    }
                },
            },
            "responses": {
                "200": json_response(
                    "The new avatar's URL (served with long-lived cache headers).",
                    {
                        "type": "object",
                        "required": ["avatar_url"],
                        "properties": {"avatar_url": {"type": "string", "format": "uri"}},
                    },
                    {
                        "avatar_url": "https://comments.example/avatars/u/5b0e2c9d41f7a3e86c1d0b9a7f2e4c53.webp"
                    },
                ),
                **errors(
                    (400, "invalid_image", "no file, not an image, damaged, or too many pixels"),
                    (401, "sign_in_required", "guests cannot have uploaded avatars"),
                    "invalid_token",
                    "csrf_failed",
                    (413, "image_too_large", "the image is over 2 MB"),
                    (415, "unsupported_media_type", "the body is not multipart/form-data"),
                    "rate_limited",
                ),
            },
        }
    }
}

TAGS = [{"name": "account", "description": "The caller's own account."}]
