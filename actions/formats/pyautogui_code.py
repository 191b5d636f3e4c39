"""OSWorld-style pyautogui code read into actions, with ``ast``; nothing is ever evaluated.

Open models trained on OSWorld answer with a Python block of ``pyautogui`` calls, or with one of
the words ``WAIT``, ``DONE`` or ``FAIL``. Running that code would hand the model a Python
interpreter, so it is only read: each line must be one ``pyautogui.<function>(...)`` call (or
``time.sleep``) whose arguments are literals. Imports other than ``pyautogui`` and ``time``,
assignments, loops, other calls and attribute access outside ``pyautogui.*`` are rejected with a
message naming the line and what was found.

Read: ``click``, ``doubleClick``, ``tripleClick``, ``rightClick``, ``middleClick``, ``moveTo``,
``moveRel``, ``dragTo``, ``dragRel``, ``mouseDown``, ``mouseUp``, ``scroll``/``vscroll``/``hscroll``
(wheel clicks, positive is up/right), ``write``/``typewrite``, ``press``, ``hotkey``,
``keyDown``/``keyUp`` (keys held around a click become the click's ``keys``) and ``sleep``.
Coordinates are pixels of the screenshot the model saw, mapped through a ``Frame``.
"""

from __future__ import annotations

import ast
import re
from dataclasses import dataclass, field
from typing import Any

from ..base import Action, Done, Fail, Wait
from ..errors import ActionError, ActionParseError
from ..frames import Frame
from ._common import WHEEL_PX, build, number, scale_delta, to_screen

__all__ = ["from_pyautogui"]

WAIT_SECONDS = 2.0
"""What the bare word ``WAIT`` waits: OSWorld's environment pauses 2 s for it."""

_IGNORED = {"interval", "duration", "tween", "logScreenshot", "_pause", "mouseDownUp"}
_SIGNATURES: dict[str, tuple[str, ...]] = {
    "click": ("x", "y", "clicks", "interval", "button", "duration", "tween"),
    "doubleClick": ("x", "y", "interval", "button", "duration", "tween"),
    "tripleClick": ("x", "y", "interval", "button", "duration", "tween"),
    "rightClick": ("x", "y", "interval", "duration", "tween"),
    "middleClick": ("x", "y", "interval", "duration", "tween"),
    "moveTo": ("x", "y", "duration", "tween"),
    "moveRel": ("xOffset", "yOffset", "duration", "tween"),
    "dragTo": ("x", "y", "duration", "tween", "button", "mouseDownUp"),
    "dragRel": ("xOffset", "yOffset", "duration", "tween", "button", "mouseDownUp"),
    "mouseDown": ("x", "y", "button", "duration"),
    "mouseUp": ("x", "y", "button", "duration"),
    "scroll": ("clicks", "x", "y"),
    "vscroll": ("clicks", "x", "y"),
    "hscroll": ("clicks", "x", "y"),
    "write": ("message", "interval"),
    "typewrite": ("message", "interval"),
    "press": ("keys", "presses", "interval"),
    "keyDown": ("key",),
    "keyUp": ("key",),
    "sleep": ("seconds",),
}
_ALIASES = {"move": "moveRel", "drag": "dragRel"}
_BUTTONS = {"left": "left", "right": "right", "middle": "middle", "primary": "left", "secondary": "right"}
_FENCE = re.compile(r"```(?:python|py)?\s*\n?(.*?)```", re.DOTALL)


def from_pyautogui(code: str, frame: Frame | None = None, *,
                   cursor: tuple[int, int] | None = None) -> list[Action]:
    """Read pyautogui code (bare, or in a ```python fence) or ``WAIT``/``DONE``/``FAIL``.

    ``cursor`` is the pointer position in screen pixels, for calls that omit coordinates.
    """
    if not isinstance(code, str):
        raise ActionParseError(f"expected pyautogui code as text, got {type(code).__name__}")
    blocks = _FENCE.findall(code)
    source = "\n".join(blocks) if blocks else code
    word = source.strip()
    if word in ("DONE", "FAIL", "WAIT"):
        return [{"DONE": Done(), "FAIL": Fail(reason="the model answered FAIL"),
                 "WAIT": Wait(seconds=WAIT_SECONDS)}[word]]
    if not word:
        raise ActionParseError("no code: answer with pyautogui calls in a ```python block, or WAIT, DONE or FAIL")
    try:
        tree = ast.parse(source)
    except SyntaxError as exc:
        raise ActionParseError(f"line {exc.lineno}: not valid Python ({exc.msg})") from None
    except (ValueError, RecursionError, MemoryError) as exc:
        raise ActionParseError(f"cannot read the code: {exc}") from None
    reader = _Reader(frame=frame, cursor=cursor)
    for statement in tree.body:
        try:
            reader.statement(statement)
        except ActionError as exc:
            exc.args = (f"line {statement.lineno}: {exc}",)
            raise
    reader.finish()
    return reader.actions


@dataclass
class _Reader:
    frame: Frame | None
    cursor: tuple[int, int] | None
    modules: dict[str, str] = field(default_factory=lambda: {"pyautogui": "pyautogui", "time": "time"})
    actions: list[Action] = field(default_factory=list)
    held: list[str] = field(default_factory=list)
    used: set[str] = field(default_factory=set)

    def statement(self, node: ast.stmt) -> None:
        match node:
            case ast.Import():
                for alias in node.names:
                    if alias.name not in ("pyautogui", "time"):
                        raise ActionParseError(
                            f"import {alias.name} is not allowed; only pyautogui and time calls are read")
                    self.modules[alias.asname or alias.name] = alias.name
            case ast.ImportFrom():
                raise ActionParseError(f"from {node.module} import ... is not allowed; call pyautogui.<function>(...)")
            case ast.Expr(value=ast.Constant(value=str())) | ast.Pass():
                pass  # a docstring or comment string, as some agents write before the code
            case ast.Expr(value=ast.Call() as call):
                self.call(call)
            case _:
                snippet = ast.unparse(node).splitlines()[0][:60]
                raise ActionParseError(
                    f"{type(node).__name__.lower()} `{snippet}` is not allowed; write one pyautogui call per line"
                )

    def call(self, call: ast.Call) -> None:
        func = call.func
        if isinstance(func, ast.Name):
            raise ActionParseError(f"{func.id}() is not allowed; only pyautogui.<function>(...) and time.sleep(...)")
        if not (isinstance(func, ast.Attribute) and isinstance(func.value, ast.Name)
                and func.value.id in self.modules):
            raise ActionParseError(f"`{ast.unparse(func)}` is not allowed; only pyautogui.<function>(...) calls")
        module, name = self.modules[func.value.id], _ALIASES.get(func.attr, func.attr)
        if module == "time" and name != "sleep":
            raise ActionParseError(f"time.{func.attr} is not allowed; only time.sleep(seconds)")
        if name != "hotkey" and name not in _SIGNATURES:
            raise ActionParseError(
                f"pyautogui.{func.attr} is not allowed; use one of {', '.join(sorted({*_SIGNATURES, 'hotkey'}))}"
            )
        args = [_literal(arg, f"argument {i + 1} of {func.attr}") for i, arg in enumerate(call.args)]
        kwargs: dict[str, Any] = {}
        for keyword in call.keywords:
            if keyword.arg is None:
                raise ActionParseError(f"**kwargs in {func.attr} are not allowed")
            kwargs[keyword.arg] = _literal(keyword.value, f"{keyword.arg}= of {func.attr}")
        if name == "hotkey":
            self.hotkey(args, kwargs)
            return
        getattr(self, "do_" + name)(**_bind(name, args, kwargs))

    # mouse ----------------------------------------------------------------------------------
    def point(self, x: Any, y: Any, name: str) -> tuple[int, int]:
        if isinstance(x, (list, tuple)) and len(x) == 2 and y is None:
            x, y = x
        if x is None and y is None:
            if self.cursor is None:
                raise ActionParseError(f"{name} without x, y needs a known pointer position; give x and y")
            return self.cursor
        if x is None or y is None:
            raise ActionParseError(f"{name} needs both x and y")
        self.cursor = to_screen(self.frame, number(x, "x"), number(y, "y"))
        return self.cursor

    def clicks(self, x: Any, y: Any, count: Any, button: Any, name: str) -> None:
        if button not in _BUTTONS:
            raise ActionParseError(f"{name}: unknown button {button!r}; use 'left', 'right' or 'middle'")
        if isinstance(count, bool) or not isinstance(count, int) or not 1 <= count <= 3:
            raise ActionParseError(f"{name}: clicks={count!r} must be 1, 2 or 3")
        px, py = self.point(x, y, name)
        self.emit({"type": "click", "x": px, "y": py, "button": _BUTTONS[button], "count": count,
                   "keys": self.take_held()})

    def do_click(self, x: Any = None, y: Any = None, clicks: Any = 1, button: Any = "left") -> None:
        self.clicks(x, y, clicks, button, "click")

    def do_doubleClick(self, x: Any = None, y: Any = None, button: Any = "left") -> None:  # noqa: N802 - pyautogui's names
        self.clicks(x, y, 2, button, "doubleClick")

    def do_tripleClick(self, x: Any = None, y: Any = None, button: Any = "left") -> None:  # noqa: N802
        self.clicks(x, y, 3, button, "tripleClick")

    def do_rightClick(self, x: Any = None, y: Any = None) -> None:  # noqa: N802
        self.clicks(x, y, 1, "right", "rightClick")

    def do_middleClick(self, x: Any = None, y: Any = None) -> None:  # noqa: N802
        self.clicks(x, y, 1, "middle", "middleClick")

    def do_moveTo(self, x: Any = None, y: Any = None) -> None:  # noqa: N802
        px, py = self.point(x, y, "moveTo")
        self.emit({"type": "move", "x": px, "y": py})

    def relative(self, dx: Any, dy: Any, name: str) -> tuple[int, int]:
        if self.cursor is None:
            raise ActionParseError(f"{name} needs a known pointer position; use moveTo/dragTo with x and y")
        sx, sy = scale_delta(self.frame, number(dx or 0, "xOffset"), number(dy or 0, "yOffset"))
        return self.cursor[0] + sx, self.cursor[1] + sy

    def do_moveRel(self, xOffset: Any = 0, yOffset: Any = 0) -> None:  # noqa: N802,N803
        self.cursor = self.relative(xOffset, yOffset, "moveRel")
        self.emit({"type": "move", "x": self.cursor[0], "y": self.cursor[1]})

    def drag_to(self, end: tuple[int, int], start: tuple[int, int] | None, button: Any, name: str) -> None:
        if start is None:
            raise ActionParseError(f"{name} starts where the pointer is; moveTo the start point first")
        if button not in _BUTTONS:
            raise ActionParseError(f"{name}: unknown button {button!r}")
        self.cursor = end
        self.emit({"type": "drag", "path": [dict(zip("xy", start)), dict(zip("xy", end))],
                   "button": _BUTTONS[button], "keys": self.take_held()})

    def do_dragTo(self, x: Any = None, y: Any = None, button: Any = "left") -> None:  # noqa: N802
        start = self.cursor
        self.drag_to(self.point(x, y, "dragTo"), start, button, "dragTo")

    def do_dragRel(self, xOffset: Any = 0, yOffset: Any = 0, button: Any = "left") -> None:  # noqa: N802,N803
        self.drag_to(self.relative(xOffset, yOffset, "dragRel"), self.cursor, button, "dragRel")

    def mouse(self, kind: str, x: Any, y: Any, button: Any) -> None:
        if button not in _BUTTONS:
            raise ActionParseError(f"{kind}: unknown button {button!r}")
        where = {}
        if x is not None or y is not None:
            where = dict(zip("xy", self.point(x, y, kind)))
        self.emit({"type": kind, "button": _BUTTONS[button], **where})

    def do_mouseDown(self, x: Any = None, y: Any = None, button: Any = "left") -> None:  # noqa: N802
        self.mouse("mouse_down", x, y, button)

    def do_mouseUp(self, x: Any = None, y: Any = None, button: Any = "left") -> None:  # noqa: N802
        self.mouse("mouse_up", x, y, button)

    def wheel(self, clicks: Any, x: Any, y: Any, horizontal: bool) -> None:
        amount = number(clicks, "clicks")
        px, py = self.point(x, y, "scroll")
        dx, dy = (round(amount * WHEEL_PX), 0) if horizontal else (0, -round(amount * WHEEL_PX))
        self.emit({"type": "scroll", "x": px, "y": py, "dx": dx, "dy": dy, "keys": self.take_held()})

    def do_scroll(self, clicks: Any = None, x: Any = None, y: Any = None) -> None:
        self.wheel(clicks, x, y, horizontal=False)

    def do_vscroll(self, clicks: Any = None, x: Any = None, y: Any = None) -> None:
        self.wheel(clicks, x, y, horizontal=False)

    def do_hscroll(self, clicks: Any = None, x: Any = None, y: Any = None) -> None:
        self.wheel(clicks, x, y, horizontal=True)

    # keyboard -------------------------------------------------------------------------------
    def do_write(self, message: Any = None) -> None:
        if self.held:
            raise ActionParseError(f"write while {self.held} are held down; keyUp them first")
        if isinstance(message, (list, tuple)):
            for key in message:
                self.emit({"type": "keypress", "keys": [key]})
        elif isinstance(message, str) and message:
            self.emit({"type": "type", "text": message})
        else:
            raise ActionParseError(f"write needs a non-empty string, got {message!r}")

    do_typewrite = do_write

    def do_press(self, keys: Any = None, presses: Any = 1) -> None:
        names = [keys] if isinstance(keys, str) else keys
        if not isinstance(names, (list, tuple)) or not names:
            raise ActionParseError(f"press needs a key name or a list of them, got {keys!r}")
        if isinstance(presses, bool) or not isinstance(presses, int) or not 1 <= presses <= 50:
            raise ActionParseError(f"press: presses={presses!r} must be an int from 1 to 50")
        for _ in range(presses):
            for key in names:
                self.emit({"type": "keypress", "keys": [*self.take_held(), key]})

    def hotkey(self, args: list[Any], kwargs: dict[str, Any]) -> None:
        unknown = set(kwargs) - _IGNORED
        if unknown:
            raise ActionParseError(f"hotkey got unexpected {', '.join(sorted(unknown))}=")
        keys = [k for arg in args for k in (arg if isinstance(arg, (list, tuple)) else [arg])]
        if not keys or not all(isinstance(k, str) for k in keys):
            raise ActionParseError(f"hotkey needs key names, e.g. hotkey('ctrl', 'c'), got {args!r}")
        self.emit({"type": "keypress", "keys": [*self.take_held(), *keys]})

    def do_keyDown(self, key: Any = None) -> None:  # noqa: N802
        if not isinstance(key, str):
            raise ActionParseError(f"keyDown needs a key name, got {key!r}")
        self.held.append(key)

    def do_keyUp(self, key: Any = None) -> None:  # noqa: N802
        if key not in self.held:
            raise ActionParseError(f"keyUp({key!r}) without a matching keyDown")
        if key not in self.used:
            self.emit({"type": "keypress", "keys": self.take_held()})  # down and up alone: a press
        self.held.remove(key)
        self.used.discard(key)

    def do_sleep(self, seconds: Any = None) -> None:
        self.emit({"type": "wait", "seconds": number(seconds, "seconds")})

    # bookkeeping ----------------------------------------------------------------------------
    def take_held(self) -> list[str]:
        self.used.update(self.held)
        return list(self.held)

    def emit(self, data: dict[str, Any]) -> None:
        self.actions.append(build(data))

    def finish(self) -> None:
        if self.held:
            key = self.held[0]
            raise ActionParseError(f"at the end: keyDown({key!r}) is never released; add pyautogui.keyUp({key!r})")
        if not self.actions:
            raise ActionParseError("the code contains no action; call pyautogui functions, or answer WAIT, DONE or FAIL")


def _literal(node: ast.expr, what: str) -> Any:
    try:
        return ast.literal_eval(node)
    except (ValueError, TypeError, SyntaxError, MemoryError, RecursionError):
        found = ast.unparse(node)[:40]
        raise ActionParseError(f"{what} must be a literal (number, string or list), got `{found}`") from None


def _bind(name: str, args: list[Any], kwargs: dict[str, Any]) -> dict[str, Any]:
    params = _SIGNATURES[name]
    if len(args) > len(params):
        raise ActionParseError(f"{name} takes at most {len(params)} arguments ({', '.join(params)}), got {len(args)}")
    bound = dict(zip(params, args))
    for key, value in kwargs.items():
        if key not in params and key not in _IGNORED:
            raise ActionParseError(f"{name} got an unexpected argument {key}=; it takes {', '.join(params)}")
        if key in bound:
            raise ActionParseError(f"{name} got {key} twice")
        bound[key] = value
    return {k: v for k, v in bound.items() if k not in _IGNORED}
