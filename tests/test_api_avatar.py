"""PUT /api/v1/me/avatar: uploads are decoded, re-encoded and served; bad files store nothing."""

from __future__ import annotations

import struct
import zlib
from io import BytesIO
from pathlib import Path

import pytest
from PIL import Image

from app.extensions import db
from app.models import User
from tests.factories import bearer, make_site, make_token, make_user, post_ok


def image_bytes(fmt: str = "PNG", size=(300, 200), color=(200, 30, 30)) -> bytes:
    out = BytesIO()
    Image.new("RGB", size, color).save(out, format=fmt)
    return out.getvalue()


def upload(client, data: bytes, token: str | None, filename="me.png", field="file"):
    """PUT a multipart body built in memory (the test client would spool big ones to disk)."""
    boundary = "parleytestboundary"
    body = (
        (
            f'--{boundary}\r\nContent-Disposition: form-data; name="{field}"; '
            f'filename="{filename}"\r\nContent-Type: application/octet-stream\r\n\r\n'
        ).encode()
        + data
        + f"\r\n--{boundary}--\r\n".encode()
    )
    headers = bearer(token) if token else {}
    return client.put(
        "/api/v1/me/avatar",
        data=body,
        content_type=f"multipart/form-data; boundary={boundary}",
        headers=headers,
    )


def avatar_files(app) -> list[Path]:
    folder = Path(app.instance_path) / "avatars"
    return sorted(p for p in folder.glob("*") if p.is_file()) if folder.exists() else []


@pytest.fixture
def reader_token(app):
    make_site(app)
    make_user(app, "pic@example.org", "Pic")
    return make_token(app, "pic@example.org")


@pytest.mark.parametrize("fmt", ["PNG", "JPEG", "GIF", "WEBP"])
def test_upload_is_resized_reencoded_and_served(app, client, reader_token, fmt):
    response = upload(client, image_bytes(fmt), reader_token)
    assert response.status_code == 200, response.get_json()
    url = response.get_json()["avatar_url"]
    assert url.startswith("http://localhost/avatars/u/") and url.endswith(".webp")
    served = client.get(url.removeprefix("http://localhost"))
    assert served.status_code == 200
    assert served.mimetype == "image/webp"
    assert "immutable" in served.headers["Cache-Control"]
    stored = Image.open(BytesIO(served.data))
    assert (stored.format, stored.size) == ("WEBP", (128, 128))
    served.close()


def test_new_avatar_shows_on_the_readers_comments_and_replaces_the_old_file(
    app, client, reader_token
):
    first = upload(client, image_bytes(color=(1, 2, 3)), reader_token).get_json()["avatar_url"]
    second = upload(client, image_bytes(color=(9, 9, 9)), reader_token).get_json()["avatar_url"]
    assert first != second
    assert len(avatar_files(app)) == 1
    created = post_ok(client, headers=bearer(reader_token), body="with a face")
    assert created["author"]["avatar_url"] == second
    thread = client.get("/api/v1/threads?site=news&article=a1").get_json()
    assert thread["comments"][0]["author"]["avatar_url"] == second


def png_claiming_size(width: int, height: int) -> bytes:
    """A tiny PNG whose header claims a huge canvas (a decompression bomb's shape)."""

    def chunk(kind: bytes, body: bytes) -> bytes:
        return (
            struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))
        )

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    pixels = zlib.compress(b"\x00" * 10)
    return (
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", pixels) + chunk(b"IEND", b"")
    )


@pytest.mark.parametrize(
    ("data", "filename"),
    [
        (b"", "empty.png"),
        (b"definitely not an image", "fake.png"),
        (b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>', "x.svg"),
        (image_bytes("PNG")[:60], "truncated.png"),
        (png_claiming_size(30000, 30000), "bomb.png"),
        (image_bytes("BMP"), "old.bmp"),
    ],
    ids=["empty", "not-an-image", "svg", "truncated", "decompression-bomb", "bmp"],
)
def test_unacceptable_files_are_400_and_store_nothing(app, client, reader_token, data, filename):
    response = upload(client, data, reader_token, filename=filename)
    assert response.status_code == 400
    assert response.get_json()["error"]["code"] == "invalid_image"
    assert avatar_files(app) == []
    with app.app_context():
        assert db.session.query(User).filter_by(email="pic@example.org").one().avatar_path is None


def test_missing_file_field_is_invalid_image(app, client, reader_token):
    response = upload(client, image_bytes(), reader_token, field="picture")
    assert response.status_code == 400
    assert response.get_json()["error"]["code"] == "invalid_image"


def test_image_over_two_megabytes_is_413(app, client, reader_token):
    big = image_bytes() + b"\0" * (2 * 1024 * 1024)
    response = upload(client, big, reader_token)
    assert response.status_code == 413
    assert response.get_json()["error"]["code"] == "image_too_large"
    huge = b"\0" * (3 * 1024 * 1024)
    response = upload(client, huge, reader_token)
    assert response.status_code == 413
    assert response.get_json()["error"]["code"] == "image_too_large"
    assert avatar_files(app) == []


def test_guests_cannot_upload_and_json_is_refused(app, client, reader_token):
    response = upload(client, image_bytes(), None)
    assert response.status_code == 401
    assert response.get_json()["error"]["code"] == "sign_in_required"
    response = client.put("/api/v1/me/avatar", json={"file": "x"}, headers=bearer(reader_token))
    assert response.status_code == 415
