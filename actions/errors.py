"""The root of screenloop's error tree, and the errors that mean "the action was bad".

Every package adds its own branch in its own ``errors.py``; the whole tree::

    ScreenloopError
    ├── UserError (ValueError)          misuse or bad configuration by the caller
    ├── ActionError                     the model's action was bad; fed back to the model, never ends a run
    │   ├── ActionParseError (ValueError)   a foreign action could not be read
    │   ├── UnknownKey (ValueError)         a key name no table knows
    │   ├── OffScreen (ValueError)          a point outside the frame it arrived in
    │   └── UnsupportedAction               this environment cannot run this action
    ├── EnvironmentFailure              the machine broke (environments/errors.py)
    │   ├── DisplayError                    the X server is gone or never answered
    │   ├── BrowserCrashed                  Chromium died or disconnected
    │   └── RemoteUnreachable               the sandbox server cannot be reached
    └── RunError                        (agent/errors.py) ends a run; ModelError, PolicyDenied, ...

``ActionError`` subclasses ``ValueError`` where they are raised inside pydantic validators, so that
pydantic reports them as validation errors naming the field.
"""

from __future__ import annotations

__all__ = [
    "ActionError",
    "ActionParseError",
    "OffScreen",
    "ScreenloopError",
    "UnknownKey",
    "UnsupportedAction",
    "UserError",
]


class ScreenloopError(Exception):
    """Base of every error screenloop raises on purpose."""

    run_dir: str | None = None
    """Set on an error that ended a run: the folder holding everything recorded before it."""


class UserError(ScreenloopError, ValueError):
    """The caller misused the API or gave a bad configuration."""


class ActionError(ScreenloopError):
    """The model's action was bad. The loop turns it into a failed ``ActionResult`` for the model."""


class ActionParseError(ActionError, ValueError):
    """A model's reply could not be read as actions. The message is written for the model to act on."""


class UnknownKey(ActionError, ValueError):
    """A key name that no spelling table knows."""

    def __init__(self, key: str, hint: str = "") -> None:
        self.key = key
        message = f"unknown key {key!r}"
        if hint:
            message += f"; {hint}"
        super().__init__(message)


class OffScreen(ActionError, ValueError):
    """A point outside the frame it arrived in. The message gives the valid range in that frame."""

    def __init__(self, x: float, y: float, width: int, height: int, space: str = "screen") -> None:
        self.x, self.y, self.width, self.height, self.space = x, y, width, height, space
        super().__init__(
            f"point ({x:g}, {y:g}) is outside the {space} ({width}x{height}): "
            f"x must be in 0..{width - 1} and y in 0..{height - 1}"
        )


class UnsupportedAction(ActionError):
    """The environment cannot run this kind of action (for example ``navigate`` on a bare desktop)."""
