"""``screenloop selfcheck``: prove the machine can run screenloop, in a few seconds.

Starts a Desktop (Xvfb + window manager), serves a one-button page on loopback, opens Debian's
Chromium on it, clicks the button through XTEST, and reports what the page itself registered.
"""

from __future__ import annotations

import asyncio
import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from rich.console import Console

from actions import Click
from environments import Desktop, find_chromium

__all__ = ["run_selfcheck"]

_PAGE = b"""<!doctype html><html><head><meta charset="utf-8"><title>screenloop selfcheck</title></head>
<body style="margin:0;font:24px sans-serif">
<button id="go" style="position:absolute;left:100px;top:100px;width:300px;height:100px;font-size:24px">Click me</button>
<script>
document.getElementById('go').addEventListener('click', e => {
  e.target.textContent = 'Clicked'; e.target.style.background = '#2a2';
  fetch('/clicked', {method: 'POST', body: JSON.stringify({x: e.clientX, y: e.clientY, id: e.target.id})});
});
fetch('/loaded', {method: 'POST', body: '{}'});
</script></body></html>"""


class _Recorder(BaseHTTPRequestHandler):
    events: list[tuple[str, dict[str, Any]]]

    def do_GET(self) -> None:  # noqa: N802
        self.send_response(200)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.end_headers()
        self.wfile.write(_PAGE)

    def do_POST(self) -> None:  # noqa: N802
        body = self.rfile.read(int(self.headers.get("Content-Length", 0)) or 0)
        self.events.append((self.path, json.loads(body or b"{}")))
        self.send_response(204)
        self.end_headers()

    def log_message(self, *args: Any) -> None:
        pass


async def _wait(predicate, timeout: float) -> bool:  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() > deadline:
            return False
        await asyncio.sleep(0.05)
    return True


async def run_selfcheck(console: Console | None = None) -> int:
    """Run the check; returns a process exit code (0 when the page registered the click)."""
    out = console or Console()
    events: list[tuple[str, dict[str, Any]]] = []
    handler = type("Handler", (_Recorder,), {"events": events})
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    url = f"http://127.0.0.1:{server.server_address[1]}/"
    chromium = find_chromium()
    if chromium is None:
        out.print("[red]no Chromium found[/]: install Debian's chromium or set SCREENLOOP_CHROMIUM")
        return 1
    try:
        started = time.perf_counter()
        async with Desktop(1280, 800) as desktop:
            out.print(f"Desktop on display [bold]{desktop.display}[/] ({desktop.size[0]}x{desktop.size[1]}) "
                      f"up in {(time.perf_counter() - started) * 1000:.0f} ms")
            await desktop.launch_chromium(url)
            if not await _wait(lambda: any(path == "/loaded" for path, _ in events), 30):
                out.print(f"[red]Chromium did not load {url} within 30 s[/]")
                return 1
            before = await desktop.observe()
            await asyncio.sleep(0.3)  # first paint after load
            result = await desktop.execute(Click(x=250, y=150))
            registered = await _wait(lambda: any(path == "/clicked" for path, _ in events), 5)
            after = await desktop.observe()
            out.print(f"Chromium ({chromium}) showed {url}")
            out.print(f"Clicked (250, 150) through XTEST in {result.elapsed_ms - result.settle_ms:.1f} ms, "
                      f"screen settled after {result.settle_ms:.0f} ms, changed: {result.changed}")
            if not registered:
                out.print("[red]The page did not register the click.[/]")
                return 1
            click = next(data for path, data in events if path == "/clicked")
            pixel = after.image.getpixel((120, 180))
            out.print(f"The page registered a click on #{click['id']} at ({click['x']}, {click['y']}); "
                      f"the button is now {'green' if pixel[1] > 120 and pixel[0] < 100 else 'not green'} "
                      f"(digest {before.digest} -> {after.digest})")
            out.print("[green]selfcheck passed[/]")
            return 0
    finally:
        server.shutdown()
