"""Retries for transient provider failures: exponential backoff with jitter, bounded, honouring
``retry-after``.

Only failures that a later attempt can fix are retried: 429, 408/409, 5xx (529 "overloaded"
included), timeouts and dropped connections. Authentication and bad-request errors end at once
with the provider's message, because repeating them only repeats the bill and the wait. The SDKs'
own retries are switched off (``max_retries=0``) so that this is the one policy, with one
budget and one seam for waiting (``sleep``), like pydantic-ai's graph sleep.
"""

from __future__ import annotations

import asyncio
import email.utils
import random
import time
from collections.abc import Awaitable, Callable, Mapping
from contextlib import AbstractContextManager
from dataclasses import dataclass, field
from typing import TypeVar

from ..errors import ModelError

__all__ = ["RetryPolicy", "Transient", "parse_retry_after", "retrying"]

T = TypeVar("T")


class Transient(Exception):
    """Raised by an SDK translator for a failure worth retrying; carries the error to raise at the end."""

    def __init__(self, error: ModelError, retry_after: float | None = None) -> None:
        super().__init__(str(error))
        self.error = error
        self.retry_after = retry_after


@dataclass(frozen=True)
class RetryPolicy:
    """How often and how long to retry a transient failure."""

    attempts: int = 5
    """Tries in total, the first included."""
    base_delay: float = 1.0
    """Seconds before the second try; doubles each time."""
    max_delay: float = 30.0
    """Cap of one backoff delay, in seconds."""
    jitter: float = 0.5
    """Each delay is shortened by a random fraction up to this, so clients do not retry in step."""
    max_retry_after: float = 120.0
    """A ``retry-after`` longer than this (seconds) ends the run instead of stalling it."""
    sleep: Callable[[float], Awaitable[None]] = field(default=asyncio.sleep, compare=False)
    """How to wait; a test passes one that records the delay."""

    def delay(self, attempt: int, retry_after: float | None) -> float:
        """Seconds to wait after failed try number ``attempt`` (1-based)."""
        if retry_after is not None:
            return max(0.0, retry_after)
        backoff = min(self.max_delay, self.base_delay * 2 ** (attempt - 1))
        return backoff * (1 - self.jitter * random.random())


async def retrying(call: Callable[[], Awaitable[T]], policy: RetryPolicy,
                   translate: Callable[[], AbstractContextManager[None]]) -> T:
    """Run ``call`` inside ``translate()`` (which maps SDK errors to ours), retrying ``Transient``."""
    for attempt in range(1, policy.attempts + 1):
        try:
            with translate():
                return await call()
        except Transient as transient:
            error = transient.error
            if attempt == policy.attempts:
                error.args = (f"{error} (gave up after {attempt} attempts)",)
                raise error from transient.__cause__
            if transient.retry_after is not None and transient.retry_after > policy.max_retry_after:
                error.args = (f"{error} (the provider asked to retry after {transient.retry_after:g} s, "
                              f"more than max_retry_after={policy.max_retry_after:g} s)",)
                raise error from transient.__cause__
            await policy.sleep(policy.delay(attempt, transient.retry_after))
    raise AssertionError("unreachable: attempts must be at least 1")


def parse_retry_after(headers: Mapping[str, str] | None) -> float | None:
    """Seconds from ``retry-after-ms``, or ``retry-after`` as seconds or an HTTP date."""
    if not headers:
        return None
    milliseconds = headers.get("retry-after-ms")
    if milliseconds:
        try:
            return float(milliseconds) / 1000
        except ValueError:
            pass
    value = headers.get("retry-after")
    if not value:
        return None
    try:
        return float(value)
    except ValueError:
        parsed = email.utils.parsedate_tz(value)
        return None if parsed is None else max(0.0, email.utils.mktime_tz(parsed) - time.time())
