"""Where actions run: a virtual X11 desktop, a Playwright browser, or a remote sandbox.

Table of contents:

- the contract (``Environment``, ``Observation``, ``ActionResult``): ``environments/base.py``
- ``Desktop`` (Xvfb, window manager, XTEST input, MIT-SHM capture): ``environments/desktop.py``
  and ``environments/x11.py``
- ``Browser`` (Playwright Chromium): ``environments/browser.py``
- ``Remote`` (the contract over HTTP) and ``screenloop serve``: ``environments/remote.py`` and
  ``environments/server.py``; the protocol between them: ``environments/_wire.py``
- ``Sandbox`` (a container or a bubblewrap sandbox, driven as a ``Remote``): ``environments/sandbox.py``;
  its allow-list of hosts, a filtering proxy on the host: ``environments/_proxy.py``
- host patterns (``*.example.com``, ``127.0.0.1:8080``), shared with the policy: ``environments/_hosts.py``
- settle instead of sleep: ``environments/settle.py``
- errors that mean the machine broke: ``environments/errors.py``
"""

from .base import ActionResult, BaseEnvironment, Environment, EnvironmentState, Lifecycle, Observation
from .browser import Browser
from .chromium import CHROMIUM_ARGS, find_chromium, kiosk_argv, kiosk_shell_command, prepare_profile
from .desktop import Desktop
from ._hosts import host_matches
from ._proxy import ProxyRecord
from .errors import BrowserCrashed, DisplayError, EnvironmentClosed, EnvironmentFailure, RemoteUnreachable
from .remote import Remote
from .sandbox import DEFAULT_IMAGE, PROXY_PORT, Sandbox, novnc_url
from .settle import SettlePolicy, Settled, wait_until_stable

__all__ = [
    "ActionResult",
    "BaseEnvironment",
    "Browser",
    "BrowserCrashed",
    "CHROMIUM_ARGS",
    "DEFAULT_IMAGE",
    "Desktop",
    "DisplayError",
    "Environment",
    "EnvironmentClosed",
    "EnvironmentFailure",
    "EnvironmentState",
    "Lifecycle",
    "Observation",
    "PROXY_PORT",
    "ProxyRecord",
    "Remote",
    "RemoteUnreachable",
    "Sandbox",
    "SettlePolicy",
    "Settled",
    "find_chromium",
    "host_matches",
    "kiosk_argv",
    "kiosk_shell_command",
    "novnc_url",
    "prepare_profile",
    "wait_until_stable",
]
