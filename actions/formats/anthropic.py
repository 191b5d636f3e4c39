"""Anthropic computer-tool input, both directions, for every tool version.

``computer_20241022``, ``computer_20250124`` and ``computer_20251124`` share one input shape:
``action`` plus ``coordinate`` ``[x, y]``, ``start_coordinate`` (drag), ``text`` (typed text, an
xdotool key chord such as ``ctrl+shift+t``, or the modifiers held during a click or scroll),
``scroll_direction``/``scroll_amount`` (wheel clicks), ``duration`` (seconds) and ``region``
(``[x1, y1, x2, y2]``, zoom). Coordinates are pixels of the image the model saw (the tool's
``display_width_px`` x ``display_height_px``); a ``Frame`` maps them to the screen.

Clicks and scrolls may omit ``coordinate``: they then act where the pointer is, which the caller
passes as ``cursor`` (screen pixels, tracked from earlier actions). ``cursor_position`` only reads
state, so it yields no action; the adapter answers it.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ..base import (
    Action,
    Click,
    Drag,
    HoldKey,
    KeyPress,
    MouseDown,
    MouseUp,
    Move,
    Screenshot,
    Scroll,
    TypeText,
    Wait,
    Zoom,
)
from ..errors import ActionParseError, UnknownKey, UnsupportedAction
from ..frames import Frame
from ..keys import MODIFIERS, parse_chord, x_keysym_name
from ._common import WHEEL_PX, as_mapping, build, number, pair, to_model, to_screen

__all__ = ["from_anthropic", "to_anthropic"]

_CLICKS: dict[str, tuple[str, int]] = {
    "left_click": ("left", 1), "right_click": ("right", 1), "middle_click": ("middle", 1),
    "double_click": ("left", 2), "triple_click": ("left", 3),
}
_DIRECTIONS = {"up": (0, -1), "down": (0, 1), "left": (-1, 0), "right": (1, 0)}
_KNOWN = (*_CLICKS, "left_click_drag", "mouse_move", "left_mouse_down", "left_mouse_up", "scroll",
          "key", "type", "hold_key", "wait", "zoom", "screenshot", "cursor_position")
_XDOTOOL_MODIFIERS = {"ctrl": "ctrl", "shift": "shift", "alt": "alt", "meta": "super"}


def from_anthropic(tool_input: Any, frame: Frame | None = None, *,
                   cursor: tuple[int, int] | None = None) -> list[Action]:
    """Read one computer tool ``input``; a ``key`` with several chords yields several actions."""
    data = as_mapping(tool_input, "the computer tool input")
    action = data.get("action")
    if not isinstance(action, str):
        raise ActionParseError(f"the computer tool input needs an 'action', one of {', '.join(_KNOWN)}")
    if action in _CLICKS:
        button, count = _CLICKS[action]
        x, y = _where(data, frame, cursor, action)
        return [build({"type": "click", "x": x, "y": y, "button": button, "count": count,
                       "keys": _modifiers(data)})]
    match action:
        case "left_click_drag":
            if "start_coordinate" not in data and cursor is None:
                raise ActionParseError("left_click_drag needs 'start_coordinate' [x, y] and 'coordinate' [x, y]")
            start = (to_screen(frame, *pair(data["start_coordinate"], "start_coordinate"))
                     if "start_coordinate" in data else cursor)
            end = _where(data, frame, None, action)
            return [build({"type": "drag", "path": [dict(zip("xy", start)), dict(zip("xy", end))],
                           "keys": _modifiers(data)})]
        case "mouse_move":
            x, y = _where(data, frame, None, action)
            return [Move(x=x, y=y)]
        case "left_mouse_down" | "left_mouse_up":
            kind = "mouse_down" if action == "left_mouse_down" else "mouse_up"
            if "coordinate" in data:
                x, y = _where(data, frame, None, action)
                return [build({"type": kind, "x": x, "y": y})]
            return [build({"type": kind})]
        case "scroll":
            return [_scroll(data, frame, cursor)]
        case "key":
            return [KeyPress(keys=chord) for chord in _chords(data)]
        case "type":
            text = data.get("text")
            if not isinstance(text, str) or text == "":
                raise ActionParseError("type needs a non-empty 'text'")
            return [TypeText(text=text)]
        case "hold_key":
            chords = _chords(data)
            seconds = number(data.get("duration", 1), "duration")
            return [build({"type": "hold_key", "keys": [k for c in chords for k in c], "seconds": seconds})]
        case "wait":
            return [build({"type": "wait", "seconds": number(data.get("duration", 1), "duration")})]
        case "zoom":
            region = data.get("region")
            if not isinstance(region, (list, tuple)) or len(region) != 4:
                raise ActionParseError(f"zoom needs 'region' [x1, y1, x2, y2], got {region!r}")
            box = tuple(number(v, f"region[{i}]") for i, v in enumerate(region))
            left, top, right, bottom = (round(v) for v in box)
            screen = frame.region_to_screen((left, top, right, bottom)) if frame else (left, top, right, bottom)
            return [build({"type": "zoom", "region": screen})]
        case "screenshot":
            return [Screenshot()]
        case "cursor_position":
            return []
        case _:
            raise ActionParseError(f"unknown computer action {action!r}; expected one of {', '.join(_KNOWN)}")


def _where(data: Mapping[str, Any], frame: Frame | None, cursor: tuple[int, int] | None,
           action: str) -> tuple[int, int]:
    if "coordinate" in data and data["coordinate"] is not None:
        return to_screen(frame, *pair(data["coordinate"], "coordinate"))
    if cursor is not None:
        return cursor
    raise ActionParseError(f"{action} needs 'coordinate' [x, y]")


def _modifiers(data: Mapping[str, Any]) -> tuple[str, ...]:
    text = data.get("text")
    if text is None or text == "":
        return ()
    if not isinstance(text, str):
        raise ActionParseError(f"'text' (the keys held) must be a string such as 'shift', got {text!r}")
    keys = parse_chord(text)
    if not set(keys) <= MODIFIERS:
        raise ActionParseError(f"only modifier keys can be held during a click or scroll, got {text!r}")
    return keys


def _chords(data: Mapping[str, Any]) -> list[tuple[str, ...]]:
    text = data.get("text")
    if not isinstance(text, str) or not text.strip():
        raise ActionParseError(f"{data.get('action')} needs 'text' with keys such as 'ctrl+s' or 'Return'")
    try:
        return [parse_chord(chord) for chord in text.split()]
    except UnknownKey as exc:
        raise ActionParseError(f"{data.get('action')} text {text!r}: {exc}") from exc


def _scroll(data: Mapping[str, Any], frame: Frame | None, cursor: tuple[int, int] | None) -> Action:
    direction = data.get("scroll_direction")
    if direction not in _DIRECTIONS:
        raise ActionParseError(f"scroll needs 'scroll_direction', one of up, down, left, right; got {direction!r}")
    amount = data.get("scroll_amount", 3)
    if isinstance(amount, bool) or not isinstance(amount, int) or amount < 0:
        raise ActionParseError(f"scroll_amount={amount!r} must be a non-negative int (wheel clicks)")
    x, y = _where(data, frame, cursor, "scroll")
    ux, uy = _DIRECTIONS[direction]
    return build({"type": "scroll", "x": x, "y": y, "dx": ux * amount * WHEEL_PX,
                  "dy": uy * amount * WHEEL_PX, "keys": _modifiers(data)})


def _xdotool(keys: tuple[str, ...]) -> str:
    return "+".join(_XDOTOOL_MODIFIERS.get(k) or (k if len(k) == 1 else x_keysym_name(k)) for k in keys)


def to_anthropic(action: Action, frame: Frame | None = None) -> dict[str, Any]:
    """The computer tool ``input`` for an action (for replays and test servers).

    Raises ``UnsupportedAction`` for what the tool cannot express (side buttons, multi-point
    drags, diagonal scrolls, code mode...).
    """
    def point(x: int, y: int) -> list[int]:
        return list(to_model(frame, x, y))

    held = {"text": _xdotool(action.keys)} if getattr(action, "keys", None) and action.type != "keypress" else {}
    match action:
        case Click(button="left" | "right" | "middle"):
            name = {1: f"{action.button}_click", 2: "double_click", 3: "triple_click"}[action.count]
            if action.count > 1 and action.button != "left":
                raise UnsupportedAction(f"Anthropic multi-clicks are left-only, got {action.button}")
            return {"action": name, "coordinate": point(action.x, action.y), **held}
        case Drag(button="left") if len(action.path) == 2:
            start, end = action.path
            return {"action": "left_click_drag", "start_coordinate": point(start.x, start.y),
                    "coordinate": point(end.x, end.y), **held}
        case Move():
            return {"action": "mouse_move", "coordinate": point(action.x, action.y)}
        case MouseDown(button="left") | MouseUp(button="left"):
            name = "left_mouse_down" if action.type == "mouse_down" else "left_mouse_up"
            where = {"coordinate": point(action.x, action.y)} if action.x is not None and action.y is not None else {}
            return {"action": name, **where}
        case Scroll() if (action.dx == 0) != (action.dy == 0):
            distance = action.dx or action.dy
            axis = ("left", "right") if action.dx else ("up", "down")
            return {"action": "scroll", "coordinate": point(action.x, action.y),
                    "scroll_direction": axis[distance > 0],
                    "scroll_amount": max(1, round(abs(distance) / WHEEL_PX)), **held}
        case KeyPress():
            return {"action": "key", "text": _xdotool(action.keys)}
        case TypeText():
            return {"action": "type", "text": action.text}
        case HoldKey():
            return {"action": "hold_key", "text": _xdotool(action.keys), "duration": action.seconds}
        case Wait():
            return {"action": "wait", "duration": action.seconds}
        case Zoom():
            region = frame.region_to_model(action.region) if frame else action.region
            return {"action": "zoom", "region": list(region)}
        case Screenshot():
            return {"action": "screenshot"}
        case _:
            fields = action.model_dump(exclude={"type"})
            raise UnsupportedAction(f"{action.type} {fields} has no Anthropic computer-tool form")
