"""screenloop's action language: pure data and conversions, no I/O.

Table of contents:

- ``Action`` and one class per action (``Click``, ``TypeText``, ...): ``actions/base.py``
- key names, normalized once: ``actions/keys.py``
- coordinates between the screen and the image a model sees: ``actions/frames.py``
- the error tree's root and the errors that mean "the action was bad": ``actions/errors.py``
- foreign formats (OpenAI, Anthropic, UI-TARS, pyautogui code), both directions: ``actions/formats/``
"""

from .base import (
    Action,
    Button,
    Click,
    Done,
    Drag,
    Fail,
    HoldKey,
    KeyPress,
    MouseDown,
    MouseUp,
    Move,
    Navigate,
    Point,
    RunScript,
    Screenshot,
    Scroll,
    TypeSecret,
    TypeText,
    Wait,
    Zoom,
    action_point,
    parse_action,
    parse_actions,
)
from .errors import (
    ActionError,
    ActionParseError,
    OffScreen,
    ScreenloopError,
    UnknownKey,
    UnsupportedAction,
    UserError,
)
from .formats import (
    WHEEL_PX,
    from_anthropic,
    from_openai,
    from_pyautogui,
    from_uitars,
    to_anthropic,
    to_openai,
    uitars_thought,
)
from .frames import Frame
from .keys import normalize_chord, normalize_key, parse_chord

__all__ = [
    "Action",
    "ActionError",
    "ActionParseError",
    "Button",
    "Click",
    "Done",
    "Drag",
    "Fail",
    "Frame",
    "HoldKey",
    "KeyPress",
    "MouseDown",
    "MouseUp",
    "Move",
    "Navigate",
    "OffScreen",
    "Point",
    "RunScript",
    "ScreenloopError",
    "Screenshot",
    "Scroll",
    "TypeSecret",
    "TypeText",
    "UnknownKey",
    "UnsupportedAction",
    "UserError",
    "WHEEL_PX",
    "Wait",
    "Zoom",
    "action_point",
    "from_anthropic",
    "from_openai",
    "from_pyautogui",
    "from_uitars",
    "normalize_chord",
    "normalize_key",
    "parse_action",
    "parse_actions",
    "parse_chord",
    "to_anthropic",
    "to_openai",
    "uitars_thought",
]
