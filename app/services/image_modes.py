"""Faithful conversion of any decoded Pillow image to 8-bit RGBA, whatever its mode.

Pillow's own ``convert("RGBA")`` clips deep samples instead of scaling them: a 16-bit greyscale
PNG (mode ``I;16``, values up to 65535) comes out all white. Here deep integer samples are
scaled to 8 bits, premultiplied alpha is un-premultiplied, and palette transparency is kept.

Conventions (Pillow's, stated once):
- ``I;16*`` and ``I`` hold 16-bit samples (0..65535): that is what Pillow decodes a 16-bit
  greyscale PNG to, the only deep greyscale the accepted formats can carry. Values outside the
  range are clipped.
- ``F`` (float) is on the 8-bit scale (0.0..255.0), as ``convert("F")`` makes of an 8-bit image.
"""

from __future__ import annotations

from PIL import Image

SIXTEEN_BIT_TO_EIGHT = 255 / 65535
# Modes whose alpha is premultiplied: Pillow converts them to straight alpha on the way.
STRAIGHT_ALPHA = {"La": "LA", "RGBa": "RGBA"}


def to_rgba(image: Image.Image) -> Image.Image:
    """``image`` as straight-alpha 8-bit RGBA, its picture unchanged."""
    mode = image.mode
    if mode.startswith("I;16") or mode == "I":
        # Scale in 32-bit integers, then clip to 0..255 on the way to 8-bit greyscale.
        image = image.convert("I").point(lambda value: value * SIXTEEN_BIT_TO_EIGHT).convert("L")
    elif mode in STRAIGHT_ALPHA:
        image = image.convert(STRAIGHT_ALPHA[mode])
    # Palette transparency (one index or a tRNS table) becomes alpha in this one step.
    return image.convert("RGBA")
