"""Opening the environment a run asks for: a browser, a desktop with an app, or (later) a sandbox.

This is where a CLI option like ``--env desktop --app "gnumeric"`` or ``--start-url`` becomes a
started environment, so that the loop, the CLI and ``run_task`` share one way of doing it.
"""

from __future__ import annotations

import asyncio
import contextlib
import shlex
import time
from collections import Counter
from collections.abc import AsyncIterator, Callable, Sequence
from typing import Any, Literal

from actions import UserError
from environments import Browser, Desktop, Remote, Sandbox, kiosk_shell_command

__all__ = ["EnvKind", "open_environment"]

EnvKind = Literal["browser", "desktop", "sandbox"]


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
    live: bool = False,
    announce: Callable[[str], None] = lambda message: None,
    allow_hosts: Sequence[str] = (),
    deny_hosts: Sequence[str] = (),
) -> AsyncIterator[Any]:
    """Start the environment, open the app or URL in it, wait until something is on screen.

    ``sandbox`` is a desktop in the screenloop container (or bubblewrap), driven from here as a
    ``Remote``. Without ``allow_hosts`` it has no network, so a ``start_url`` must be reachable
    inside it (``data:``, ``file://``, or a program started with ``app``); with them, it reaches
    those hosts (less ``deny_hosts``) and nothing else, through a proxy on this host. ``live``
    prints the address of its noVNC view. The other kinds guard requests with ``request_guard``.
    """
    if kind == "sandbox":
        async with _sandbox(width, height, start_url, app, live, announce, ready_timeout,
                            allow_hosts, deny_hosts) as remote:
            yield remote
        return
    if kind == "browser":
        if app:
            raise UserError("--app starts a desktop program; use it with --env desktop")
        async with Browser(width, height, headless=not headed, start_url=start_url,
                           request_guard=request_guard) as browser:
            yield browser
        return
    if live:
        raise UserError("--live shows a sandbox's screen; use it with --env sandbox")
    if kind != "desktop":
        raise UserError(f"--env must be desktop, browser or sandbox, got {kind!r}")
    async with Desktop(width, height) as desktop:
        if app:
            await desktop.launch(shlex.split(app))
        elif start_url:
            await desktop.launch_chromium(start_url)
        if app or start_url:
            await _wait_for_first_paint(desktop, ready_timeout)
        yield desktop


@contextlib.asynccontextmanager
async def _sandbox(width: int, height: int, start_url: str | None, app: str | None, live: bool,
                   announce: Callable[[str], None], timeout: float, allow_hosts: Sequence[str],
                   deny_hosts: Sequence[str]) -> AsyncIterator[Remote]:
    sandbox = Sandbox(width=width, height=height, live_view=live, allow_hosts=allow_hosts, deny_hosts=deny_hosts)
    remote = await sandbox.start()
    try:
        if live and sandbox.live_url:
            announce(f"watch the sandbox live: {sandbox.live_url}")
        if app:
            await remote.launch(shlex.split(app))
        elif start_url:
            await remote.launch(kiosk_shell_command(start_url, "/tmp/screenloop-chromium", (width, height),
                                                    proxy=sandbox.proxy_url))
        if app or start_url:
            await _wait_for_first_paint(remote, timeout)
        yield remote
    finally:
        await sandbox.close()
        if refused := Counter(f"{r.host}:{r.port}" for r in sandbox.requests if not r.allowed):
            announce("the sandbox's proxy refused: " + ", ".join(f"{host} ({n})" for host, n in refused.most_common()))


async def _wait_for_first_paint(desktop: Any, timeout: float) -> None:
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
