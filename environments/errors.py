"""Errors that mean "the machine broke": the environment cannot go on, and the run must stop.

These are ``EnvironmentFailure`` in the tree drawn in ``actions/errors.py``. (Not
``EnvironmentError``: that name is a built-in alias of ``OSError``.) Unlike ``ActionError``, they
are never fed back to a model: a model cannot fix a dead X server.
"""

from __future__ import annotations

from actions.errors import ScreenloopError

__all__ = ["BrowserCrashed", "DisplayError", "EnvironmentClosed", "EnvironmentFailure", "RemoteUnreachable"]


class EnvironmentFailure(ScreenloopError):
    """The environment cannot carry out actions any more."""


class DisplayError(EnvironmentFailure):
    """The X server is gone, never answered, or refused a request."""


class BrowserCrashed(EnvironmentFailure):
    """Chromium crashed, was closed, or lost its connection to Playwright."""


class RemoteUnreachable(EnvironmentFailure):
    """The ``screenloop serve`` endpoint cannot be reached, or went away."""


class EnvironmentClosed(EnvironmentFailure):
    """The environment was used before it was started or after it was closed."""
