"""An in-process X clipboard owner, so non-ASCII text can be pasted exactly.

X key events can only type characters that have a keysym in the current keymap, and tools that
remap keys on the fly (xdotool) drop or mangle non-ASCII text. A clipboard paste carries any
Unicode text unchanged. We own the CLIPBOARD selection from our own X connection and answer the
application's requests ourselves, which also tells us *when* the application has read the text:
no subprocess (xclip buffers its status output on a pipe), and no guessing with sleeps.

The owner runs its own thread with its own X connection: X connections are not thread-safe, and
the selection must be served while the main connection is busy pressing ctrl+v.
"""

from __future__ import annotations

import select
import threading
import time

from Xlib import X, Xatom, display
from Xlib.protocol import event

__all__ = ["ClipboardOwner"]


class ClipboardOwner:
    """Offers one text on CLIPBOARD and reports when an application has read it."""

    def __init__(self, display_name: str) -> None:
        self._display = display.Display(display_name)
        self._window = self._display.screen().root.create_window(0, 0, 1, 1, 0, X.CopyFromParent)
        self._atoms = {
            name: self._display.intern_atom(name)
            for name in ("CLIPBOARD", "TARGETS", "UTF8_STRING", "TEXT", "TIMESTAMP")
        }
        self._lock = threading.Lock()
        self._data = b""
        self._served = threading.Event()
        self._stop = threading.Event()
        self._last_request = 0.0
        self._thread = threading.Thread(target=self._serve, name="screenloop-clipboard", daemon=True)
        self._thread.start()

    def offer(self, text: str) -> threading.Event:
        """Own CLIPBOARD with ``text``; returns an event set once an application has read it."""
        with self._lock:
            self._data = text.encode("utf-8")
            self._served = threading.Event()
            self._window.set_selection_owner(self._atoms["CLIPBOARD"], X.CurrentTime)
            # A round trip: the server answers only after it has processed the ownership change.
            owner = self._display.get_selection_owner(self._atoms["CLIPBOARD"])
            if owner.id != self._window.id:
                raise RuntimeError("another client took the X clipboard at the same moment")
            return self._served

    def wait_until_read(self, served: threading.Event, timeout: float = 2.0, quiet: float = 0.05) -> bool:
        """Wait until an application read the text and then stopped asking for ``quiet`` seconds.

        Chromium reads the clipboard more than once per paste (TARGETS, the text, then again); the
        text must not change until the last read, or the paste gets the next text.
        """
        deadline = time.monotonic() + timeout
        if not served.wait(timeout):
            return False
        while time.monotonic() - self._last_request < quiet and time.monotonic() < deadline:
            time.sleep(0.005)
        return True

    def close(self) -> None:
        self._stop.set()
        self._thread.join(timeout=1.0)
        try:
            self._display.close()
        except Exception:  # the X server may already be gone
            pass

    def _serve(self) -> None:
        fd = self._display.fileno()
        while not self._stop.is_set():
            try:
                readable, _, _ = select.select([fd], [], [], 0.05)
                if not readable and not self._display.pending_events():
                    continue
                with self._lock:
                    while self._display.pending_events():
                        self._handle(self._display.next_event())
            except Exception:  # connection closed: the display is going away
                return

    def _handle(self, ev: event.AnyEvent) -> None:
        if ev.type != X.SelectionRequest:
            return
        self._last_request = time.monotonic()
        target, prop = ev.target, ev.property or ev.target
        a = self._atoms
        if target == a["TARGETS"]:
            ev.requestor.change_property(
                prop, Xatom.ATOM, 32, [a["TARGETS"], a["UTF8_STRING"], Xatom.STRING, a["TEXT"]]
            )
        elif target in (a["UTF8_STRING"], a["TEXT"], Xatom.STRING):
            kind = a["UTF8_STRING"] if target != Xatom.STRING else Xatom.STRING
            ev.requestor.change_property(prop, kind, 8, self._data)
            self._served.set()
        else:
            prop = X.NONE
        notify = event.SelectionNotify(
            time=ev.time, requestor=ev.requestor, selection=ev.selection, target=target, property=prop
        )
        ev.requestor.send_event(notify)
        self._display.flush()
