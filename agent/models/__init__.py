"""Model adapters, one file per wire protocol, behind the contract in ``base.py``.

Table of contents:

- the contract (``Model``, ``ModelInput``, ``Turn``, ``Usage``): ``agent/models/base.py``
- ``make_model("openai:gpt-5.4")`` and the spec strings: ``agent/models/factory.py``
- OpenAI Responses (GA ``computer`` tool, ``computer_use_preview``): ``agent/models/openai_responses.py``
- Anthropic Messages (tool versions, thinking, caching, pruning): ``agent/models/anthropic_messages.py``
  and its per-model table ``agent/models/anthropic_profiles.py``
- open models over chat completions (UI-TARS, pyautogui code): ``agent/models/openai_compat.py``
- recorded turns played back: ``agent/models/replay.py``
- images sized per provider: ``images.py``; prices: ``prices.py`` + ``prices.yaml``; retries:
  ``retry.py``; the loopback-only switch for tests: ``guard.py``
"""

from .anthropic_messages import AnthropicMessagesModel
from .anthropic_profiles import ClaudeProfile, profile_for
from .base import ActionFeedback, Effort, Model, ModelInput, SafetyCheck, Turn, Usage
from .factory import make_model, parse_spec
from .guard import require_loopback_models
from .images import ImageFormat, ImageLimits
from .openai_compat import OpenAICompatModel
from .openai_responses import OpenAIResponsesModel
from .prices import Price, PriceTable
from .replay import ReplayModel
from .retry import RetryPolicy

__all__ = [
    "ActionFeedback",
    "AnthropicMessagesModel",
    "ClaudeProfile",
    "Effort",
    "ImageFormat",
    "ImageLimits",
    "Model",
    "ModelInput",
    "OpenAICompatModel",
    "OpenAIResponsesModel",
    "Price",
    "PriceTable",
    "ReplayModel",
    "RetryPolicy",
    "SafetyCheck",
    "Turn",
    "Usage",
    "make_model",
    "parse_spec",
    "profile_for",
    "require_loopback_models",
]
