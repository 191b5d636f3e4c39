"""Coordinates in one place: a screen of W x H pixels shown to a model as an image of w x h.

Models see a resized screenshot and answer in that image's pixels. Mixing the two spaces is the
most common reason computer-use clicks miss, so every conversion happens here, and the bound
check runs in the space the point arrived in (a model point is checked against the image it saw,
a screen point against the screen).

Rounding: a pixel is a unit square, and a point names the square it falls in. ``to_screen`` maps
the *centre* of model pixel ``x`` to screen space and takes the screen pixel that contains it:
``X = floor((x + 0.5) * W / w)``, clamped to ``0..W-1``; ``to_model`` is the same formula the
other way. The identity frame therefore maps every point to itself, and a round trip
screen -> model -> screen moves a point by less than one model pixel. Fractional inputs (some
models answer ``412.7``) are accepted and follow the same formula.

Regions ``(left, top, right, bottom)`` are half-open pixel boxes: ``right``/``bottom`` are
exclusive. Converting a region floors its start edge and ceils its end edge, so the converted
box always covers the original.
"""

from __future__ import annotations

import math

from pydantic import BaseModel, ConfigDict, Field, model_validator

from .errors import ActionError, OffScreen

__all__ = ["Frame"]

Point = tuple[int, int]
Region = tuple[int, int, int, int]


class Frame(BaseModel):
    """A screen of ``screen`` pixels, shown to a model as an image of ``image`` pixels."""

    model_config = ConfigDict(frozen=True)

    screen: tuple[int, int] = Field(description="Screen size (W, H) in screen pixels.")
    image: tuple[int, int] = Field(description="Size (w, h) of the image the model sees, in image pixels.")

    @model_validator(mode="after")
    def _positive(self) -> Frame:
        for label, (w, h) in (("screen", self.screen), ("image", self.image)):
            if w <= 0 or h <= 0:
                raise ValueError(f"{label} size must be positive, got {w}x{h}")
        return self

    @classmethod
    def identity(cls, width: int, height: int) -> Frame:
        """A frame where the model sees the screen at its own size."""
        return cls(screen=(width, height), image=(width, height))

    @classmethod
    def fit(cls, width: int, height: int, *, max_long_edge: int | None = None,
            max_pixels: int | None = None) -> Frame:
        """The largest image no bigger than the screen that fits the given limits, aspect kept."""
        scale = 1.0
        if max_long_edge is not None:
            scale = min(scale, max_long_edge / max(width, height))
        if max_pixels is not None:
            scale = min(scale, math.sqrt(max_pixels / (width * height)))
        w = max(1, math.floor(width * scale))
        h = max(1, math.floor(height * scale))
        return cls(screen=(width, height), image=(w, h))

    @property
    def is_identity(self) -> bool:
        return self.screen == self.image

    @property
    def scale(self) -> tuple[float, float]:
        """Screen pixels per image pixel, on each axis."""
        return self.screen[0] / self.image[0], self.screen[1] / self.image[1]

    def to_screen(self, x: float, y: float) -> Point:
        """Map a point in image pixels to screen pixels; raises ``OffScreen`` outside the image."""
        self._check(x, y, self.image, "image the model sees")
        return (_map(x, self.image[0], self.screen[0]), _map(y, self.image[1], self.screen[1]))

    def to_model(self, x: float, y: float) -> Point:
        """Map a point in screen pixels to image pixels; raises ``OffScreen`` outside the screen."""
        self._check(x, y, self.screen, "screen")
        return (_map(x, self.screen[0], self.image[0]), _map(y, self.screen[1], self.image[1]))

    def region_to_screen(self, region: Region) -> Region:
        """Map a half-open box in image pixels to the screen box that covers it."""
        return _map_region(region, self.image, self.screen, "image the model sees")

    def region_to_model(self, region: Region) -> Region:
        """Map a half-open box in screen pixels to the image box that covers it."""
        return _map_region(region, self.screen, self.image, "screen")

    @staticmethod
    def _check(x: float, y: float, size: tuple[int, int], space: str) -> None:
        if not (0 <= x < size[0] and 0 <= y < size[1]) or math.isnan(x) or math.isnan(y):
            raise OffScreen(x, y, size[0], size[1], space)


def _map(value: float, source: int, target: int) -> int:
    return min(target - 1, max(0, math.floor((value + 0.5) * target / source)))


def _map_region(region: Region, source: tuple[int, int], target: tuple[int, int], space: str) -> Region:
    left, top, right, bottom = region
    if not (0 <= left < source[0] and 0 <= top < source[1]):
        raise OffScreen(left, top, source[0], source[1], space)
    if not (0 < right <= source[0] and 0 < bottom <= source[1]):
        raise OffScreen(right - 1, bottom - 1, source[0], source[1], space)
    if not (left < right and top < bottom):
        raise ActionError(
            f"region {tuple(region)} is empty: right must be greater than left and bottom than top"
        )
    sx, sy = target[0] / source[0], target[1] / source[1]
    return (
        math.floor(left * sx),
        math.floor(top * sy),
        min(target[0], math.ceil(right * sx)),
        min(target[1], math.ceil(bottom * sy)),
    )
