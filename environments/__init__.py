"""Where actions run: a virtual X11 desktop, a Playwright browser, or a remote sandbox.

Table of contents:

- the contract (``Environment``, ``Observation``, ``ActionResult``): ``environments/base.py``
- ``Desktop`` (Xvfb, window manager, XTEST input, MIT-SHM capture): ``environments/desktop.py``
  and ``environments/x11.py``
- ``Browser`` (Playwright Chromium): ``environments/browser.py``
- settle instead of sleep: ``environments/settle.py``
- errors that mean the machine broke: ``environments/errors.py``
"""

from .base import ActionResult, BaseEnvironment, Environment, EnvironmentState, Observation
from .browser import Browser
from .chromium import CHROMIUM_ARGS, find_chromium, kiosk_argv, prepare_profile
from .desktop import Desktop
from .errors import BrowserCrashed, DisplayError, EnvironmentClosed, EnvironmentFailure, RemoteUnreachable
from .settle import SettlePolicy, Settled, wait_until_stable

__all__ = [
    "ActionResult",
    "BaseEnvironment",
    "Browser",
    "BrowserCrashed",
    "CHROMIUM_ARGS",
    "Desktop",
    "DisplayError",
    "Environment",
    "EnvironmentClosed",
    "EnvironmentFailure",
    "EnvironmentState",
    "Observation",
    "RemoteUnreachable",
    "SettlePolicy",
    "Settled",
    "find_chromium",
    "kiosk_argv",
    "prepare_profile",
    "wait_until_stable",
]
