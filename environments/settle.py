"""Settle, not sleep: after an action, wait until the screen stops changing, with a bound.

Reference loops sleep a fixed 1-2 s after every action. That is too long when nothing moves (most
actions) and too short when a page is slow. Instead we poll a cheap digest of the screen and stop
as soon as it has been unchanged for a short quiet window, or when the timeout is reached: the
runtime adds milliseconds per step when the UI is quick, and still waits for a slow one.

The clock and the sleep are injectable, so tests can drive the logic without real time, and every
wait here has a bound (``timeout``).
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

__all__ = ["SettlePolicy", "Settled", "wait_until_stable"]


@dataclass(frozen=True, slots=True)
class SettlePolicy:
    """How to decide that the screen has settled."""

    interval: float = 0.010
    """Seconds between two digests."""
    quiet: float = 0.060
    """Seconds the digest must stay the same to count as settled."""
    timeout: float = 3.0
    """Upper bound in seconds; past it we go on and report ``stable=False``."""
    grace: float = 0.0
    """Seconds to keep waiting for a first change while the screen still equals the one before.
    Input that is not acknowledged (XTEST) can be drawn later than the quiet window on a busy
    machine; without a grace, such an action would be reported as changing nothing."""


@dataclass(frozen=True, slots=True)
class Settled:
    """What the wait saw."""

    changed: bool
    """The digest at the end differs from the one before the action."""
    stable: bool
    """The quiet window was reached before the timeout."""
    waited_ms: float
    """Time spent waiting, in milliseconds."""
    digest: str
    """The last digest seen."""


async def wait_until_stable(
    probe: Callable[[], Awaitable[str]],
    *,
    before: str,
    policy: SettlePolicy = SettlePolicy(),
    clock: Callable[[], float] = time.monotonic,
    sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
) -> Settled:
    """Poll ``probe`` until its value has not changed for ``policy.quiet`` seconds."""
    start = clock()
    last = await probe()
    last_change = start if last == before else clock()
    while True:
        now = clock()
        if now - last_change >= policy.quiet and (last != before or now - start >= policy.grace):
            return Settled(last != before, True, (now - start) * 1000, last)
        if now - start >= policy.timeout:
            return Settled(last != before, False, (now - start) * 1000, last)
        await sleep(policy.interval)
        current = await probe()
        if current != last:
            last = current
            last_change = clock()
