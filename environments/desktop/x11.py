"""Talking to an X server in-process: XTEST input, MIT-SHM capture, bounded calls.

Reference loops spawn ``xdotool`` for every click (about 105 ms each, a built-in pause) and
``scrot`` for every screenshot (about 65 ms). Here input goes through the XTEST extension on one
long-lived connection (python-xlib), and capture through MIT-SHM (mss): about a millisecond each.

X connections are not thread-safe and a dead or stopped X server can block a read forever, so all
X calls run on one dedicated thread and every call is awaited with a timeout: a hung server turns
into a ``DisplayError`` within seconds instead of a hang.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import zlib
from collections.abc import Callable
from typing import Any, Protocol, TypeVar

import mss
import mss.exception
from PIL import Image
from Xlib import X, XK, display, error as xerror
from Xlib.ext import xtest

from actions.keys import key_spec, normalize_key

from ..errors import DisplayError

__all__ = ["InputBackend", "ShmCapture", "X11Session", "XTestInput", "keysym_for"]

T = TypeVar("T")

BUTTONS = {"left": 1, "middle": 2, "right": 3, "back": 8, "forward": 9}
"""X button numbers; 4-7 are the wheel (up, down, left, right)."""


class InputBackend(Protocol):
    """Synchronous input primitives; called only from the X thread."""

    def move(self, x: int, y: int) -> None: ...
    def button(self, button: str, down: bool) -> None: ...
    def wheel(self, clicks_x: int, clicks_y: int) -> None: ...
    def key(self, name: str, down: bool) -> None: ...
    def type_ascii(self, text: str) -> None: ...
    def sync(self) -> None: ...
    def close(self) -> None: ...


def keysym_for(name: str) -> int:
    """The X keysym of a key name (canonical or any spelling ``actions.keys`` knows)."""
    canonical = normalize_key(name)
    if len(canonical) == 1:
        code = ord(canonical)
        # Latin-1 keysyms equal their code points; everything else is 0x01000000 + code point.
        return code if 0x20 <= code <= 0x7E or 0xA0 <= code <= 0xFF else 0x01000000 + code
    keysym = XK.string_to_keysym(key_spec(canonical).x_keysym)
    if keysym == X.NoSymbol:
        raise DisplayError(f"no X keysym for key {name!r}")
    return keysym


class XTestInput:
    """Input through the XTEST extension on one X connection."""

    def __init__(self, display_name: str) -> None:
        self._display = display.Display(display_name)
        if not self._display.has_extension("XTEST"):
            self._display.close()
            raise DisplayError(f"the X server on {display_name} has no XTEST extension")
        self._codes: dict[int, tuple[int, bool]] = {}
        self._shifted_down: set[int] = set()
        self._shift = self._display.keysym_to_keycode(XK.string_to_keysym("Shift_L"))

    def move(self, x: int, y: int) -> None:
        xtest.fake_input(self._display, X.MotionNotify, x=x, y=y)

    def button(self, button: str, down: bool) -> None:
        xtest.fake_input(self._display, X.ButtonPress if down else X.ButtonRelease, BUTTONS[button])

    def wheel(self, clicks_x: int, clicks_y: int) -> None:
        for count, negative, positive in ((clicks_y, 4, 5), (clicks_x, 6, 7)):
            number = positive if count > 0 else negative
            for _ in range(abs(count)):
                xtest.fake_input(self._display, X.ButtonPress, number)
                xtest.fake_input(self._display, X.ButtonRelease, number)

    def key(self, name: str, down: bool) -> None:
        keysym = keysym_for(name)
        code, shifted = self._keycode(keysym)
        if down:
            if shifted:
                xtest.fake_input(self._display, X.KeyPress, self._shift)
                self._shifted_down.add(code)
            xtest.fake_input(self._display, X.KeyPress, code)
        else:
            xtest.fake_input(self._display, X.KeyRelease, code)
            if code in self._shifted_down:
                self._shifted_down.discard(code)
                xtest.fake_input(self._display, X.KeyRelease, self._shift)

    def type_ascii(self, text: str) -> None:
        for char in text:
            name = {"\n": "enter", "\r": "enter", "\t": "tab"}.get(char, char)
            self.key(name, True)
            self.key(name, False)

    def sync(self) -> None:
        self._display.sync()

    def close(self) -> None:
        try:
            self._display.close()
        except Exception:  # the server may already be gone; nothing left to release
            pass

    def _keycode(self, keysym: int) -> tuple[int, bool]:
        """The keycode for a keysym and whether shift is needed; maps a spare keycode if absent."""
        if keysym in self._codes:
            return self._codes[keysym]
        found = sorted(self._display.keysym_to_keycodes(keysym), key=lambda pair: pair[1])
        found = [(code, index) for code, index in found if index in (0, 1)]
        if found:
            code, index = found[0]
            result = (code, index == 1)
        else:
            result = (self._map_spare_keycode(keysym), False)
        self._codes[keysym] = result
        return result

    def _map_spare_keycode(self, keysym: int) -> int:
        first = self._display.display.info.min_keycode
        count = self._display.display.info.max_keycode - first + 1
        mapping = self._display.get_keyboard_mapping(first, count)
        taken = {code for code, _ in self._codes.values()}
        for offset in range(count - 1, -1, -1):
            code = first + offset
            if code not in taken and all(sym == X.NoSymbol for sym in mapping[offset]):
                self._display.change_keyboard_mapping(code, [(keysym, keysym)])
                self._display.sync()
                return code
        raise DisplayError(f"no free keycode to map keysym 0x{keysym:x}")


class ShmCapture:
    """Screen capture through MIT-SHM (mss falls back to XGetImage where SHM is unavailable)."""

    def __init__(self, display_name: str) -> None:
        self._mss = mss.MSS(display=display_name)
        monitors = self._mss.monitors
        self.monitor = monitors[1] if len(monitors) > 1 else monitors[0]
        self.size = (self.monitor["width"], self.monitor["height"])

    def grab(self) -> tuple[bytearray, tuple[int, int]]:
        try:
            shot = self._mss.grab(self.monitor)
        except Exception as exc:  # mss reports a lost connection as XError, ScreenShotError or a bare assert
            raise DisplayError(f"screen capture failed: {exc or type(exc).__name__}") from exc
        return shot.raw, shot.size

    def image(self) -> tuple[Image.Image, str]:
        raw, size = self.grab()
        # frombuffer decodes BGRX straight from mss's buffer: no extra 4 MB copy per frame.
        return Image.frombuffer("RGB", size, raw, "raw", "BGRX", 0, 1), _digest(raw)

    def digest(self) -> str:
        return _digest(self.grab()[0])

    def close(self) -> None:
        try:
            self._mss.close()
        except Exception:
            pass


def _digest(raw: bytes | bytearray) -> str:
    # crc32 of the whole frame: about 1 ms at 1280x800, and any changed pixel changes it.
    return f"{zlib.crc32(raw):08x}"


class X11Session:
    """One thread that owns the X connections; every call is bounded by ``timeout`` seconds."""

    def __init__(self, display_name: str, *, timeout: float = 5.0) -> None:
        self.display_name = display_name
        self.timeout = timeout
        self._executor = concurrent.futures.ThreadPoolExecutor(1, thread_name_prefix=f"x11{display_name}")
        self._dead: str | None = None

    async def call(self, fn: Callable[..., T], *args: Any) -> T:
        """Run ``fn(*args)`` on the X thread; X errors and timeouts become ``DisplayError``."""
        if self._dead:
            raise DisplayError(self._dead)
        loop = asyncio.get_running_loop()
        future = loop.run_in_executor(self._executor, fn, *args)
        try:
            return await asyncio.wait_for(future, self.timeout)
        except DisplayError as exc:
            self._dead = f"lost the X server on {self.display_name}: {exc}"
            raise DisplayError(self._dead) from exc
        except TimeoutError as exc:
            self._dead = f"the X server on {self.display_name} did not answer within {self.timeout:g} s"
            raise DisplayError(self._dead) from exc
        except (xerror.ConnectionClosedError, xerror.DisplayError, mss.exception.ScreenShotError,
                ConnectionError, OSError) as exc:
            self._dead = f"lost the X server on {self.display_name}: {exc}"
            raise DisplayError(self._dead) from exc
        except xerror.XError as exc:
            raise DisplayError(f"the X server on {self.display_name} refused a request: {exc}") from exc

    def mark_dead(self, reason: str) -> None:
        self._dead = reason

    def shutdown(self) -> None:
        self._executor.shutdown(wait=False, cancel_futures=True)
