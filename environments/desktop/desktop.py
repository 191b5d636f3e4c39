"""A virtual X11 desktop: its own Xvfb and window manager, XTEST input, MIT-SHM capture.

``Desktop()`` starts an Xvfb on a free display number (Xvfb picks it through ``-displayfd``,
which is race-free between concurrent starts and clears stale lock files of dead servers), waits
until the display answers, starts a small window manager, and drives it in-process. With
``display=":1"`` it attaches to a display someone else runs and starts nothing.
"""

from __future__ import annotations

import asyncio
import contextlib
import fcntl
import os
import shutil
import tempfile
import time
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Literal

from PIL import Image

from actions import (
    Action,
    ActionError,
    Click,
    Done,
    Drag,
    Fail,
    HoldKey,
    KeyPress,
    MouseDown,
    MouseUp,
    Move,
    Navigate,
    RunScript,
    Screenshot,
    Scroll,
    TypeSecret,
    TypeText,
    UnsupportedAction,
    UserError,
    Wait,
    Zoom,
)

from ._clipboard import ClipboardOwner
from .._process import spawn, stop
from ..browser.chromium import kiosk_argv
from .._text import typable_runs
from ..base import BaseEnvironment, Observation
from ..errors import DisplayError
from ..settle import SettlePolicy
from .x11 import InputBackend, ShmCapture, X11Session, XTestInput

__all__ = ["Desktop"]

SCROLL_STEP_PX = 120
"""Pixels per wheel click: Chromium on X11 scrolls 120 px per click at 100% zoom
(measured in ``tests/environments/test_input.py``); ``Scroll(dy=...)`` is rounded to whole clicks."""

DESKTOP_SETTLE = SettlePolicy(interval=0.010, quiet=0.060, timeout=3.0, grace=0.150)
"""XTEST input is not acknowledged: an application may draw its answer after the quiet window, so
an unchanged screen is only accepted once 150 ms have passed (a browser, whose input Playwright
waits for, needs no grace)."""

DOUBLE_CLICK_GUARD_S = 0.5
"""Separate ``Click`` actions on the same spot must not merge into a double click (X toolkits count
clicks closer than about 400-500 ms as one multi-click), so a click within this time of the last
one, at the same place, first waits out the rest of it."""

REPEAT_GAP_S = 0.012
"""Gap between the clicks of one double or triple click: X toolkits ignore a repeat whose server
timestamp equals the previous click's, which happens when all events arrive in one millisecond."""

DRAG_STEP_PX = 12
"""Largest distance between two pointer motions during a drag, so widgets see a continuous move."""

class Desktop(BaseEnvironment):
    """An X11 desktop, virtual (own Xvfb) or attached (``display=``)."""

    def __init__(
        self,
        width: int = 1280,
        height: int = 800,
        display: str | None = None,
        *,
        window_manager: str | None = "openbox",
        input_backend: Literal["xtest", "pyautogui"] = "xtest",
        settle: SettlePolicy | None = None,
        scroll_step: int = SCROLL_STEP_PX,
        paste_keys: Sequence[str] = ("ctrl", "v"),
        start_timeout: float = 10.0,
        call_timeout: float = 5.0,
    ) -> None:
        super().__init__(width, height, settle or DESKTOP_SETTLE)
        if input_backend not in ("xtest", "pyautogui"):
            raise UserError(f"input_backend must be 'xtest' or 'pyautogui', got {input_backend!r}")
        self.display: str | None = display
        self.window_manager = window_manager
        self.input_backend = input_backend
        self.scroll_step = scroll_step
        self.paste_keys = tuple(paste_keys)
        self.start_timeout = start_timeout
        self.call_timeout = call_timeout
        self._owns_display = display is None
        self._xvfb: asyncio.subprocess.Process | None = None
        self._xvfb_log: tempfile._TemporaryFileWrapper[bytes] | None = None
        self._wm: asyncio.subprocess.Process | None = None
        self._launched: list[asyncio.subprocess.Process] = []
        self._temporary: list[Path] = []
        self._session: X11Session | None = None
        self._input: InputBackend | None = None
        self._capture: ShmCapture | None = None
        self._clipboard: ClipboardOwner | None = None
        self._last_click: tuple[float, int, int, str] | None = None

    # lifecycle ----------------------------------------------------------------------------
    async def _start(self) -> None:
        for attempt in range(3 if self._owns_display else 1):
            if self._owns_display:
                self.display = await self._start_xvfb()
            assert self.display is not None
            self._session = X11Session(self.display, timeout=self.call_timeout)
            try:
                self._capture = await self._session.call(ShmCapture, self.display)
                break
            except DisplayError as exc:
                # An X server in another mount namespace (a sandbox with its own /tmp) can hold the
                # same display number without our lock files seeing it; try another number.
                self._session.shutdown()
                if self._xvfb is not None:
                    await stop(self._xvfb)
                if attempt == 2 or not self._owns_display:
                    raise DisplayError(f"cannot open display {self.display}: {exc}") from exc
        assert self._session is not None and self._capture is not None
        if not self._owns_display:
            self.size = self._capture.size
        elif self._capture.size != self.size:
            raise DisplayError(f"Xvfb on {self.display} is {self._capture.size}, asked for {self.size}")
        self._input = await self._session.call(self._make_input)
        if self._owns_display and self.window_manager:
            await self._start_window_manager(self.window_manager)

    def _make_input(self) -> InputBackend:
        assert self.display is not None
        if self.input_backend == "pyautogui":
            from ._pyautogui_input import PyAutoGUIInput

            return PyAutoGUIInput(self.display)
        return XTestInput(self.display)

    async def _start_xvfb(self) -> str:
        if shutil.which("Xvfb") is None:
            raise DisplayError("Xvfb is not installed (Debian package 'xvfb'); run scripts/setup.sh")
        async with _xvfb_start_lock(self.start_timeout):
            return await self._spawn_xvfb()

    async def _spawn_xvfb(self) -> str:
        read_fd, write_fd = os.pipe()
        self._xvfb_log = tempfile.TemporaryFile(prefix="screenloop-xvfb-")
        width, height = self.size
        try:
            self._xvfb = await spawn(
                ["Xvfb", "-displayfd", str(write_fd), "-screen", "0", f"{width}x{height}x24",
                 "-nolisten", "tcp", "-noreset", "+extension", "XTEST"],
                pass_fds=[write_fd], stderr=self._xvfb_log,
            )
        finally:
            os.close(write_fd)
        try:
            # Xvfb writes the display number once it accepts connections; EOF means it exited.
            loop = asyncio.get_running_loop()
            data = await asyncio.wait_for(loop.run_in_executor(None, os.read, read_fd, 32), self.start_timeout)
        except TimeoutError as exc:
            raise DisplayError(f"Xvfb did not become ready within {self.start_timeout:g} s{self._xvfb_tail()}") from exc
        finally:
            os.close(read_fd)
        if not data.strip():
            await asyncio.sleep(0.05)
            raise DisplayError(f"Xvfb exited before it was ready{self._xvfb_tail()}")
        return f":{int(data.strip())}"

    def _xvfb_tail(self) -> str:
        if self._xvfb_log is None:
            return ""
        self._xvfb_log.seek(0)
        lines = [l for l in self._xvfb_log.read().decode(errors="replace").splitlines() if l.strip()]
        return (": " + " | ".join(lines[-3:])) if lines else ""

    async def _start_window_manager(self, program: str) -> None:
        if shutil.which(program) is None:
            raise DisplayError(
                f"window manager {program!r} is not installed; run scripts/setup.sh or pass window_manager=None"
            )
        argv = [program, "--sm-disable"] if program == "openbox" else [program]
        self._wm = await spawn(argv, env=self._child_env())
        deadline = asyncio.get_running_loop().time() + self.start_timeout
        while not await self._session_call(_has_window_manager, self.display):
            if self._wm.returncode is not None:
                raise DisplayError(f"window manager {program!r} exited with code {self._wm.returncode}")
            if asyncio.get_running_loop().time() > deadline:
                raise DisplayError(f"window manager {program!r} did not start within {self.start_timeout:g} s")
            await asyncio.sleep(0.02)

    async def _close(self) -> None:
        for process in reversed(self._launched):
            await stop(process)
        self._launched.clear()
        for folder in self._temporary:
            shutil.rmtree(folder, ignore_errors=True)
        if self._clipboard is not None:
            self._clipboard.close()
        if self._session is not None:
            for resource in (self._input, self._capture):
                if resource is not None:
                    try:
                        await self._session.call(resource.close)
                    except DisplayError:
                        pass
            self._session.shutdown()
        if self._wm is not None:
            await stop(self._wm)
        if self._xvfb is not None:
            await stop(self._xvfb)
        if self._xvfb_log is not None:
            self._xvfb_log.close()

    async def launch(self, argv: Sequence[str], env: Mapping[str, str] | None = None,
                     cwd: str | None = None) -> asyncio.subprocess.Process:
        """Start a program on this display; it is ended when the desktop closes."""
        self._require_open()
        if not argv:
            raise UserError("launch needs a command")
        if shutil.which(argv[0]) is None and not os.path.exists(argv[0]):
            raise UserError(f"cannot launch {argv[0]!r}: no such program")
        process = await spawn(list(argv), env=self._child_env(env), cwd=cwd)
        self._launched.append(process)
        return process

    async def launch_chromium(self, url: str, *, debugging_port: int | None = None,
                              executable: str | None = None) -> asyncio.subprocess.Process:
        """Open ``url`` in a full-screen Chromium with a fresh profile (removed on close)."""
        self._require_open()
        profile = Path(tempfile.mkdtemp(prefix="screenloop-chromium-"))
        self._temporary.append(profile)
        return await self.launch(kiosk_argv(url, profile, self.size, debugging_port=debugging_port,
                                            executable=executable))

    def _child_env(self, extra: Mapping[str, str] | None = None) -> dict[str, str]:
        env = {**os.environ, "DISPLAY": str(self.display)}
        env.pop("WAYLAND_DISPLAY", None)
        env.update(extra or {})
        return env

    # observe ------------------------------------------------------------------------------
    async def _observe(self) -> Observation:
        self._check_alive()
        assert self._capture is not None
        image, digest = await self._session_call(self._capture.image)
        return Observation(image=image, width=image.width, height=image.height, url=None,
                           timestamp=time.time(), digest=digest)

    async def _probe(self) -> str:
        self._check_alive()
        assert self._capture is not None
        return await self._session_call(self._capture.digest)

    # execute ------------------------------------------------------------------------------
    async def _perform(self, action: Action) -> tuple[str | None, Image.Image | None] | None:
        self._check_alive()
        match action:
            case Click():
                await self._session_call(self._click, action)
            case Move():
                await self._session_call(self._inputs, lambda i: i.move(action.x, action.y))
            case Drag():
                await self._session_call(self._drag, action)
            case Scroll():
                await self._session_call(self._scroll, action)
            case TypeText():
                await self._type(action.text)
            case KeyPress():
                await self._session_call(self._chord, action.keys)
            case MouseDown() | MouseUp():
                await self._session_call(self._mouse_button, action)
            case HoldKey():
                await self._hold(action)
            case Wait():
                await asyncio.sleep(action.seconds)
            case Zoom():
                return None, (await self._observe()).image.crop(action.region)
            case Screenshot() | Done() | Fail():
                pass
            case Navigate() | RunScript():
                raise UnsupportedAction(
                    f"{action.type} needs a browser environment; on a desktop, use the browser's "
                    "address bar with clicks and typing"
                )
            case TypeSecret():
                raise UnsupportedAction("type_secret is resolved by the agent, which types the value")
        return None

    # The helpers below run on the X thread: one call per action, so a modifier pressed in a
    # `try` is released in its `finally` even when the action fails half way.

    def _inputs(self, fn) -> None:  # type: ignore[no-untyped-def]
        assert self._input is not None
        fn(self._input)
        self._input.sync()

    def _click(self, action: Click) -> None:
        device = self._input
        assert device is not None
        if self._last_click is not None:
            at, x, y, button = self._last_click
            wait = DOUBLE_CLICK_GUARD_S - (time.monotonic() - at)
            if wait > 0 and button == action.button and abs(x - action.x) <= 8 and abs(y - action.y) <= 8:
                time.sleep(wait)
        with _held(device, action.keys):
            device.move(action.x, action.y)
            for index in range(action.count):
                if index:
                    device.sync()
                    time.sleep(REPEAT_GAP_S)
                device.button(action.button, True)
                device.button(action.button, False)
        self._last_click = (time.monotonic(), action.x, action.y, action.button)

    def _drag(self, action: Drag) -> None:
        device = self._input
        assert device is not None
        points = [(p.x, p.y) for p in action.path]
        with _held(device, action.keys):
            device.move(*points[0])
            device.button(action.button, True)
            try:
                for start, end in zip(points, points[1:]):
                    for x, y in _interpolate(start, end, DRAG_STEP_PX):
                        device.move(x, y)
                        device.sync()
            finally:
                device.button(action.button, False)

    def _scroll(self, action: Scroll) -> None:
        device = self._input
        assert device is not None
        with _held(device, action.keys):
            device.move(action.x, action.y)
            device.wheel(_clicks(action.dx, self.scroll_step), _clicks(action.dy, self.scroll_step))

    def _chord(self, keys: tuple[str, ...]) -> None:
        device = self._input
        assert device is not None
        with _held(device, keys):
            pass

    def _mouse_button(self, action: MouseDown | MouseUp) -> None:
        device = self._input
        assert device is not None
        if action.x is not None and action.y is not None:
            device.move(action.x, action.y)
        device.button(action.button, isinstance(action, MouseDown))
        device.sync()

    async def _hold(self, action: HoldKey) -> None:
        assert self._input is not None
        device = self._input
        pressed: list[str] = []

        def press() -> None:
            for key in action.keys:
                device.key(key, True)
                pressed.append(key)
            device.sync()

        def release() -> None:
            for key in reversed(pressed):
                device.key(key, False)
            device.sync()

        try:
            await self._session_call(press)
            await asyncio.sleep(action.seconds)
        finally:
            await self._session_call(release)

    async def _type(self, text: str) -> None:
        for chunk, ascii_only in typable_runs(text):
            if ascii_only:
                await self._session_call(self._inputs, lambda i, c=chunk: i.type_ascii(c))
            else:
                await self._paste(chunk)

    async def _paste(self, text: str) -> None:
        """Type non-ASCII text exactly: own the clipboard, press ctrl+v, wait until it was read."""
        if self._clipboard is None:
            self._clipboard = await self._session_call(ClipboardOwner, self.display)
        served = await self._session_call(self._clipboard.offer, text)
        await self._session_call(self._chord, self.paste_keys)
        if not await asyncio.to_thread(self._clipboard.wait_until_read, served, 2.0):
            raise ActionError(
                f"typed {text!r} by pasting, but no window read the clipboard within 2 s; "
                "click into a text field first"
            )

    # plumbing -----------------------------------------------------------------------------
    async def _session_call(self, fn, *args):  # type: ignore[no-untyped-def]
        assert self._session is not None
        try:
            return await self._session.call(fn, *args)
        except DisplayError:
            self._check_alive()
            raise

    def _check_alive(self) -> None:
        if self._xvfb is not None and self._xvfb.returncode is not None:
            reason = f"Xvfb on {self.display} exited (code {self._xvfb.returncode}){self._xvfb_tail()}"
            if self._session is not None:
                self._session.mark_dead(reason)
            raise DisplayError(reason)


@contextlib.asynccontextmanager
async def _xvfb_start_lock(timeout: float):  # type: ignore[no-untyped-def]
    """One Xvfb start at a time on this machine.

    Two servers started at once can both find the same display number free; the loser then exits
    after replacing the winner's socket file, leaving a display nobody can connect to. A file lock
    held from spawn until the server answers serializes the choice across processes.
    """
    path = os.path.join(tempfile.gettempdir(), ".screenloop-xvfb-start.lock")
    handle = open(path, "a+")  # noqa: SIM115 - closed in finally
    try:
        deadline = time.monotonic() + timeout
        while True:
            try:
                fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() > deadline:
                    raise DisplayError(f"another Xvfb start held {path} for more than {timeout:g} s") from None
                await asyncio.sleep(0.02)
        yield
    finally:
        handle.close()  # releases the lock


class _held:
    """Press keys in order, release them in reverse order, even if the body raises."""

    def __init__(self, device: InputBackend, keys: tuple[str, ...]) -> None:
        self.device = device
        self.keys = keys
        self.pressed: list[str] = []

    def __enter__(self) -> None:
        for key in self.keys:
            self.device.key(key, True)
            self.pressed.append(key)

    def __exit__(self, *exc: object) -> None:
        for key in reversed(self.pressed):
            self.device.key(key, False)
        self.device.sync()


def _has_window_manager(display_name: str) -> bool:
    from Xlib import display as xdisplay

    connection = xdisplay.Display(display_name)
    try:
        atom = connection.intern_atom("_NET_SUPPORTING_WM_CHECK")
        return connection.screen().root.get_full_property(atom, 0) is not None
    finally:
        connection.close()


def _interpolate(start: tuple[int, int], end: tuple[int, int], step: int) -> list[tuple[int, int]]:
    distance = max(abs(end[0] - start[0]), abs(end[1] - start[1]))
    count = max(1, -(-distance // step))
    return [
        (round(start[0] + (end[0] - start[0]) * i / count), round(start[1] + (end[1] - start[1]) * i / count))
        for i in range(1, count + 1)
    ]


def _clicks(pixels: int, step: int) -> int:
    if pixels == 0:
        return 0
    clicks = round(pixels / step)
    return clicks if clicks != 0 else (1 if pixels > 0 else -1)
