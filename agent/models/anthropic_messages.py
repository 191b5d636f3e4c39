"""Anthropic Messages API with the computer tool, for every Claude model in ``anthropic_profiles``.

Unlike OpenAI, the conversation is ours: every request resends the message list. Three things keep
that affordable and exact:

- Screenshots are sized to the model's limits before sending and the tool declares that size
  (``display_width_px``/``display_height_px``), so the model's coordinates are our frame's.
- Prompt-cache breakpoints sit on the system prompt (which covers the tool) and on the last two
  user messages, so each request reads the previous one's prefix from the cache.
- Old screenshots are pruned in batches (``_pruning.ImagePruner``): between prunes the resent
  prefix is byte-identical, and the cache holds.

Every ``tool_use`` gets a ``tool_result``: the new screenshot in the last one, ``is_error`` with
the reason when an action failed or could not be read, the zoomed image for ``zoom``, and the
pointer position for ``cursor_position``. Thinking blocks go back unchanged, as the API requires.
"""

from __future__ import annotations

import os
from typing import Any

import anthropic

from actions import Action, ActionError, Frame, UserError, from_anthropic

from ..safety.approval import Approver
from . import _feedback
from ._pruning import ImagePruner
from ._sdk_errors import anthropic_errors
from .anthropic_profiles import ClaudeProfile, effort_settings, profile_for
from .base import ActionFeedback, Effort, Model, ModelInput, Turn, Usage
from .guard import check_model_url
from .images import EncodedImage, ImageFormat, encode_image
from .prices import PriceTable
from .retry import RetryPolicy, retrying

__all__ = ["AnthropicMessagesModel"]

SYSTEM = (
    "You operate a computer through the computer tool to complete the user's task. Work step by "
    "step and check each result on the next screenshot. When the task is complete, or cannot be "
    "completed, stop using the tool and say so in one short message."
)
_CACHE = {"type": "ephemeral"}


class AnthropicMessagesModel(Model):
    """A Claude model driving the computer tool through the Messages API."""

    def __init__(self, model: str, *, effort: Effort = "medium", approver: Approver | None = None,
                 image_format: ImageFormat = "png", base_url: str | None = None,
                 api_key: str | None = None, keep_images: int | None = 3, prune_batch: int = 5,
                 prices: PriceTable | None = None, retry: RetryPolicy | None = None,
                 timeout: float = 300.0, system: str = SYSTEM, profile: ClaudeProfile | None = None,
                 client: anthropic.AsyncAnthropic | None = None, name: str | None = None) -> None:
        self.name = name or f"anthropic:{model}"
        self.model = model
        self.profile = profile or profile_for(model)
        self.effort = effort
        self.approver = approver
        """Unused: Anthropic sends no safety checks to acknowledge. Kept for one factory signature."""
        self.image_format = image_format
        self.prices = prices or PriceTable.load()
        self.retry = retry or RetryPolicy()
        self.timeout = timeout
        self.system = system
        if client is None:
            if not (api_key or os.environ.get("ANTHROPIC_API_KEY") or os.environ.get("ANTHROPIC_AUTH_TOKEN")):
                raise UserError("anthropic: no API key: set ANTHROPIC_API_KEY or pass api_key=")
            client = anthropic.AsyncAnthropic(api_key=api_key, base_url=base_url, max_retries=0, timeout=timeout)
        check_model_url(str(client.base_url), "anthropic")
        self.client = client
        self.messages: list[dict[str, Any]] = []
        """The conversation as sent, pruned in place; inspect it, do not edit it."""
        self.pruner = ImagePruner(keep=keep_images, batch=prune_batch)
        self._tool_uses: list[tuple[str, list[Action], str]] = []
        """The last answer's tool calls: id, the actions read from it, the tool action name."""
        self._last_actions: list[Action] = []
        self._last_error: str | None = None
        self._cursor: tuple[int, int] | None = None

    async def turn(self, request: ModelInput) -> Turn:
        observation = request.observation
        frame = self.profile.limits.frame(observation.width, observation.height)
        screenshot = encode_image(observation.image, frame.image, self.image_format)
        self.messages.append({"role": "user", "content": self._user_content(request, frame, screenshot)})
        self.pruner.prune(self.messages)
        body: dict[str, Any] = {
            "model": self.model,
            "system": [{"type": "text", "text": self.system, "cache_control": _CACHE}],
            "tools": [self._tool(frame)],
            "messages": _with_breakpoints(self.messages),
            "betas": [self.profile.beta, *self.profile.extra_betas],
            **effort_settings(self.profile, self.effort),
        }

        async def call() -> tuple[Any, int]:
            raw = await self.client.beta.messages.with_raw_response.create(**body, timeout=self.timeout)
            return await raw.parse(), len(raw.http_request.content)

        try:
            response, request_bytes = await retrying(call, self.retry, anthropic_errors)
        except BaseException:
            self.messages.pop()
            raise
        turn = self._read(response, frame)
        return turn.model_copy(update={"image_size": frame.image, "request_bytes": request_bytes,
                                       "actions": _feedback.with_secrets(turn.actions, request.secrets)})

    def _tool(self, frame: Frame) -> dict[str, Any]:
        tool = {"type": self.profile.tool_type, "name": "computer",
                "display_width_px": frame.image[0], "display_height_px": frame.image[1]}
        if self.profile.zoom:
            tool["enable_zoom"] = True
        return tool

    def _user_content(self, request: ModelInput, frame: Frame, screenshot: EncodedImage) -> list[dict[str, Any]]:
        image = _image_block(screenshot)
        if not self._tool_uses:
            if not self.messages:
                return [{"type": "text", "text": _feedback.task_text(request)}, image]
            text = _feedback.followup(self._last_actions, request.feedback, self._last_error, request.notes)
            return [{"type": "text", "text": text or "Continue with the task."}, image]
        results: list[dict[str, Any]] = []
        position = 0
        for index, (tool_use_id, actions, kind) in enumerate(self._tool_uses):
            feedback = request.feedback[position:position + len(actions)]
            position += len(actions)
            blocks, failed = self._result_blocks(actions, feedback, kind, frame)
            if index == len(self._tool_uses) - 1:
                blocks.append(image)
            result = {"type": "tool_result", "tool_use_id": tool_use_id, "content": blocks or [_text("done")]}
            if failed:
                result["is_error"] = True
            results.append(result)
        if request.notes:
            results.append(_text(_feedback.notes_text(request.notes)))
        return results

    def _result_blocks(self, actions: list[Action], feedback: list[ActionFeedback], kind: str,
                       frame: Frame) -> tuple[list[dict[str, Any]], bool]:
        if self._last_error:
            return [_text(f"Your tool call could not be used: {self._last_error}")], True
        blocks = [_text(line) for line in _feedback.failures(actions, feedback)]
        failed = any(not item.ok for item in feedback) or len(feedback) < len(actions)
        if kind == "cursor_position":
            if self._cursor is None:
                blocks.append(_text("the pointer position is not known yet; move the mouse first"))
            else:
                try:
                    x, y = frame.to_model(*self._cursor)
                    blocks.append(_text(f"X={x},Y={y}"))
                except ActionError:  # the screen shrank under the pointer
                    blocks.append(_text("the pointer is outside the current screen"))
        for item in feedback:
            if item.image is not None:
                size = self.profile.limits.frame(*item.image.size).image
                blocks.append(_image_block(encode_image(item.image, size, self.image_format)))
        return blocks, failed

    def _read(self, response: Any, frame: Frame) -> Turn:
        content = [_param(block) for block in response.content]
        self.messages.append({"role": "assistant", "content": content})
        words = [block["text"] for block in content if block["type"] == "text" and block["text"].strip()]
        actions: list[Action] = []
        tool_uses: list[tuple[str, list[Action], str]] = []
        error = None
        cursor = self._cursor
        for block in content:
            if block["type"] != "tool_use":
                continue
            kind = str(block["input"].get("action", "")) if isinstance(block["input"], dict) else ""
            try:
                if block["name"] != "computer":
                    raise ActionError(f"unknown tool {block['name']!r}; the only tool is 'computer'")
                parsed = from_anthropic(block["input"], frame, cursor=cursor)
            except ActionError as exc:
                error, parsed = str(exc), []
            cursor = _feedback.cursor_after(parsed, cursor)
            tool_uses.append((block["id"], parsed, kind))
            actions += parsed
        if error:
            actions = []
            tool_uses = [(tool_id, [], kind) for tool_id, _, kind in tool_uses]
        else:
            self._cursor = cursor
        self._tool_uses, self._last_actions, self._last_error = tool_uses, actions, error
        usage = _usage(response.usage)
        model = response.model or self.model
        return Turn(actions=actions, message="\n".join(words) or None, error=error, model=model,
                    usage=self.prices.cost(model, usage))

    async def close(self) -> None:
        await self.client.close()


def _text(text: str) -> dict[str, Any]:
    return {"type": "text", "text": text}


def _image_block(image: EncodedImage) -> dict[str, Any]:
    return {"type": "image", "source": {"type": "base64", "media_type": image.media_type, "data": image.base64}}


def _param(block: Any) -> dict[str, Any]:
    """A response block as a request block: only the fields the API takes back."""
    match block.type:
        case "text":
            return {"type": "text", "text": block.text}
        case "thinking":
            return {"type": "thinking", "thinking": block.thinking, "signature": block.signature}
        case "redacted_thinking":
            return {"type": "redacted_thinking", "data": block.data}
        case "tool_use":
            return {"type": "tool_use", "id": block.id, "name": block.name, "input": block.input}
        case _:
            return block.model_dump(mode="json", exclude_none=True)


def _with_breakpoints(messages: list[dict[str, Any]], count: int = 2) -> list[dict[str, Any]]:
    """The messages with ``cache_control`` on the last block of the last ``count`` user messages.

    Markers are added to copies, never stored: the cache matches content, so the stored history
    stays exactly what was sent, and old markers do not pile up past the API's limit of four.
    """
    rendered = list(messages)
    users = [i for i, message in enumerate(messages) if message["role"] == "user"][-count:]
    for i in users:
        content = list(messages[i]["content"])
        content[-1] = {**content[-1], "cache_control": _CACHE}
        rendered[i] = {**messages[i], "content": content}
    return rendered


def _usage(usage: Any) -> Usage:
    if usage is None:
        return Usage()
    return Usage(input_tokens=usage.input_tokens or 0,
                 cached_input_tokens=getattr(usage, "cache_read_input_tokens", 0) or 0,
                 cache_write_tokens=getattr(usage, "cache_creation_input_tokens", 0) or 0,
                 output_tokens=usage.output_tokens or 0)
