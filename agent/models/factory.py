"""``make_model``: a model from a spec string, the one way the CLI and the Python API pick a model.

Specs are ``provider:model[@base_url]``::

    openai:gpt-5.4                                   OpenAI Responses, GA computer tool
    openai:computer-use-preview                      OpenAI Responses, preview tool
    anthropic:claude-sonnet-4-6                      Anthropic Messages, computer_20251124
    openai-compat:ui-tars-1.5@http://localhost:8000/v1   chat completions, UI-TARS grammar
    openai-compat:qwen2.5-vl-72b@http://gpu:8000/v1      chat completions, pyautogui code

A ``@base_url`` in the spec and ``base_url=`` do the same thing; the keyword wins. Keys come from
``OPENAI_API_KEY``, ``ANTHROPIC_API_KEY`` and ``OPENAI_COMPAT_API_KEY`` unless ``api_key=`` is given.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from actions import UserError

from ..safety.approval import Approver
from .anthropic_messages import AnthropicMessagesModel
from .base import Effort, Model
from .images import ImageFormat
from .openai_compat import OpenAICompatModel
from .openai_responses import OpenAIResponsesModel
from .prices import PriceTable
from .retry import RetryPolicy

__all__ = ["PROVIDERS", "make_model", "parse_spec"]

PROVIDERS = {"openai": OpenAIResponsesModel, "anthropic": AnthropicMessagesModel, "openai-compat": OpenAICompatModel}
_EFFORTS = ("none", "low", "medium", "high", "xhigh")


def parse_spec(spec: str) -> tuple[str, str, str | None]:
    """``provider:model[@base_url]`` into its three parts."""
    provider, sep, rest = spec.partition(":")
    model, _, base_url = rest.partition("@")
    if not sep or not provider or not model:
        raise UserError(f"model spec {spec!r} must look like provider:model, e.g. openai:gpt-5.4, "
                        f"anthropic:claude-sonnet-4-6 or openai-compat:ui-tars-1.5@http://localhost:8000/v1")
    return provider, model, base_url or None


def make_model(spec: str, *, effort: Effort = "medium", approver: Approver | None = None,
               image_format: ImageFormat = "png", base_url: str | None = None, api_key: str | None = None,
               prices: PriceTable | str | Path | dict[str, Any] | None = None,
               retry: RetryPolicy | None = None, timeout: float = 300.0, **options: Any) -> Model:
    """Build the adapter a spec names.

    ``options`` go to the adapter: ``environment`` (OpenAI), ``keep_images``/``prune_batch``
    (Anthropic, open models), ``grammar``/``language``/``max_tokens`` (open models). Raises
    ``UserError`` for an unknown provider, effort or option, a missing key or server.
    """
    provider, model, spec_url = parse_spec(spec)
    if provider == "replay":
        from .replay import ReplayModel

        return ReplayModel.from_file(spec.removeprefix("replay:"))
    if provider not in PROVIDERS:
        raise UserError(f"unknown model provider {provider!r} in {spec!r}; use one of {', '.join(PROVIDERS)}")
    if effort not in _EFFORTS:
        raise UserError(f"effort must be one of {', '.join(_EFFORTS)}, got {effort!r}")
    if image_format not in ("png", "jpeg"):
        raise UserError(f"image_format must be 'png' or 'jpeg', got {image_format!r}")
    table = prices if isinstance(prices, PriceTable) else PriceTable.load(prices)
    try:
        return PROVIDERS[provider](
            model, effort=effort, approver=approver, image_format=image_format,
            base_url=base_url or spec_url, api_key=api_key, prices=table, retry=retry, timeout=timeout,
            name=spec, **options,
        )
    except TypeError as exc:
        raise UserError(f"{provider}: {exc}".replace("__init__() ", "")) from exc
