"""OpenAI Responses API with the computer tool: the GA ``computer`` tool and ``computer_use_preview``.

The conversation lives on OpenAI's side: each request names ``previous_response_id`` and sends only
what is new, a ``computer_call_output`` with the screenshot taken after the model's actions (its
``call_id`` echoed). Which tool a model speaks is a row of ``_VARIANTS``, chosen by model name:

- GA ``computer`` (gpt-5.4 and later): ``{"type": "computer"}``, batched ``actions``, one screenshot
  after the batch with ``detail: "original"`` (no server-side downscale, so our frame is the
  model's), reasoning effort ``none|low|medium|high|xhigh`` passed through.
- ``computer_use_preview``: display size and environment in the tool, one ``action`` per call,
  ``truncation: "auto"``; it has no effort setting.

Safety: ``pending_safety_checks`` go to the approver, one at a time. Only approved checks are sent
back as ``acknowledged_safety_checks``; without an approver, or when it says no, the run stops with
``PolicyDenied`` carrying the check's message. Nothing is acknowledged automatically.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import openai

from actions import Action, ActionError, Frame, UserError, from_openai

from ..safety.approval import ApprovalRequest, Approver
from ..errors import PolicyDenied
from . import _feedback
from ._sdk_errors import openai_errors
from .base import Effort, Model, ModelInput, SafetyCheck, Turn, Usage
from .guard import check_model_url
from .images import ImageFormat, ImageLimits, encode_image
from .prices import PriceTable
from .retry import RetryPolicy, retrying

__all__ = ["OpenAIResponsesModel"]


@dataclass(frozen=True)
class _Variant:
    """How one family of models speaks the computer tool."""

    tool: Callable[[tuple[int, int], str], dict[str, Any]]
    limits: ImageLimits
    detail: dict[str, str]
    """Extra fields of every screenshot (``detail``)."""
    reasoning: Callable[[Effort], dict[str, Any]]
    extra: dict[str, Any]


_GA = _Variant(
    tool=lambda size, environment: {"type": "computer"},
    limits=ImageLimits(max_long_edge=6000, max_pixels=10_240_000),
    detail={"detail": "original"},
    reasoning=lambda effort: {"effort": effort},
    extra={},
)
_PREVIEW = _Variant(
    tool=lambda size, environment: {"type": "computer_use_preview", "display_width": size[0],
                                    "display_height": size[1], "environment": environment},
    limits=ImageLimits(max_long_edge=1024, max_pixels=1024 * 768),
    detail={},
    reasoning=lambda effort: {"summary": "concise"},
    extra={"truncation": "auto"},
)
_VARIANTS: dict[str, _Variant] = {"computer-use-preview": _PREVIEW}
"""Model-name prefix to variant; every other model gets the GA tool."""

INSTRUCTIONS = (
    "You operate a computer through the computer tool to complete the user's task. Work step by "
    "step and check each result on the next screenshot. When the task is complete, or cannot be "
    "completed, stop calling the tool and say so in one short message."
)


def variant_for(model: str) -> _Variant:
    return next((v for prefix, v in _VARIANTS.items() if model.startswith(prefix)), _GA)


class OpenAIResponsesModel(Model):
    """A model behind the OpenAI Responses API, driving the computer tool."""

    def __init__(self, model: str, *, effort: Effort = "medium", approver: Approver | None = None,
                 image_format: ImageFormat = "png", base_url: str | None = None,
                 api_key: str | None = None, environment: str = "linux",
                 prices: PriceTable | None = None, retry: RetryPolicy | None = None,
                 timeout: float = 300.0, instructions: str = INSTRUCTIONS,
                 client: openai.AsyncOpenAI | None = None, name: str | None = None) -> None:
        self.name = name or f"openai:{model}"
        self.model = model
        self.variant = variant_for(model)
        self.effort = effort
        self.approver = approver
        self.image_format = image_format
        self.environment = environment
        self.prices = prices or PriceTable.load()
        self.retry = retry or RetryPolicy()
        self.timeout = timeout
        self.instructions = instructions
        if client is None:
            try:
                client = openai.AsyncOpenAI(api_key=api_key, base_url=base_url, max_retries=0, timeout=timeout)
            except openai.OpenAIError as exc:
                raise UserError(f"openai: {exc} (set OPENAI_API_KEY or pass api_key=)") from exc
        check_model_url(str(client.base_url), "openai")
        self.client = client
        self._previous_id: str | None = None
        self._pending: list[tuple[str, list[SafetyCheck]]] = []
        """Computer calls awaiting output: call_id and the safety checks approved for it."""
        self._last_actions: list[Action] = []
        self._last_error: str | None = None

    async def turn(self, request: ModelInput) -> Turn:
        observation = request.observation
        frame = self.variant.limits.frame(observation.width, observation.height)
        image = encode_image(observation.image, frame.image, self.image_format)
        body: dict[str, Any] = {
            "model": self.model,
            "instructions": self.instructions,
            "tools": [self.variant.tool(frame.image, self.environment)],
            "input": self._input(request, image.data_url, observation.url),
            "reasoning": self.variant.reasoning(self.effort),
            **self.variant.extra,
        }
        if self._previous_id:
            body["previous_response_id"] = self._previous_id

        async def call() -> tuple[Any, int]:
            raw = await self.client.responses.with_raw_response.create(**body, timeout=self.timeout)
            return raw.parse(), len(raw.http_request.content)

        response, request_bytes = await retrying(call, self.retry, openai_errors)
        turn = await self._read(response, frame)
        return turn.model_copy(update={"image_size": frame.image, "request_bytes": request_bytes,
                                       "actions": _feedback.with_secrets(turn.actions, request.secrets)})

    def _input(self, request: ModelInput, image_url: str, url: str | None) -> list[dict[str, Any]]:
        screenshot = {"type": "computer_screenshot", "image_url": image_url, **self.variant.detail}
        text = _feedback.followup(self._last_actions, request.feedback, self._last_error, request.notes)
        if self._pending:
            items: list[dict[str, Any]] = []
            for call_id, checks in self._pending:
                item: dict[str, Any] = {"type": "computer_call_output", "call_id": call_id, "output": screenshot}
                if checks:
                    item["acknowledged_safety_checks"] = [c.model_dump() for c in checks]
                if url and self.variant is _PREVIEW:
                    item["current_url"] = url
                items.append(item)
            if text:
                items.append(_user([{"type": "input_text", "text": text}]))
            return items
        first = self._previous_id is None
        words = _feedback.task_text(request) if first else (text or "Continue with the task.")
        image = {"type": "input_image", "image_url": image_url, **self.variant.detail}
        return [_user([{"type": "input_text", "text": words}, image])]

    async def _read(self, response: Any, frame: Frame) -> Turn:
        words: list[str] = []
        summaries: list[str] = []
        calls = []
        for item in response.output or []:
            if item.type == "message":
                for part in item.content or []:
                    words.append(getattr(part, "text", None) or getattr(part, "refusal", None) or "")
            elif item.type == "reasoning":
                summaries += [s.text for s in (getattr(item, "summary", None) or []) if getattr(s, "text", None)]
            elif item.type == "computer_call":
                calls.append(item)
        actions: list[Action] = []
        firsts: list[Action | None] = []
        error = None
        for call in calls:
            batch = call.actions if getattr(call, "actions", None) else [call.action] if call.action else []
            try:
                parsed = from_openai([a.model_dump(exclude_none=True) for a in batch], frame) if batch else []
            except ActionError as exc:
                error, parsed = str(exc), []
            actions += parsed
            firsts.append(parsed[0] if parsed else None)
        if error:
            actions = []
        approved = [(call.call_id, [await self._approve(c, first) for c in call.pending_safety_checks or []])
                    for call, first in zip(calls, firsts)]
        self._previous_id = response.id
        self._pending = approved
        self._last_actions = actions
        self._last_error = error
        usage = _usage(getattr(response, "usage", None))
        message = "\n".join(w for w in words if w) or "\n".join(summaries) or None
        return Turn(actions=actions, message=message, error=error, model=response.model or self.model,
                    usage=self.prices.cost(response.model or self.model, usage),
                    safety_checks=[c for _, checks in approved for c in checks])

    async def _approve(self, pending: Any, action: Action | None) -> SafetyCheck:
        check = SafetyCheck(id=pending.id, code=pending.code, message=pending.message or "")
        words = check.message or check.code or "a provider safety check"
        if self.approver is None:
            raise PolicyDenied(f"openai safety check {check.code or check.id}: {words} "
                               "(no approver: provider safety checks are never acknowledged automatically)")
        if not await self.approver(ApprovalRequest(kind="safety_check", message=words, code=check.code,
                                                      action=action)):
            raise PolicyDenied(f"openai safety check {check.code or check.id} was denied: {words}")
        return check

    async def close(self) -> None:
        await self.client.close()


def _user(content: list[dict[str, Any]]) -> dict[str, Any]:
    return {"role": "user", "content": content}


def _usage(usage: Any) -> Usage:
    if usage is None:
        return Usage()
    cached = getattr(getattr(usage, "input_tokens_details", None), "cached_tokens", 0) or 0
    reasoning = getattr(getattr(usage, "output_tokens_details", None), "reasoning_tokens", 0) or 0
    return Usage(input_tokens=max(0, (usage.input_tokens or 0) - cached), cached_input_tokens=cached,
                 output_tokens=usage.output_tokens or 0, reasoning_tokens=reasoning)
