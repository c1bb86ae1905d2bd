"""Avatars keep their picture whatever the uploaded image's Pillow mode.

Each case draws a "truth" picture, derives the image in the mode under test from it, renders the
avatar and compares the 128 px WebP result with the truth resized the same way: the mean
difference (premultiplied, so colours under full transparency do not count) stays small.
"""

from __future__ import annotations

from io import BytesIO

import pytest
from PIL import Image, ImageChops, ImageDraw, ImageOps, ImageStat

from app.services.avatar_uploads import OUTPUT_SIDE, encode_avatar
from tests.factories import make_site, make_token, make_user
from tests.test_api_avatar import upload

SIDE = 256
# Lossy WebP at quality 85 (and JPEG for CMYK) stays well under this on smooth pictures; a
# picture gone white, black or opaque is off by 60 or more.
MAX_MEAN_DIFFERENCE = 4.0


def grey_truth() -> Image.Image:
    """A diagonal ramp over the whole 0..255 range with a dark disc: mid-tones matter."""
    ramp = Image.linear_gradient("L").resize((SIDE, SIDE))
    ramp = ImageChops.add(ramp, ramp.rotate(90), scale=2)
    ImageDraw.Draw(ramp).ellipse((80, 80, 176, 176), fill=30)
    return ramp


def colour_truth() -> Image.Image:
    red = Image.linear_gradient("L").resize((SIDE, SIDE))
    green = red.rotate(90)
    blue = Image.radial_gradient("L").resize((SIDE, SIDE))
    return Image.merge("RGB", (red, green, blue))


def alpha_ramp() -> Image.Image:
    """Opaque at the top, fully transparent at the bottom."""
    return ImageOps.invert(Image.linear_gradient("L").resize((SIDE, SIDE)))


def mean_difference(avatar: bytes, truth: Image.Image) -> float:
    result = Image.open(BytesIO(avatar))
    assert (result.format, result.size) == ("WEBP", (OUTPUT_SIDE, OUTPUT_SIDE))
    expected = truth.convert("RGBA").resize((OUTPUT_SIDE, OUTPUT_SIDE), Image.Resampling.LANCZOS)
    difference = ImageChops.difference(
        result.convert("RGBA").convert("RGBa"), expected.convert("RGBa")
    )
    return sum(ImageStat.Stat(difference).mean) / 4


def sixteen_bit(truth: Image.Image, mode: str) -> Image.Image:
    """``truth`` with each 8-bit sample v spread over 16 bits (v * 257), in ``mode``."""
    return truth.convert("I").point(lambda value: value * 257).convert(mode)


def with_alpha(truth: Image.Image) -> Image.Image:
    picture = truth.copy()
    picture.putalpha(alpha_ramp())
    return picture


def cmyk_of(truth: Image.Image) -> Image.Image:
    """Plain CMYK without black ink: C, M, Y are the inverted R, G, B."""
    cyan, magenta, yellow = (ImageOps.invert(band) for band in truth.split())
    return Image.merge("CMYK", (cyan, magenta, yellow, Image.new("L", truth.size, 0)))


def palette_pair() -> tuple[Image.Image, Image.Image]:
    """A palette image whose index 0 is transparent, and the RGBA picture it stands for."""
    colours = [(0, 0, 0), (200, 40, 40), (30, 120, 220), (250, 220, 60)]
    palette = Image.new("P", (SIDE, SIDE), 0)
    palette.putpalette([channel for colour in colours for channel in colour])
    truth = Image.new("RGBA", (SIDE, SIDE), (0, 0, 0, 0))
    for index, box in enumerate([(20, 20, 140, 140), (100, 60, 236, 200), (60, 150, 200, 240)]):
        ImageDraw.Draw(palette).rectangle(box, fill=index + 1)
        ImageDraw.Draw(truth).rectangle(box, fill=(*colours[index + 1], 255))
    palette.info["transparency"] = 0
    return palette, truth


def encoded(image: Image.Image, fmt: str, **options) -> bytes:
    out = BytesIO()
    image.save(out, format=fmt, **options)
    return out.getvalue()


def in_memory_cases() -> list:
    grey, colour = grey_truth(), colour_truth()
    cases = [
        ("I;16", sixteen_bit(grey, "I;16"), grey),
        ("I;16B", sixteen_bit(grey, "I;16B"), grey),
        ("I", sixteen_bit(grey, "I"), grey),
        ("F", grey.convert("F"), grey),
        ("LA", with_alpha(grey), with_alpha(grey)),
        ("La", with_alpha(grey).convert("La"), with_alpha(grey)),
        ("RGBa", with_alpha(colour).convert("RGBa"), with_alpha(colour)),
        ("CMYK", cmyk_of(colour), colour),
        ("P-transparent", *palette_pair()),
        ("1", grey.convert("1", dither=Image.Dither.NONE), grey.point(lambda v: 255 * (v >= 128))),
    ]
    return [pytest.param(image, truth, id=name) for name, image, truth in cases]


@pytest.mark.parametrize(("image", "truth"), in_memory_cases())
def test_every_pillow_mode_renders_the_same_picture(image, truth):
    assert mean_difference(encode_avatar(image), truth) < MAX_MEAN_DIFFERENCE


def uploaded_cases() -> list:
    grey, colour = grey_truth(), colour_truth()
    palette, palette_truth = palette_pair()
    cases = [
        ("png-16-bit-grey", encoded(sixteen_bit(grey, "I;16"), "PNG"), grey),
        ("png-grey-alpha", encoded(with_alpha(grey), "PNG"), with_alpha(grey)),
        ("png-palette-transparency", encoded(palette, "PNG", transparency=0), palette_truth),
        ("gif-palette-transparency", encoded(palette, "GIF", transparency=0), palette_truth),
        ("jpeg-cmyk", encoded(cmyk_of(colour), "JPEG", quality=95), colour),
    ]
    return [pytest.param(data, truth, id=name) for name, data, truth in cases]


@pytest.mark.parametrize(("data", "truth"), uploaded_cases())
def test_uploaded_avatar_keeps_the_picture(app, client, data, truth):
    make_site(app)
    make_user(app, "pic@example.org", "Pic")
    response = upload(client, data, make_token(app, "pic@example.org"))
    assert response.status_code == 200, response.get_json()
    served = client.get(response.get_json()["avatar_url"].removeprefix("http://localhost"))
    assert mean_difference(served.data, truth) < MAX_MEAN_DIFFERENCE
    served.close()
