"""The action language: one pydantic model per action, joined in a union tagged by ``type``.

Every model's output (OpenAI computer calls, Anthropic tool input, UI-TARS text, pyautogui code)
converts into these, and every environment executes only these. Coordinates are always screen
pixels of the environment's screen; foreign coordinates are mapped through ``actions.Frame`` at the
edge, before an action is built. The ``type`` names follow OpenAI's computer tool, the most widely
copied vocabulary, extended where other models need more.
"""

from __future__ import annotations

import re
from typing import Annotated, Any, Literal, Union

from pydantic import BaseModel, ConfigDict, Field, TypeAdapter, ValidationError, field_validator

from .errors import ActionParseError
from .keys import normalize_chord, normalize_key, parse_chord

__all__ = [
    "Action",
    "Button",
    "Click",
    "Done",
    "Drag",
    "Fail",
    "HoldKey",
    "KeyPress",
    "MouseDown",
    "MouseUp",
    "Move",
    "Navigate",
    "Point",
    "RunScript",
    "Screenshot",
    "Scroll",
    "TypeSecret",
    "TypeText",
    "Wait",
    "Zoom",
    "action_point",
    "parse_action",
    "parse_actions",
]

Button = Literal["left", "right", "middle", "back", "forward"]
"""Mouse buttons. ``back``/``forward`` are the side buttons (X buttons 8 and 9)."""

Coordinate = Annotated[int, Field(ge=0, description="Screen pixels from the left/top edge.")]


class _Action(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


def _held_keys(value: Any) -> tuple[str, ...]:
    if value is None:
        return ()
    if isinstance(value, str):
        return parse_chord(value) if value.strip() else ()
    return normalize_chord(list(value)) if value else ()


class Point(_Action):
    """A point in screen pixels."""

    x: Coordinate
    y: Coordinate


class Click(_Action):
    """Press and release a mouse button ``count`` times at a point, with ``keys`` held."""

    type: Literal["click"] = "click"
    x: Coordinate
    y: Coordinate
    button: Button = "left"
    count: int = Field(1, ge=1, le=3, description="1 single, 2 double, 3 triple click.")
    keys: tuple[str, ...] = Field((), description="Keys held during the click, e.g. ('shift',).")

    _keys = field_validator("keys", mode="before")(_held_keys)


class Move(_Action):
    """Move the pointer to a point."""

    type: Literal["move"] = "move"
    x: Coordinate
    y: Coordinate


class Drag(_Action):
    """Press at the first point, move through every point of ``path``, release at the last."""

    type: Literal["drag"] = "drag"
    path: tuple[Point, ...] = Field(min_length=2, description="At least a start and an end point.")
    button: Button = "left"
    keys: tuple[str, ...] = ()

    _keys = field_validator("keys", mode="before")(_held_keys)


class Scroll(_Action):
    """Scroll at a point by ``dx``/``dy`` pixels; positive ``dy`` scrolls down, positive ``dx`` right."""

    type: Literal["scroll"] = "scroll"
    x: Coordinate
    y: Coordinate
    dx: int = Field(0, description="Horizontal pixels; positive scrolls right.")
    dy: int = Field(0, description="Vertical pixels; positive scrolls down.")
    keys: tuple[str, ...] = ()

    _keys = field_validator("keys", mode="before")(_held_keys)


class TypeText(_Action):
    """Type text exactly as given; ``\\n`` presses Enter and ``\\t`` Tab."""

    type: Literal["type"] = "type"
    text: str = Field(min_length=1)


class KeyPress(_Action):
    """Press keys together as one chord (``('ctrl', 'a')``) and release them in reverse order."""

    type: Literal["keypress"] = "keypress"
    keys: tuple[str, ...] = Field(min_length=1)

    @field_validator("keys", mode="before")
    @classmethod
    def _chord(cls, value: Any) -> tuple[str, ...]:
        if isinstance(value, str):
            return parse_chord(value)
        return normalize_chord(list(value))


class MouseDown(_Action):
    """Press a mouse button and keep it pressed; at a point, or where the pointer is."""

    type: Literal["mouse_down"] = "mouse_down"
    x: Coordinate | None = None
    y: Coordinate | None = None
    button: Button = "left"


class MouseUp(_Action):
    """Release a mouse button; at a point, or where the pointer is."""

    type: Literal["mouse_up"] = "mouse_up"
    x: Coordinate | None = None
    y: Coordinate | None = None
    button: Button = "left"


class HoldKey(_Action):
    """Hold keys down for ``seconds``, then release them."""

    type: Literal["hold_key"] = "hold_key"
    keys: tuple[str, ...] = Field(min_length=1)
    seconds: float = Field(1.0, ge=0, le=30, description="How long to hold, in seconds.")

    @field_validator("keys", mode="before")
    @classmethod
    def _chord(cls, value: Any) -> tuple[str, ...]:
        if isinstance(value, str):
            return parse_chord(value)
        return tuple(normalize_key(k) for k in value)


class Wait(_Action):
    """Do nothing for ``seconds``; the screen is observed again afterwards."""

    type: Literal["wait"] = "wait"
    seconds: float = Field(1.0, ge=0, le=60, description="Seconds to wait.")


class Screenshot(_Action):
    """Ask for a fresh observation; changes nothing."""

    type: Literal["screenshot"] = "screenshot"


class Zoom(_Action):
    """Look at a region of the screen at full resolution; ``region`` is (left, top, right, bottom)."""

    type: Literal["zoom"] = "zoom"
    region: tuple[Coordinate, Coordinate, Coordinate, Coordinate]

    @field_validator("region")
    @classmethod
    def _box(cls, region: tuple[int, int, int, int]) -> tuple[int, int, int, int]:
        left, top, right, bottom = region
        if right <= left or bottom <= top:
            raise ValueError(f"region {region} is empty: need left < right and top < bottom")
        return region


_URL = re.compile(r"^(https?|file|about|data|chrome):", re.IGNORECASE)


class Navigate(_Action):
    """Load a URL in the browser."""

    type: Literal["navigate"] = "navigate"
    url: str = Field(min_length=1)

    @field_validator("url")
    @classmethod
    def _scheme(cls, url: str) -> str:
        url = url.strip()
        if "{{" in url:  # a workflow template ({{ inputs.base_url }}/login), checked once rendered
            return url
        if not _URL.match(url):
            if re.match(r"^[a-z][a-z0-9+.-]*:", url, re.IGNORECASE) and "://" in url:
                raise ValueError(f"unsupported URL scheme in {url!r}; use http or https")
            url = "https://" + url  # a bare host name, as models often write it
        return url


class RunScript(_Action):
    """Code mode: run a script against the browser page (Python with ``page``, or JavaScript)."""

    type: Literal["run_script"] = "run_script"
    code: str = Field(min_length=1)
    language: Literal["python", "javascript"] = "python"
    timeout: float = Field(30.0, gt=0, le=300, description="Seconds before the script is stopped.")


class TypeSecret(_Action):
    """Type the value of a named secret; the model only ever sees the name."""

    type: Literal["type_secret"] = "type_secret"
    name: str = Field(pattern=r"^[A-Za-z_][A-Za-z0-9_]*$")


class Done(_Action):
    """The model claims the task is finished. A claim, not a verdict: checks decide success."""

    type: Literal["done"] = "done"
    summary: str = ""


class Fail(_Action):
    """The model gives up, with a reason."""

    type: Literal["fail"] = "fail"
    reason: str = ""


Action = Annotated[
    Union[
        Click, Move, Drag, Scroll, TypeText, KeyPress, MouseDown, MouseUp, HoldKey, Wait,
        Screenshot, Zoom, Navigate, RunScript, TypeSecret, Done, Fail,
    ],
    Field(discriminator="type"),
]
"""Any action; pydantic picks the class from the ``type`` field."""

_ACTION = TypeAdapter(Action)
_ACTIONS = TypeAdapter(list[Action])


def parse_action(data: str | bytes | dict[str, Any]) -> Action:
    """Read one action from JSON text or a dict; errors name the field and are fed to the model."""
    try:
        if isinstance(data, (str, bytes)):
            return _ACTION.validate_json(data)
        return _ACTION.validate_python(data)
    except ValidationError as exc:
        raise ActionParseError(_describe(exc)) from exc


def parse_actions(data: str | bytes | list[Any]) -> list[Action]:
    """Read a JSON list of actions."""
    try:
        if isinstance(data, (str, bytes)):
            return _ACTIONS.validate_json(data)
        return _ACTIONS.validate_python(data)
    except ValidationError as exc:
        raise ActionParseError(_describe(exc)) from exc


def action_point(action: Action) -> tuple[int, int] | None:
    """The screen point an action targets, if it has one (the end point for a drag)."""
    match action:
        case Click() | Move() | Scroll():
            return (action.x, action.y)
        case MouseDown() | MouseUp() if action.x is not None and action.y is not None:
            return (action.x, action.y)
        case Drag():
            return (action.path[0].x, action.path[0].y)
        case _:
            return None


def _describe(exc: ValidationError) -> str:
    parts = []
    for error in exc.errors(include_url=False):
        location = ".".join(str(p) for p in error["loc"])
        message = error["msg"].removeprefix("Value error, ")
        parts.append(f"{location}: {message}" if location else message)
    return "invalid action: " + "; ".join(parts)
