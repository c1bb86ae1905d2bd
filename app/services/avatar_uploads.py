"""Uploaded avatars: validated with Pillow, re-encoded, stored under the media folder.

Nothing from the uploaded file is kept as-is: it is decoded (refusing anything that is not a
PNG, JPEG, GIF or WebP, or that is too large in bytes or pixels), cropped to a square, resized
to 128 px and re-encoded as WebP, which drops metadata (EXIF, GPS) and any payload hidden in
the original. The file name carries a hash of the result, so URLs can be cached forever.
"""

from __future__ import annotations

import hashlib
import os
import re
import tempfile
import warnings
from io import BytesIO
from pathlib import Path

from PIL import Image, ImageOps, UnidentifiedImageError

from app.extensions import db
from app.limits import AVATAR_MAX_BYTES, AVATAR_MAX_SIDE
from app.models import User
from app.services.avatars import keyed_token
from app.services.errors import DomainError, ValidationError
from app.services.freshness import touch_articles_of
from app.services.image_modes import to_rgba

OUTPUT_SIDE = 128  # pixels of the stored avatar
ALLOWED_FORMATS = frozenset({"PNG", "JPEG", "GIF", "WEBP"})
# Names are a keyed hash of the account and the content (no account id in the URL); names of
# the older form "<user id>-<hash>.webp" are still served.
UPLOADED_NAME = re.compile(r"^(?:[0-9]+-[0-9a-f]{16}|[0-9a-f]{32})\.webp$")


class ImageTooLarge(DomainError):
    status = 413
    code = "image_too_large"


def _invalid(message: str) -> ValidationError:
    return ValidationError(message, "invalid_image")


def _decode(data: bytes) -> Image.Image:
    if not data:
        raise _invalid("send an image file in the multipart field 'file'")
    if len(data) > AVATAR_MAX_BYTES:
        raise ImageTooLarge(f"the image must be at most {AVATAR_MAX_BYTES // (1024 * 1024)} MB")
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            image = Image.open(BytesIO(data))
            if image.format not in ALLOWED_FORMATS:
                raise _invalid("the image must be a PNG, JPEG, GIF or WebP file")
            width, height = image.size
            if width > AVATAR_MAX_SIDE or height > AVATAR_MAX_SIDE or width < 1 or height < 1:
                raise _invalid(
                    f"the image must be at most {AVATAR_MAX_SIDE}x{AVATAR_MAX_SIDE} pixels"
                )
            image.load()
    except (UnidentifiedImageError, Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise _invalid("the file is not an image Parley can read") from None
    except (OSError, SyntaxError, ValueError, EOFError):
        raise _invalid("the image file is damaged or truncated") from None
    return image


def render_avatar(data: bytes) -> bytes:
    """The avatar to store for an uploaded file: square, 128 px, WebP. Raises invalid_image."""
    return encode_avatar(_decode(data))


def encode_avatar(image: Image.Image) -> bytes:
    """A decoded image, whatever its Pillow mode, as the 128 px square WebP avatar."""
    image = ImageOps.exif_transpose(image)
    image = to_rgba(image)
    image = ImageOps.fit(image, (OUTPUT_SIDE, OUTPUT_SIDE), Image.Resampling.LANCZOS)
    out = BytesIO()
    image.save(out, format="WEBP", quality=85, method=4)
    return out.getvalue()


def avatar_folder(media_dir: str | None, instance_path: str) -> Path:
    """Where uploaded avatars live: PARLEY_MEDIA_DIR/avatars, else instance/avatars."""
    return Path(media_dir or instance_path) / "avatars"


def _write_atomically(folder: Path, name: str, content: bytes) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=folder, prefix=".upload-")
    with os.fdopen(fd, "wb") as handle:
        handle.write(content)
    target = folder / name
    os.replace(tmp, target)
    return target


def set_avatar(user: User, data: bytes, folder: Path) -> str:
    """Store ``data`` as ``user``'s avatar and commit; returns the new ``avatar_path``.

    On any refusal nothing is stored and the previous avatar stays.
    """
    content = render_avatar(data)
    name = keyed_token(f"upload:{user.id}:{hashlib.sha256(content).hexdigest()}", 32) + ".webp"
    target = _write_atomically(folder, name, content)
    previous = user.avatar_path
    user.avatar_path = f"u/{name}"
    touch_articles_of(user_id=user.id)
    try:
        db.session.commit()
    except Exception:
        db.session.rollback()
        target.unlink(missing_ok=True)
        raise
    if previous and previous != user.avatar_path and previous.startswith("u/"):
        old = previous.removeprefix("u/")
        if UPLOADED_NAME.match(old):
            (folder / old).unlink(missing_ok=True)
    return user.avatar_path
