"""Observations built from drawn images, so model tests need no X server or browser."""

from __future__ import annotations

import hashlib
import time

from PIL import Image, ImageDraw

from environments import Observation

__all__ = ["image_size", "observation"]


def observation(width: int = 1280, height: int = 800, *, step: int = 0, url: str | None = None) -> Observation:
    """A screen with some text and boxes on it; ``step`` changes what is drawn."""
    image = Image.new("RGB", (width, height), (245, 245, 245))
    draw = ImageDraw.Draw(image)
    for row in range(0, height, 40):
        draw.text((20, row + 10), f"row {row // 40} of step {step}: invoice 10{row:04d}", fill=(20, 20, 20))
        draw.rectangle((width - 200, row + 8, width - 40, row + 32), outline=(0, 90, 200))
    digest = hashlib.blake2b(image.tobytes(), digest_size=8).hexdigest()
    return Observation(image=image, width=width, height=height, url=url, timestamp=time.time(), digest=digest)


def image_size(data_url_or_base64: str) -> tuple[int, int]:
    """The pixel size of an image sent as a data URL or as bare base64."""
    import base64
    import io

    data = data_url_or_base64.split(",", 1)[1] if data_url_or_base64.startswith("data:") else data_url_or_base64
    return Image.open(io.BytesIO(base64.b64decode(data))).size
