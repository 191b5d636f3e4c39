"""What every foreign-format parser shares: numbers checked, points mapped, actions built.

A model answers in its own space (the pixels of the image it saw, or a 0-1000 grid); the parser
maps each point through an optional ``Frame`` before an action is built, so every action that
leaves ``actions.formats`` is in screen pixels. Without a frame, coordinates are taken as screen
pixels already. Every failure is an ``ActionError`` whose message names what was wrong, in words
a model can act on.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

from ..base import Action, parse_action
from ..errors import ActionParseError
from ..frames import Frame

WHEEL_PX = 120
"""Pixels per mouse-wheel click. Formats that count wheel clicks (Anthropic's ``scroll_amount``,
pyautogui's ``scroll(clicks)``, UI-TARS's fixed 5 clicks) convert with this, and ``Desktop``
turns pixels back into clicks with the same default, so a model's clicks arrive as clicks."""


def build(data: dict[str, Any]) -> Action:
    """Build one action from IR fields; a bad field becomes ``ActionParseError`` naming it."""
    return parse_action(data)


def number(value: Any, name: str) -> float:
    """A finite int or float (``True`` is not a number here)."""
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
        raise ActionParseError(f"{name} must be a number, got {value!r}")
    return value


def pair(value: Any, name: str) -> tuple[float, float]:
    """An ``[x, y]`` pair of numbers."""
    if not isinstance(value, (list, tuple)) or len(value) != 2:
        raise ActionParseError(f"{name} must be a pair [x, y], got {value!r}")
    return number(value[0], f"{name}[0]"), number(value[1], f"{name}[1]")


def to_screen(frame: Frame | None, x: float, y: float) -> tuple[int, int]:
    """Map a model point to screen pixels; ``OffScreen`` outside the frame's image."""
    if frame is not None:
        return frame.to_screen(x, y)
    return math.floor(x), math.floor(y)


def to_model(frame: Frame | None, x: int, y: int) -> tuple[int, int]:
    """Map a screen point to the model's space (the reverse conversions use it)."""
    return frame.to_model(x, y) if frame is not None else (x, y)


def scale_delta(frame: Frame | None, dx: float, dy: float, *, to_screen: bool = True) -> tuple[int, int]:
    """Scale a distance (a scroll) between the model's image and the screen."""
    if frame is None:
        return round(dx), round(dy)
    sx, sy = frame.scale
    if not to_screen:
        sx, sy = 1 / sx, 1 / sy
    return round(dx * sx), round(dy * sy)


def as_mapping(value: Any, what: str) -> Mapping[str, Any]:
    """A dict, or an SDK model (pydantic) dumped to one."""
    if hasattr(value, "model_dump"):
        value = value.model_dump(exclude_none=True)
    if not isinstance(value, Mapping):
        raise ActionParseError(f"{what} must be an object, got {type(value).__name__}")
    return value


def keys_list(value: Any, name: str) -> list[str]:
    """A list of key names (``None`` is no keys)."""
    if value is None:
        return []
    if isinstance(value, str):
        return [value]
    if not isinstance(value, (list, tuple)) or not all(isinstance(k, str) for k in value):
        raise ActionParseError(f"{name} must be a list of key names, got {value!r}")
    return list(value)
