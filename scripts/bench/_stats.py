"""Timing helpers shared by the benchmarks: run a step n times, report median and p95."""

from __future__ import annotations

import statistics
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass


@dataclass
class Timing:
    samples: list[float]

    @property
    def median(self) -> float:
        return statistics.median(self.samples)

    @property
    def p95(self) -> float:
        ordered = sorted(self.samples)
        return ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]


async def measure(step: Callable[[int], Awaitable[float | None]], n: int, warmup: int = 2) -> Timing:
    """Time ``step(i)`` n times, in ms; a step may return its own figure in ms instead."""
    for i in range(warmup):
        await step(-1 - i)
    samples = []
    for i in range(n):
        started = time.perf_counter()
        own = await step(i)
        samples.append(own if own is not None else (time.perf_counter() - started) * 1000)
    return Timing(samples)
