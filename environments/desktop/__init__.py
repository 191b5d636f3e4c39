"""The virtual X11 desktop.

- ``Desktop`` (its own Xvfb or an attached display, the window manager, launching programs):
  ``desktop.py``
- XTEST input, MIT-SHM capture and the one X thread every call runs on: ``x11.py``
- typing non-ASCII text through a clipboard we own: ``_clipboard.py``; the pyautogui input
  backend for real host desktops: ``_pyautogui_input.py``
"""

from .desktop import Desktop

__all__ = ["Desktop"]
