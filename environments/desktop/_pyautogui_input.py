"""Input through pyautogui, for real host desktops where the XTEST extension is not available.

Selected explicitly with ``Desktop(display=..., input_backend="pyautogui")``. pyautogui reads
``DISPLAY`` when it is imported, so this backend binds the process to one display: use it to drive
the one real screen of a host, not several virtual ones. Its built-in pause between calls and its
fail-safe corner are turned off, because the runtime settles by watching the screen instead.
"""

from __future__ import annotations

import os

from actions.keys import key_spec

from .x11 import BUTTONS

__all__ = ["PyAutoGUIInput"]

_PYAUTOGUI_NAMES = {
    "ctrl": "ctrl", "shift": "shift", "alt": "alt", "meta": "win", "enter": "enter", "tab": "tab",
    "escape": "esc", "backspace": "backspace", "delete": "delete", "insert": "insert", "home": "home",
    "end": "end", "pageup": "pageup", "pagedown": "pagedown", "up": "up", "down": "down",
    "left": "left", "right": "right", "space": "space", "capslock": "capslock", "numlock": "numlock",
    "scrolllock": "scrolllock", "printscreen": "printscreen", "pause": "pause", "menu": "apps",
}


class PyAutoGUIInput:
    """The ``InputBackend`` primitives, done by pyautogui."""

    def __init__(self, display_name: str) -> None:
        os.environ["DISPLAY"] = display_name
        import pyautogui

        pyautogui.PAUSE = 0
        pyautogui.FAILSAFE = False
        self._gui = pyautogui

    def move(self, x: int, y: int) -> None:
        self._gui.moveTo(x, y, _pause=False)

    def button(self, button: str, down: bool) -> None:
        name = {"left": "left", "middle": "middle", "right": "right"}.get(button)
        if name is None:
            # pyautogui has no side buttons; its X11 platform module takes raw button numbers.
            from pyautogui import _pyautogui_x11 as x11

            x, y = self._gui.position()
            (x11._mouseDown if down else x11._mouseUp)(x, y, BUTTONS[button])
            return
        (self._gui.mouseDown if down else self._gui.mouseUp)(button=name, _pause=False)

    def wheel(self, clicks_x: int, clicks_y: int) -> None:
        if clicks_y:
            self._gui.scroll(-clicks_y, _pause=False)  # pyautogui: positive scrolls up
        if clicks_x:
            self._gui.hscroll(clicks_x, _pause=False)

    def key(self, name: str, down: bool) -> None:
        spec = key_spec(name)
        key = _PYAUTOGUI_NAMES.get(spec.name, spec.name.lower() if spec.name.startswith("f") and len(spec.name) > 1 else spec.name)
        (self._gui.keyDown if down else self._gui.keyUp)(key, _pause=False)

    def type_ascii(self, text: str) -> None:
        self._gui.write(text, _pause=False)

    def sync(self) -> None:
        pass

    def close(self) -> None:
        pass
