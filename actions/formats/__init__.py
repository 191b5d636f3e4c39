"""Foreign action formats, converted at the edge: one module per format, both directions where
a wire or a replay needs it.

- OpenAI computer-tool actions: ``actions/formats/openai.py``
- Anthropic computer-tool input: ``actions/formats/anthropic.py``
- UI-TARS ``Thought/Action`` text: ``actions/formats/uitars.py``
- OSWorld pyautogui code, read with ``ast``: ``actions/formats/pyautogui_code.py``

Every parser returns ``list[Action]`` in screen pixels (through an optional ``Frame``) and raises
an ``ActionError`` whose message a model can act on.
"""

from ._common import WHEEL_PX
from .anthropic import from_anthropic, to_anthropic
from .openai import from_openai, to_openai
from .pyautogui_code import from_pyautogui
from .uitars import from_uitars, uitars_thought

__all__ = [
    "WHEEL_PX",
    "from_anthropic",
    "from_openai",
    "from_pyautogui",
    "from_uitars",
    "to_anthropic",
    "to_openai",
    "uitars_thought",
]
