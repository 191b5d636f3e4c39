"""Images sized to provider limits before sending, and encoded as PNG or JPEG."""

from __future__ import annotations

import io

import pytest
from PIL import Image

from agent.models import ImageLimits
from agent.models.images import encode_image, smart_resize


@pytest.mark.parametrize(("limits", "screen", "sent"), [
    (ImageLimits(max_long_edge=1568, max_pixels=1_150_000), (1280, 800), (1280, 800)),
    (ImageLimits(max_long_edge=1568, max_pixels=1_150_000), (1920, 1080), (1429, 804)),
    (ImageLimits(max_long_edge=1568, max_pixels=1_150_000), (3840, 2160), (1429, 804)),
    (ImageLimits(max_long_edge=2576, max_pixels=3_750_000), (3840, 2160), (2576, 1449)),
    (ImageLimits(max_long_edge=2576, max_pixels=3_750_000), (2560, 1600), (2449, 1530)),
    (ImageLimits(max_long_edge=1024, max_pixels=1024 * 768), (1280, 800), (1024, 640)),
    (ImageLimits(max_long_edge=6000, max_pixels=10_240_000), (2560, 1600), (2560, 1600)),
])
def test_frames_fit_the_limits_and_never_upscale(limits: ImageLimits, screen: tuple, sent: tuple) -> None:
    frame = limits.frame(*screen)
    w, h = frame.image
    assert frame.image == sent
    assert frame.screen == screen
    assert w <= screen[0] and h <= screen[1]
    assert max(w, h) <= (limits.max_long_edge or 10**9) and w * h <= (limits.max_pixels or 10**12)
    assert abs(w / h - screen[0] / screen[1]) < 0.01


@pytest.mark.parametrize(("screen", "sent"), [((1280, 800), (1288, 812)), ((1920, 1080), (1932, 1092)),
                                              ((200, 100), (420, 224))])
def test_smart_resize_gives_multiples_of_28(screen: tuple, sent: tuple) -> None:
    frame = smart_resize(*screen)
    assert frame.image == sent
    assert frame.image[0] % 28 == 0 and frame.image[1] % 28 == 0


def test_encoding_resizes_and_sets_the_media_type() -> None:
    image = Image.new("RGB", (1280, 800), (200, 10, 10))
    png = encode_image(image, (640, 400), "png")
    jpeg = encode_image(image, (640, 400), "jpeg")
    assert (png.media_type, jpeg.media_type) == ("image/png", "image/jpeg")
    assert Image.open(io.BytesIO(png.data)).size == (640, 400) == Image.open(io.BytesIO(jpeg.data)).size
    assert Image.open(io.BytesIO(jpeg.data)).format == "JPEG"
    assert png.data_url.startswith("data:image/png;base64,")
    with pytest.raises(ValueError, match="png' or 'jpeg"):
        encode_image(image, (640, 400), "gif")  # type: ignore[arg-type]
