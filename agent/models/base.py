"""The model contract: one ``turn`` per step, from what the loop saw to what the model wants done.

Like ``environments.base`` for screens, this is the narrow boundary for models (httpx's
transport, pydantic-ai's ``Model``). An adapter owns its wire protocol and its conversation
history (OpenAI chains ``previous_response_id``; Anthropic resends a pruned message list), sizes
the screenshot for its provider, and maps the model's coordinates back to screen pixels through an
``actions.Frame``. It never touches the screen, and the loop never sees a wire format.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from typing import Literal

from PIL import Image
from pydantic import BaseModel, ConfigDict, Field

from actions import Action
from environments import Observation

__all__ = ["ActionFeedback", "Effort", "Model", "ModelInput", "SafetyCheck", "Turn", "Usage"]

Effort = Literal["none", "low", "medium", "high", "xhigh"]
"""One reasoning-effort dial for every provider; each adapter maps it (table in the README)."""


class Usage(BaseModel):
    """Tokens and cost of one model call (or a sum of calls)."""

    input_tokens: int = 0
    """Input tokens billed at the full rate (cached ones are counted separately)."""
    cached_input_tokens: int = 0
    """Input tokens read from the provider's prompt cache."""
    cache_write_tokens: int = 0
    """Input tokens written to the prompt cache (Anthropic bills these higher)."""
    output_tokens: int = 0
    """Output tokens, reasoning included."""
    reasoning_tokens: int = 0
    """Part of ``output_tokens`` spent on reasoning, where the provider reports it."""
    cost_usd: float = 0.0
    """Cost in US dollars from the price table; 0 when the model has no price."""

    def __add__(self, other: Usage) -> Usage:
        return Usage(**{name: getattr(self, name) + getattr(other, name) for name in Usage.model_fields})


class SafetyCheck(BaseModel):
    """A provider's safety check that must be acknowledged before its action may run."""

    id: str
    code: str | None = None
    message: str = ""


class ActionFeedback(BaseModel):
    """What happened to one action of the previous turn, for the model."""

    model_config = ConfigDict(arbitrary_types_allowed=True)

    ok: bool
    error: str | None = None
    """Why it failed, or why it was not run (denied by policy, skipped after an earlier failure)."""
    output: str | None = None
    """Text the action produced (a script's result)."""
    image: Image.Image | None = Field(None, exclude=True)
    """An image the action produced (a zoom), in screen pixels."""


class ModelInput(BaseModel):
    """Everything a model adapter gets for one step."""

    model_config = ConfigDict(arbitrary_types_allowed=True)

    task: str
    """The task, in the user's words."""
    observation: Observation
    """The screen now, after the previous turn's actions settled."""
    step: int = 0
    """0 for the first turn of a run."""
    feedback: list[ActionFeedback] = Field(default_factory=list)
    """One entry per action of the previous turn, in order; empty on the first turn."""
    notes: list[str] = Field(default_factory=list)
    """Runtime messages for the model: repetition warnings, policy denials, unread errors."""
    secrets: list[str] = Field(default_factory=list)
    """Names the model may type with ``type_secret``; never the values."""


class Turn(BaseModel):
    """One answer of a model."""

    actions: list[Action] = Field(default_factory=list)
    """What to do, in screen pixels, in order. Empty means the model considers itself finished."""
    message: str | None = None
    """The model's words this turn (assistant text, a reasoning summary, a UI-TARS thought)."""
    usage: Usage = Field(default_factory=Usage)
    model: str = ""
    """The model that answered, as the provider names it."""
    error: str | None = None
    """The reply could not be read as actions; this message goes back to the model next turn."""
    safety_checks: list[SafetyCheck] = Field(default_factory=list)
    """Provider safety checks that were approved before these actions were returned."""
    image_size: tuple[int, int] | None = None
    """Size of the screenshot sent to the model, in image pixels (the model's frame)."""
    request_bytes: int = 0
    """Size of the request body that produced this turn."""


class Model(ABC):
    """A model adapter. One instance per run: it keeps that run's conversation."""

    name: str
    """The spec it was made from, e.g. ``anthropic:claude-sonnet-4-6``."""

    @abstractmethod
    async def turn(self, request: ModelInput) -> Turn:
        """Send one step to the model and return its answer.

        Raises ``ModelError`` when the provider fails (after retries for transient errors) and
        ``PolicyDenied`` when a provider safety check is not approved. A reply that cannot be read
        as actions is not an exception: it comes back as ``Turn(error=...)``, and the adapter
        itself sends that error back on the next turn in its wire's own form (an OpenAI user
        message, an Anthropic ``tool_result`` with ``is_error``), so the loop only has to count
        how many times in a row it happened. Each ``feedback`` entry likewise reaches the model
        as the result of the action it belongs to.
        """

    async def close(self) -> None:
        """Release the HTTP client."""
