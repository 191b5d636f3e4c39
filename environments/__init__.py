"""Where actions run: a virtual X11 desktop, a Playwright browser, or a remote sandbox.

Table of contents:

- the contract (``Environment``, ``Observation``, ``ActionResult``, the lifecycle): ``base.py``
- ``Desktop`` (Xvfb, window manager, XTEST input, MIT-SHM capture): ``desktop/``
- ``Browser`` (Playwright Chromium, the request guard): ``browser/``
- ``Remote`` (the contract over HTTP) and ``screenloop serve``: ``remote/``
- ``Sandbox`` (a container or bubblewrap, driven as a ``Remote``; its allow-list proxy): ``sandbox/``
- host patterns (``*.example.com``, ``127.0.0.1:8080``), shared with the policy: ``_hosts.py``
- settle instead of sleep: ``settle.py``
- errors that mean the machine broke: ``errors.py``
"""

from ._hosts import host_matches
from .base import ActionResult, BaseEnvironment, Environment, EnvironmentState, Lifecycle, Observation
from .browser import CHROMIUM_ARGS, Browser, find_chromium, kiosk_argv, kiosk_shell_command, prepare_profile
from .desktop import Desktop
from .errors import BrowserCrashed, DisplayError, EnvironmentClosed, EnvironmentFailure, RemoteUnreachable
from .remote import Remote
from .sandbox import DEFAULT_IMAGE, PROXY_PORT, ProxyRecord, Sandbox, novnc_url
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
