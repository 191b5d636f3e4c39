"""The Playwright browser.

- ``Browser`` (Chromium through Playwright, the request guard, the DOM activity probe, code mode):
  ``browser.py``
- finding Debian's Chromium, its flags, profiles and the kiosk command line: ``chromium.py``
"""

from .browser import Browser, RequestGuard
from .chromium import CHROMIUM_ARGS, find_chromium, kiosk_argv, kiosk_shell_command, prepare_profile

__all__ = ["Browser", "CHROMIUM_ARGS", "RequestGuard", "find_chromium", "kiosk_argv", "kiosk_shell_command",
           "prepare_profile"]
