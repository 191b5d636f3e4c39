"""Open models behind an OpenAI-compatible chat endpoint (vLLM, Ollama, LM Studio, SGLang...).

There is no computer tool here: the model sees a screenshot and a prompt stating its grammar, and
answers in text, read as UI-TARS actions or as OSWorld pyautogui code. The grammar, the image
size and the coordinate space are a row of ``_GRAMMARS``, chosen by model name and overridable:

- UI-TARS-1.5 (Qwen2.5-VL): the screenshot is resized as the Qwen processor would
  (``smart_resize``) before sending, and the model answers in that image's pixels.
- UI-TARS 1.0 (Qwen2-VL): same image, but the model answers on a 0-1000 grid.
- anything else: OSWorld pyautogui code, in pixels of a screenshot of at most 1920 px.

The effort dial is not sent: open models have no common reasoning setting over this API.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Literal

import openai

from actions import Action, ActionError, Frame, UserError, from_pyautogui, from_uitars, uitars_thought

from ..safety.approval import Approver
from . import _feedback
from ._prompts import PYAUTOGUI_PROMPT, UITARS_PROMPT
from ._pruning import ImagePruner
from ._sdk_errors import openai_errors
from .base import Effort, Model, ModelInput, Turn, Usage
from .guard import check_model_url
from .images import ImageFormat, ImageLimits, encode_image, smart_resize
from .prices import PriceTable
from .retry import RetryPolicy, retrying

__all__ = ["Grammar", "OpenAICompatModel", "grammar_for"]

GrammarName = Literal["uitars", "uitars-relative", "pyautogui"]


@dataclass(frozen=True)
class Grammar:
    """How one family of open models reads the screen and answers."""

    name: GrammarName
    prompt: str
    resize: Callable[[int, int], Frame]
    """The frame of the image sent for a screen of this size."""
    coordinates: Callable[[Frame], Frame]
    """The frame the model's numbers are in, from the frame of the image sent."""


_GRAMMARS: dict[GrammarName, Grammar] = {
    "uitars": Grammar("uitars", UITARS_PROMPT, lambda w, h: smart_resize(w, h), lambda frame: frame),
    "uitars-relative": Grammar("uitars-relative", UITARS_PROMPT, lambda w, h: smart_resize(w, h),
                               lambda frame: Frame(screen=frame.screen, image=(1000, 1000))),
    "pyautogui": Grammar("pyautogui", PYAUTOGUI_PROMPT,
                         ImageLimits(max_long_edge=1920, max_pixels=1920 * 1080).frame, lambda frame: frame),
}
_BY_NAME: tuple[tuple[tuple[str, ...], GrammarName], ...] = (
    (("ui-tars-1.5", "uitars-1.5", "ui-tars-2", "uitars-2"), "uitars"),
    (("ui-tars", "uitars"), "uitars-relative"),
)


def grammar_for(model: str) -> Grammar:
    """The grammar a model speaks, by name; pyautogui when the name says nothing."""
    lowered = model.lower()
    for needles, name in _BY_NAME:
        if any(needle in lowered for needle in needles):
            return _GRAMMARS[name]
    return _GRAMMARS["pyautogui"]


class OpenAICompatModel(Model):
    """An open vision model answering in UI-TARS actions or pyautogui code over chat completions."""

    def __init__(self, model: str, *, base_url: str | None = None, api_key: str | None = None,
                 effort: Effort = "medium", approver: Approver | None = None,
                 image_format: ImageFormat = "png", grammar: GrammarName | None = None,
                 language: str = "English", keep_images: int | None = 5, prune_batch: int = 1,
                 max_tokens: int = 1024, prices: PriceTable | None = None, retry: RetryPolicy | None = None,
                 timeout: float = 300.0, client: openai.AsyncOpenAI | None = None,
                 name: str | None = None) -> None:
        self.name = name or f"openai-compat:{model}@{base_url}"
        self.model = model
        self.grammar = _GRAMMARS[grammar] if grammar else grammar_for(model)
        self.effort = effort
        """Not sent; see the module docstring."""
        self.approver = approver
        self.image_format = image_format
        self.language = language
        self.max_tokens = max_tokens
        self.prices = prices or PriceTable.load()
        self.retry = retry or RetryPolicy()
        self.timeout = timeout
        if client is None:
            base_url = base_url or os.environ.get("OPENAI_COMPAT_BASE_URL")
            if not base_url:
                raise UserError("openai-compat: no server: use 'openai-compat:MODEL@http://host:port/v1' "
                                "or set OPENAI_COMPAT_BASE_URL")
            # Never OPENAI_API_KEY: a self-hosted server must not receive the user's OpenAI key.
            key = api_key or os.environ.get("OPENAI_COMPAT_API_KEY") or "EMPTY"
            client = openai.AsyncOpenAI(base_url=base_url, api_key=key, max_retries=0, timeout=timeout)
        check_model_url(str(client.base_url), "openai-compat")
        self.client = client
        self.messages: list[dict[str, Any]] = []
        self.pruner = ImagePruner(keep=keep_images, batch=prune_batch,
                                  is_image=lambda block: block.get("type") == "image_url")
        self._last_actions: list[Action] = []
        self._last_error: str | None = None
        self._cursor: tuple[int, int] | None = None

    async def turn(self, request: ModelInput) -> Turn:
        observation = request.observation
        frame = self.grammar.resize(observation.width, observation.height)
        image = encode_image(observation.image, frame.image, self.image_format)
        picture = {"type": "image_url", "image_url": {"url": image.data_url}}
        if not self.messages:
            prompt = self.grammar.prompt.format(task=_feedback.task_text(request), language=self.language,
                                                width=frame.image[0], height=frame.image[1])
            content = [{"type": "text", "text": prompt}, picture]
        else:
            text = _feedback.followup(self._last_actions, request.feedback, self._last_error, request.notes)
            content = ([{"type": "text", "text": text}] if text else []) + [picture]
        self.messages.append({"role": "user", "content": content})
        self.pruner.prune(self.messages)
        body = {"model": self.model, "messages": self.messages, "max_tokens": self.max_tokens, "temperature": 0.0}

        async def call() -> tuple[Any, int]:
            raw = await self.client.chat.completions.with_raw_response.create(**body, timeout=self.timeout)
            return raw.parse(), len(raw.http_request.content)

        try:
            response, request_bytes = await retrying(call, self.retry, lambda: openai_errors("openai-compat"))
        except BaseException:
            self.messages.pop()
            raise
        reply = (response.choices[0].message.content or "") if response.choices else ""
        self.messages.append({"role": "assistant", "content": reply})
        actions, message, error = self._parse(reply, frame)
        self._last_actions, self._last_error = actions, error
        usage = _usage(response.usage)
        model = response.model or self.model
        return Turn(actions=_feedback.with_secrets(actions, request.secrets), message=message, error=error,
                    model=model, usage=self.prices.cost(model, usage), image_size=frame.image,
                    request_bytes=request_bytes)

    def _parse(self, reply: str, frame: Frame) -> tuple[list[Action], str | None, str | None]:
        try:
            if self.grammar.name == "pyautogui":
                actions = from_pyautogui(reply, frame, cursor=self._cursor)
                prose = reply.split("```")[0].strip()
                message = prose if prose and prose not in ("DONE", "FAIL", "WAIT") else None
            else:
                actions = from_uitars(reply, self.grammar.coordinates(frame))
                message = uitars_thought(reply)
        except ActionError as exc:
            return [], (uitars_thought(reply) if self.grammar.name != "pyautogui" else None), str(exc)
        self._cursor = _feedback.cursor_after(actions, self._cursor)
        return actions, message, None

    async def close(self) -> None:
        await self.client.close()


def _usage(usage: Any) -> Usage:
    if usage is None:
        return Usage()
    cached = getattr(getattr(usage, "prompt_tokens_details", None), "cached_tokens", 0) or 0
    return Usage(input_tokens=max(0, (usage.prompt_tokens or 0) - cached), cached_input_tokens=cached,
                 output_tokens=usage.completion_tokens or 0)
