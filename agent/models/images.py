"""Screenshots sized to a provider's limits and encoded, once, before they are sent.

Providers downscale an image that exceeds their limits *after* it arrives, and the model then
answers in coordinates of an image we never saw, so clicks drift. Sizing here, before sending,
keeps the model's image and our ``Frame`` the same thing: the frame maps the model's answer back
to screen pixels exactly.
"""

from __future__ import annotations

import base64
import io
import math
from dataclasses import dataclass
from typing import Literal

from PIL import Image

from actions import Frame

__all__ = ["EncodedImage", "ImageFormat", "ImageLimits", "encode_image", "smart_resize"]

ImageFormat = Literal["png", "jpeg"]
"""PNG is exact (small text stays crisp); JPEG is 3-5x smaller on photos and busy pages."""


@dataclass(frozen=True)
class ImageLimits:
    """The largest image a provider takes without downscaling it itself."""

    max_long_edge: int | None = None
    """Longest side, in pixels."""
    max_pixels: int | None = None
    """Width times height."""

    def frame(self, width: int, height: int) -> Frame:
        """The frame for a screen of ``width`` x ``height``: the largest image within the limits."""
        return Frame.fit(width, height, max_long_edge=self.max_long_edge, max_pixels=self.max_pixels)


@dataclass(frozen=True)
class EncodedImage:
    """One encoded image, as it goes on the wire."""

    data: bytes
    media_type: str
    size: tuple[int, int]
    """Width and height in image pixels."""

    @property
    def base64(self) -> str:
        return base64.b64encode(self.data).decode("ascii")

    @property
    def data_url(self) -> str:
        return f"data:{self.media_type};base64,{self.base64}"


def encode_image(image: Image.Image, size: tuple[int, int], image_format: ImageFormat = "png",
                 *, jpeg_quality: int = 80) -> EncodedImage:
    """Resize (Lanczos) to ``size`` when needed and encode as PNG or JPEG."""
    if image.size != size:
        image = image.resize(size, Image.Resampling.LANCZOS)
    if image.mode not in ("RGB", "L"):
        image = image.convert("RGB")
    buffer = io.BytesIO()
    if image_format == "png":
        image.save(buffer, "PNG", compress_level=6)
        media_type = "image/png"
    elif image_format == "jpeg":
        image.save(buffer, "JPEG", quality=jpeg_quality)
        media_type = "image/jpeg"
    else:
        raise ValueError(f"image_format must be 'png' or 'jpeg', got {image_format!r}")
    return EncodedImage(buffer.getvalue(), media_type, size)


def smart_resize(width: int, height: int, *, factor: int = 28, min_pixels: int = 100 * 28 * 28,
                 max_pixels: int = 16384 * 28 * 28) -> Frame:
    """Qwen2.5-VL's resize (UI-TARS-1.5): both sides multiples of ``factor``, pixels within limits.

    The server's image processor does this to whatever it receives, and the model answers in the
    resized image's pixels; doing it here makes that size ours, so the frame is exact.
    """
    w = max(factor, round(width / factor) * factor)
    h = max(factor, round(height / factor) * factor)
    if w * h > max_pixels:
        beta = math.sqrt(width * height / max_pixels)
        w = math.floor(width / beta / factor) * factor
        h = math.floor(height / beta / factor) * factor
    elif w * h < min_pixels:
        beta = math.sqrt(min_pixels / (width * height))
        w = math.ceil(width * beta / factor) * factor
        h = math.ceil(height * beta / factor) * factor
    return Frame(screen=(width, height), image=(w, h))
