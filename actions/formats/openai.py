"""OpenAI computer-tool actions, both directions.

The GA ``computer`` tool (gpt-5.4 and later) sends a batch in ``computer_call.actions``; the older
``computer_use_preview`` sends one ``computer_call.action``. Both use the same action shapes:
``click`` (``button`` left/right/wheel/back/forward, ``keys`` held), ``double_click``, ``drag``
(``path`` of ``{x, y}``), ``keypress`` (``keys`` pressed together), ``move``, ``scroll``
(``scroll_x``/``scroll_y`` in pixels, positive is right/down), ``type``, ``wait`` and
``screenshot``. Coordinates are pixels of the image the model saw; a ``Frame`` maps them to the
screen, and scroll distances scale with it.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ..base import Action, Click, Drag, KeyPress, Move, Screenshot, Scroll, TypeText, Wait
from ..errors import ActionError, ActionParseError, UnsupportedAction
from ..frames import Frame
from ._common import as_mapping, build, keys_list, number, scale_delta, to_model, to_screen

__all__ = ["from_openai", "to_openai"]

_BUTTONS = {"left": "left", "right": "right", "wheel": "middle", "middle": "middle",
            "back": "back", "forward": "forward"}
_KNOWN = ("click", "double_click", "drag", "keypress", "move", "scroll", "type", "wait", "screenshot")


def from_openai(action_or_actions: Any, frame: Frame | None = None) -> list[Action]:
    """Read one OpenAI computer action, a batched ``actions`` list, or a whole ``computer_call``.

    Raises ``ActionParseError`` (or ``OffScreen``/``UnknownKey``) naming the action by its
    position in the batch, so the model knows which one to fix.
    """
    items = _items(action_or_actions)
    result: list[Action] = []
    for index, item in enumerate(items, start=1):
        try:
            result.append(_one(as_mapping(item, "an action"), frame))
        except ActionError as exc:
            if len(items) > 1:
                kind = item.get("type", "?") if isinstance(item, Mapping) else getattr(item, "type", "?")
                exc.args = (f"action {index} of {len(items)} ({kind}): {exc}",)
            raise
    return result


def _items(value: Any) -> list[Any]:
    if isinstance(value, (list, tuple)):
        return list(value)
    data = as_mapping(value, "a computer action")
    if data.get("type") == "computer_call":
        batch = data.get("actions")
        if batch is not None:
            return list(batch)
        if data.get("action") is not None:
            return [data["action"]]
        raise ActionParseError("computer_call has neither 'actions' nor 'action'")
    return [data]


def _point(data: Mapping[str, Any], frame: Frame | None) -> tuple[int, int]:
    for field in ("x", "y"):
        if field not in data:
            raise ActionParseError(f"{data.get('type')} needs '{field}'")
    return to_screen(frame, number(data["x"], "x"), number(data["y"], "y"))


def _one(data: Mapping[str, Any], frame: Frame | None) -> Action:
    kind = data.get("type")
    keys = keys_list(data.get("keys"), "keys")
    match kind:
        case "click" | "double_click":
            button = data.get("button", "left")
            if button not in _BUTTONS:
                raise ActionParseError(f"unknown button {button!r}; use one of {', '.join(list(_BUTTONS)[:5])}")
            x, y = _point(data, frame)
            count = 2 if kind == "double_click" else 1
            return build({"type": "click", "x": x, "y": y, "button": _BUTTONS[button], "count": count, "keys": keys})
        case "drag":
            path = data.get("path")
            if not isinstance(path, (list, tuple)) or len(path) < 2:
                raise ActionParseError(f"drag needs a 'path' of at least 2 points {{x, y}}, got {path!r}")
            points = [_point({"type": "drag", **as_mapping(p, "a path point")}, frame) for p in path]
            return build({"type": "drag", "path": [{"x": x, "y": y} for x, y in points], "keys": keys})
        case "keypress":
            if not keys:
                raise ActionParseError("keypress needs 'keys', e.g. [\"ctrl\", \"c\"]")
            return build({"type": "keypress", "keys": keys})
        case "move":
            if keys:
                raise ActionParseError("move cannot hold keys; use keypress or click with keys")
            x, y = _point(data, frame)
            return build({"type": "move", "x": x, "y": y})
        case "scroll":
            x, y = _point(data, frame)
            dx, dy = scale_delta(frame, number(data.get("scroll_x", 0), "scroll_x"),
                                 number(data.get("scroll_y", 0), "scroll_y"))
            return build({"type": "scroll", "x": x, "y": y, "dx": dx, "dy": dy, "keys": keys})
        case "type":
            text = data.get("text")
            if not isinstance(text, str) or text == "":
                raise ActionParseError(f"type needs a non-empty 'text', got {text!r}")
            return build({"type": "type", "text": text})
        case "wait":
            milliseconds = data.get("ms", data.get("duration", 1000))
            return build({"type": "wait", "seconds": number(milliseconds, "ms") / 1000})
        case "screenshot":
            return Screenshot()
        case _:
            raise ActionParseError(f"unknown computer action type {kind!r}; expected one of {', '.join(_KNOWN)}")


def to_openai(action: Action, frame: Frame | None = None) -> dict[str, Any]:
    """The OpenAI shape of an action (for replays and test servers); model space via ``frame``.

    Raises ``UnsupportedAction`` for actions the OpenAI tool cannot express (a triple click, a
    zoom, a held key, code mode...).
    """
    keys = list(getattr(action, "keys", ()) or ())
    match action:
        case Click(count=1 | 2):
            x, y = to_model(frame, action.x, action.y)
            button = "wheel" if action.button == "middle" else action.button
            if action.count == 2:
                if action.button != "left":
                    raise UnsupportedAction(f"OpenAI double_click is left-only, got {action.button}")
                return {"type": "double_click", "x": x, "y": y, "keys": keys or None}
            return {"type": "click", "button": button, "x": x, "y": y, "keys": keys or None}
        case Drag(button="left"):
            path = [dict(zip(("x", "y"), to_model(frame, p.x, p.y))) for p in action.path]
            return {"type": "drag", "path": path, "keys": keys or None}
        case KeyPress():
            return {"type": "keypress", "keys": list(action.keys)}
        case Move():
            x, y = to_model(frame, action.x, action.y)
            return {"type": "move", "x": x, "y": y}
        case Scroll():
            x, y = to_model(frame, action.x, action.y)
            sx, sy = scale_delta(frame, action.dx, action.dy, to_screen=False)
            return {"type": "scroll", "x": x, "y": y, "scroll_x": sx, "scroll_y": sy, "keys": keys or None}
        case TypeText():
            return {"type": "type", "text": action.text}
        case Wait():
            return {"type": "wait"}
        case Screenshot():
            return {"type": "screenshot"}
        case _:
            raise UnsupportedAction(f"{action.type} has no OpenAI computer-tool form")
