"""UI-TARS replies (``Thought: ... Action: ...``) read into actions.

The grammar, as UI-TARS prompts define it::

    click(start_box='(x,y)')           left_double(start_box=...)    right_single(start_box=...)
    drag(start_box='(x1,y1)', end_box='(x2,y2)')                       hotkey(key='ctrl c')
    type(content='text')  # a trailing "\\n" submits               scroll(start_box=..., direction='down')
    wait()  # 5 s                      finished(content='...')       call_user()

Points come as ``(x,y)``, as a box ``(x1,y1,x2,y2)`` (its centre is used), wrapped in
``<|box_start|>...<|box_end|>``, or in the ``<point>x y</point>`` variant with ``point=``/
``start_point=``/``end_point=`` keywords. They are in the model's own space: pixels of the resized
image for UI-TARS-1.5 (Qwen2.5-VL), a 0-1000 grid for UI-TARS 1.0; the caller picks by passing the
matching ``Frame`` (``image=(1000, 1000)`` for the grid). Calls are read with ``ast``; nothing is
evaluated.
"""

from __future__ import annotations

import ast
import re

from ..base import Action, Done, Fail, Move, TypeText, Wait
from ..errors import ActionParseError
from ..frames import Frame
from ._common import WHEEL_PX, build, to_screen

__all__ = ["from_uitars", "uitars_thought"]

SCROLL_CLICKS = 5
"""Wheel clicks per UI-TARS scroll, as OSWorld's UI-TARS runner converts it."""
WAIT_SECONDS = 5.0
"""UI-TARS's prompt defines ``wait()`` as "sleep for 5s"."""

_CLICKS = {"click": ("left", 1), "left_single": ("left", 1), "left_double": ("left", 2),
           "double_click": ("left", 2), "right_single": ("right", 1), "right_click": ("right", 1),
           "middle_single": ("middle", 1)}
_MOBILE = {"long_press", "press_home", "press_back", "open_app", "swipe"}
_DIRECTIONS = {"up": (0, -1), "down": (0, 1), "left": (-1, 0), "right": (1, 0)}
_TEXT_CALL = re.compile(r"^(type|finished|call_user)\(\s*(?:content\s*=\s*)?(['\"])(.*)\2\s*\)$", re.DOTALL)
_THOUGHT = re.compile(r"(?:Thought|Action_Summary|Reflection):\s*(.*?)(?=\s*Action:|$)", re.DOTALL)


def uitars_thought(text: str) -> str | None:
    """The ``Thought:`` (or ``Action_Summary:``) part of a reply, if any."""
    match = _THOUGHT.search(text)
    if match is None:
        return None
    return match.group(1).strip() or None


def from_uitars(text: str, frame: Frame | None = None) -> list[Action]:
    """Read the ``Action:`` part of a UI-TARS reply; several actions may be separated by blank lines."""
    if not isinstance(text, str) or not text.strip():
        raise ActionParseError("empty reply: answer with 'Thought: ...' and 'Action: ...'")
    body = _normalize(text.split("Action:")[-1] if "Action:" in text else text)
    calls = [c.strip() for c in re.split(r"\)\s*\n\s*\n", body) if c.strip()]
    if not calls:
        raise ActionParseError("no action after 'Action:'; write for example Action: click(start_box='(100,200)')")
    calls = [c if c.endswith(")") else c + ")" for c in calls]
    return [_action(call, frame) for call in calls]


def _normalize(text: str) -> str:
    text = text.strip().replace("<|box_start|>", "").replace("<|box_end|>", "").replace("[EOS]", "")
    text = re.sub(r"<point>\s*([-\d.]+)[\s,]+([-\d.]+)\s*</point>", r"(\1,\2)", text)
    text = re.sub(r"<bbox>\s*([-\d.]+)[\s,]+([-\d.]+)[\s,]+([-\d.]+)[\s,]+([-\d.]+)\s*</bbox>",
                  r"(\1,\2,\3,\4)", text)
    text = re.sub(r"\bstart_point\s*=", "start_box=", text)
    text = re.sub(r"\bend_point\s*=", "end_box=", text)
    return re.sub(r"(?<![\w])point\s*=", "start_box=", text).strip()


def _action(call: str, frame: Frame | None) -> Action:
    text_call = _TEXT_CALL.match(call)
    if text_call:
        name, content = text_call.group(1), _unescape(text_call.group(3))
        if name == "type":
            if content == "":
                raise ActionParseError("type(content='') is empty; put the text to type in content")
            return TypeText(text=content)
        if name == "finished":
            return Done(summary=content)
        return Fail(reason=content or "the model asked for the user's help (call_user)")
    name, args = _read_call(call)
    if name in _CLICKS:
        button, count = _CLICKS[name]
        x, y = _point(args, "start_box", frame, name)
        return build({"type": "click", "x": x, "y": y, "button": button, "count": count})
    match name:
        case "hover" | "move" | "mouse_move":
            x, y = _point(args, "start_box", frame, name)
            return Move(x=x, y=y)
        case "drag" | "select":
            start = _point(args, "start_box", frame, name)
            end = _point(args, "end_box", frame, name)
            return build({"type": "drag", "path": [dict(zip("xy", start)), dict(zip("xy", end))]})
        case "hotkey" | "press":
            keys = args.get("key", args.get("hotkey", args.get("start_box")))
            if not isinstance(keys, str) or not keys.strip():
                raise ActionParseError(f"{name} needs key='...', e.g. hotkey(key='ctrl c')")
            parts = keys.split() if " " in keys.strip() else keys.split("+") if len(keys) > 1 else [keys]
            return build({"type": "keypress", "keys": [p for p in parts if p]})
        case "scroll":
            return _scroll(args, frame)
        case "wait":
            return Wait(seconds=WAIT_SECONDS)
        case "finished":
            return Done(summary=str(args.get("content", "")))
        case "call_user":
            return Fail(reason="the model asked for the user's help (call_user)")
        case _ if name in _MOBILE:
            raise ActionParseError(f"{name} is a phone action; this is a desktop, use click/type/hotkey/scroll")
        case _:
            raise ActionParseError(
                f"unknown action {name!r}; use click, left_double, right_single, drag, hotkey, type, "
                "scroll, wait, finished or call_user"
            )


def _read_call(call: str) -> tuple[str, dict[str, object]]:
    try:
        node = ast.parse(call.replace("\n", "\\n"), mode="eval").body
    except SyntaxError:
        raise ActionParseError(f"cannot read {call!r}: write one call such as click(start_box='(100,200)')") from None
    if not isinstance(node, ast.Call) or not isinstance(node.func, ast.Name):
        raise ActionParseError(f"cannot read {call!r}: expected a call such as click(start_box='(100,200)')")
    args: dict[str, object] = {}
    for position, arg in enumerate(node.args):
        if position > 0 or not isinstance(arg, ast.Constant):
            raise ActionParseError(f"{node.func.id}: use keyword arguments such as start_box='(x,y)'")
        args["start_box"] = arg.value
    for keyword in node.keywords:
        if keyword.arg is None or not isinstance(keyword.value, ast.Constant):
            raise ActionParseError(f"{node.func.id}: argument values must be quoted strings")
        args[keyword.arg] = keyword.value.value
    return node.func.id, args


def _point(args: dict[str, object], key: str, frame: Frame | None, name: str) -> tuple[int, int]:
    value = args.get(key)
    if not isinstance(value, str):
        raise ActionParseError(f"{name} needs {key}='(x,y)'")
    numbers = re.findall(r"-?\d+(?:\.\d+)?", value)
    if len(numbers) not in (2, 4):
        raise ActionParseError(f"{name} {key}={value!r}: expected a point (x,y) or a box (x1,y1,x2,y2)")
    values = [float(n) for n in numbers]
    if len(values) == 4:
        values = [(values[0] + values[2]) / 2, (values[1] + values[3]) / 2]
    return to_screen(frame, values[0], values[1])


def _scroll(args: dict[str, object], frame: Frame | None) -> Action:
    direction = str(args.get("direction", "")).strip().lower()
    if direction not in _DIRECTIONS:
        raise ActionParseError(f"scroll needs direction='up', 'down', 'left' or 'right', got {direction!r}")
    if "start_box" in args:
        x, y = _point(args, "start_box", frame, "scroll")
    elif frame is not None:
        x, y = frame.screen[0] // 2, frame.screen[1] // 2
    else:
        raise ActionParseError("scroll needs start_box='(x,y)'")
    ux, uy = _DIRECTIONS[direction]
    distance = SCROLL_CLICKS * WHEEL_PX
    return build({"type": "scroll", "x": x, "y": y, "dx": ux * distance, "dy": uy * distance})


def _unescape(text: str) -> str:
    """Undo the escapes UI-TARS is told to use in content: \\n, \\', \\" and \\\\."""
    return re.sub(r"\\(.)", lambda m: {"n": "\n", "t": "\t"}.get(m.group(1), m.group(1)), text)
