"""Opening the environment a run asks for: a browser, a desktop with an app, or (later) a sandbox.

This is where a CLI option like ``--env desktop --app "gnumeric"`` or ``--start-url`` becomes a
started environment, so that the loop, the CLI and ``run_task`` share one way of doing it.
"""

from __future__ import annotations

import asyncio
import contextlib
import shlex
import time
from collections.abc import AsyncIterator, Callable
from typing import Literal

from actions import UserError
from environments import BaseEnvironment, Browser, Desktop

__all__ = ["EnvKind", "open_environment"]

EnvKind = Literal["browser", "desktop"]


@contextlib.asynccontextmanager
async def open_environment(
    kind: str,
    *,
    width: int = 1280,
    height: int = 800,
    start_url: str | None = None,
    app: str | None = None,
    headed: bool = False,
    request_guard: Callable[[str], str | None] | None = None,
    ready_timeout: float = 30.0,
) -> AsyncIterator[BaseEnvironment]:
    """Start the environment, open the app or URL in it, wait until something is on screen."""
    if kind == "browser":
        if app:
            raise UserError("--app starts a desktop program; use it with --env desktop")
        async with Browser(width, height, headless=not headed, start_url=start_url,
                           request_guard=request_guard) as browser:
            yield browser
        return
    if kind != "desktop":
        raise UserError(f"--env must be desktop or browser, got {kind!r}")
    async with Desktop(width, height) as desktop:
        if app:
            await desktop.launch(shlex.split(app))
        elif start_url:
            await desktop.launch_chromium(start_url)
        if app or start_url:
            await _wait_for_first_paint(desktop, ready_timeout)
        yield desktop


async def _wait_for_first_paint(desktop: Desktop, timeout: float) -> None:
    """Wait until the program has drawn something and the screen has settled (bounded)."""
    blank = (await desktop.observe()).digest
    deadline = time.monotonic() + timeout
    while (await desktop.observe()).digest == blank:
        if time.monotonic() > deadline:
            raise UserError(f"nothing appeared on the desktop within {timeout:g} s; did the program start?")
        await asyncio.sleep(0.1)
    # Then let it finish drawing: stable for half a second.
    last, stable_since = None, time.monotonic()
    while time.monotonic() - stable_since < 0.5 and time.monotonic() < deadline:
        digest = (await desktop.observe()).digest
        if digest != last:
            last, stable_since = digest, time.monotonic()
        await asyncio.sleep(0.05)
