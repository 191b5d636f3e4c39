"""What each Claude model supports, as a data table: tool version, beta header, zoom, image limits,
thinking and effort.

The adapter looks a model up here (longest name prefix wins, so ``claude-sonnet-4-6-20260217`` is
``claude-sonnet-4-6``) and never branches on version strings itself, like the quickstart's
``ToolGroup`` table. A model not in the table gets ``NEWEST``: new Claude models have so far kept
the newest tool, and a wrong guess fails loudly with the API's own 400 message.

The effort dial maps to thinking and ``output_config.effort`` by ``effort_settings``:

| dial   | adaptive models (Opus 4.6/4.7, Sonnet 4.6) | budget models (Opus 4.5 adds ``effort``)   |
|--------|---------------------------------------------|---------------------------------------------|
| none   | no thinking, effort ``low``                 | no thinking                                 |
| low    | adaptive, effort ``low``                    | ``budget_tokens`` 2048                      |
| medium | adaptive, effort ``medium``                 | ``budget_tokens`` 8192                      |
| high   | adaptive, effort ``high``                   | ``budget_tokens`` 16384                     |
| xhigh  | adaptive, ``xhigh`` (or ``max``, or high)   | ``budget_tokens`` 32768                     |
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

from .base import Effort
from .images import ImageLimits

__all__ = ["NEWEST", "PROFILES", "ClaudeProfile", "effort_settings", "profile_for"]

_SMALL = ImageLimits(max_long_edge=1568, max_pixels=1_150_000)
_LARGE = ImageLimits(max_long_edge=2576, max_pixels=3_750_000)
_BUDGETS: dict[Effort, int] = {"low": 2048, "medium": 8192, "high": 16384, "xhigh": 32768}
_MAX_TOKENS: dict[Effort, int] = {"none": 4096, "low": 8192, "medium": 16384, "high": 32768, "xhigh": 65536}
"""Output budget per dial for adaptive models; thinking counts against it."""


@dataclass(frozen=True)
class ClaudeProfile:
    """How one Claude model family is driven."""

    prefix: str
    tool_type: str
    """``computer_20251124`` or ``computer_20250124``."""
    beta: str
    """The ``anthropic-beta`` value that goes with the tool version."""
    zoom: bool
    """The tool takes ``enable_zoom`` (``computer_20251124`` only)."""
    limits: ImageLimits
    thinking: Literal["adaptive", "budget"]
    efforts: tuple[str, ...] = ()
    """``output_config.effort`` levels the model accepts; empty when it has no effort setting."""
    extra_betas: tuple[str, ...] = ()


def _new(prefix: str, limits: ImageLimits, efforts: tuple[str, ...]) -> ClaudeProfile:
    return ClaudeProfile(prefix, "computer_20251124", "computer-use-2025-11-24", True, limits, "adaptive", efforts)


def _old(prefix: str) -> ClaudeProfile:
    return ClaudeProfile(prefix, "computer_20250124", "computer-use-2025-01-24", False, _SMALL, "budget")


PROFILES: tuple[ClaudeProfile, ...] = (
    _new("claude-opus-4-7", _LARGE, ("low", "medium", "high", "xhigh", "max")),
    _new("claude-opus-4-6", _SMALL, ("low", "medium", "high", "max")),
    _new("claude-sonnet-4-6", _SMALL, ("low", "medium", "high")),
    ClaudeProfile("claude-opus-4-5", "computer_20251124", "computer-use-2025-11-24", True, _SMALL, "budget",
                  ("low", "medium", "high"), extra_betas=("effort-2025-11-24",)),
    _old("claude-sonnet-4-5"),
    _old("claude-haiku-4-5"),
    _old("claude-opus-4-1"),
    _old("claude-opus-4"),
    _old("claude-sonnet-4"),
    _old("claude-3-7-sonnet"),
)

NEWEST = _new("claude", _SMALL, ("low", "medium", "high"))
"""For models the table does not know yet."""


def profile_for(model: str) -> ClaudeProfile:
    matches = [p for p in PROFILES if model == p.prefix or model.startswith(p.prefix + "-")]
    return max(matches, key=lambda p: len(p.prefix)) if matches else NEWEST


def effort_settings(profile: ClaudeProfile, effort: Effort) -> dict[str, Any]:
    """``max_tokens``, ``thinking`` and ``output_config`` for one dial setting."""
    settings: dict[str, Any] = {}
    if profile.thinking == "adaptive":
        settings["max_tokens"] = _MAX_TOKENS[effort]
        if effort != "none":
            settings["thinking"] = {"type": "adaptive"}
    else:
        budget = _BUDGETS.get(effort)
        settings["max_tokens"] = 4096 + (budget or 0)
        if budget:
            settings["thinking"] = {"type": "enabled", "budget_tokens": budget}
    if profile.efforts:
        settings["output_config"] = {"effort": _level(profile.efforts, effort)}
    return settings


def _level(levels: tuple[str, ...], effort: Effort) -> str:
    wanted = {"none": ["low"], "low": ["low"], "medium": ["medium"], "high": ["high"],
              "xhigh": ["xhigh", "max", "high"]}[effort]
    return next(level for level in wanted if level in levels)
