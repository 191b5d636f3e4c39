"""Child processes that never outlive us: own process group, parent-death signal, bounded stop.

Every program an environment starts (Xvfb, the window manager, launched apps) gets its own
session, so a Ctrl-C in the terminal reaches only screenloop, which then shuts children down in
order; and a parent-death signal, so a screenloop killed with SIGKILL leaves no Xvfb behind.
"""

from __future__ import annotations

import asyncio
import contextlib
import ctypes
import os
import signal
from collections.abc import Mapping, Sequence
from typing import IO, Any

__all__ = ["spawn", "stop"]

_PR_SET_PDEATHSIG = 1


def _die_with_parent() -> None:
    try:
        ctypes.CDLL(None, use_errno=True).prctl(_PR_SET_PDEATHSIG, signal.SIGTERM)
    except Exception:  # not Linux: nothing to set
        pass


async def spawn(
    argv: Sequence[str],
    *,
    env: Mapping[str, str] | None = None,
    stdout: int | IO[Any] | None = asyncio.subprocess.DEVNULL,
    stderr: int | IO[Any] | None = asyncio.subprocess.DEVNULL,
    pass_fds: Sequence[int] = (),
    cwd: str | None = None,
) -> asyncio.subprocess.Process:
    """Start a program in its own session; it receives SIGTERM if we die."""
    return await asyncio.create_subprocess_exec(
        *argv,
        env=dict(env) if env is not None else None,
        stdin=asyncio.subprocess.DEVNULL,
        stdout=stdout,
        stderr=stderr,
        pass_fds=tuple(pass_fds),
        cwd=cwd,
        start_new_session=True,
        preexec_fn=_die_with_parent,
    )


async def stop(process: asyncio.subprocess.Process, *, grace: float = 3.0) -> int | None:
    """SIGTERM the process group, wait at most ``grace`` seconds, then SIGKILL it."""
    if process.returncode is None:
        _signal_group(process.pid, signal.SIGTERM)
        try:
            await asyncio.wait_for(process.wait(), grace)
        except TimeoutError:
            _signal_group(process.pid, signal.SIGKILL)
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(process.wait(), grace)
    # Children of the leader (Chromium's helpers) may still be around after the leader exits.
    _signal_group(process.pid, signal.SIGKILL)
    return process.returncode


def _signal_group(pgid: int, sig: int) -> None:
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(pgid, sig)
