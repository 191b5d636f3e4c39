"""Shared test fixtures: a local page server, a real Xvfb desktop with Chromium on it, a real
headless browser, and a ``surface`` that runs a test on both.

Nothing here is mocked. The desktop fixture starts a real Xvfb and a real Chromium in kiosk mode on
it; input goes through XTEST like in production. Only to *read back* what the page saw (and to
load the next test page) do the tests talk to that Chromium over its DevTools port.
"""

from __future__ import annotations

import asyncio
import json
import socket
import sys
import threading
import time
import urllib.request
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlparse

import pytest
from playwright.async_api import Page, async_playwright

from environments import Browser, Desktop

TESTS = Path(__file__).parent


class _Handler(SimpleHTTPRequestHandler):
    """Serves ``tests/``; ``/slow?ms=N`` answers "saved" after N milliseconds; ``POST /submit``
    stores a JSON form, ``GET /submissions`` lists them, ``POST /delete`` is the dangerous button.
    Every request's path is kept in ``requests`` (what reached this server, and what did not)."""

    submissions: list[dict[str, Any]] = []
    deletions: list[float] = []
    requests: list[str] = []

    def do_POST(self) -> None:  # noqa: N802
        _Handler.requests.append(self.path)
        body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
        if self.path == "/submit":
            record = json.loads(body or b"{}")
            _Handler.submissions.append(record)
            self._json({"id": len(_Handler.submissions)})
        elif self.path == "/delete":
            _Handler.deletions.append(time.time())
            self._json({"deleted": True})
        else:
            self.send_error(404)

    def _json(self, data: Any) -> None:
        payload = json.dumps(data).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, directory=str(TESTS), **kwargs)

    def do_GET(self) -> None:  # noqa: N802 - http.server's naming
        _Handler.requests.append(self.path)
        url = urlparse(self.path)
        if url.path == "/submissions":
            self._json({"submissions": _Handler.submissions, "deletions": len(_Handler.deletions)})
            return
        if url.path == "/slow":
            time.sleep(int(parse_qs(url.query).get("ms", ["300"])[0]) / 1000)
            body = b"saved"
            self.send_response(200)
            self.send_header("Content-Type", "text/plain")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)
            return
        super().do_GET()

    def log_message(self, *args: Any) -> None:
        pass


@pytest.fixture(scope="session")
def page_server() -> Iterator[str]:
    """Base URL of a local HTTP server serving ``tests/pages``."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()


@pytest.fixture
def submissions(page_server: str) -> list[dict[str, Any]]:
    """What the form page saved during this test (cleared before it)."""
    _Handler.submissions.clear()
    _Handler.deletions.clear()
    return _Handler.submissions


@pytest.fixture
def page_requests(page_server: str) -> list[str]:
    """The paths the page server was asked for, in order (every request of the session: tests
    look for a path of their own making)."""
    return _Handler.requests


@pytest.fixture
def deletions(submissions: list[dict[str, Any]]) -> list[float]:
    return _Handler.deletions


def saved_check(page_server: str, customer: str) -> str:
    """A ``command:`` check that passes when the form page saved an invoice for ``customer``."""
    return (f"command:{sys.executable} -c \"import json,sys,urllib.request;"
            f"d=json.load(urllib.request.urlopen('{page_server}/submissions'));"
            f"sys.exit(0 if any(s['customer']=='{customer}' for s in d['submissions']) else 1)\"")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


async def wait_for_url(url: str, timeout: float = 20.0) -> None:
    deadline = time.monotonic() + timeout
    while True:
        try:
            await asyncio.to_thread(urllib.request.urlopen, url, None, 1)
            return
        except OSError:
            if time.monotonic() > deadline:
                raise TimeoutError(f"{url} did not answer within {timeout} s") from None
            await asyncio.sleep(0.1)


@pytest.fixture(scope="session")
async def desktop() -> AsyncIterator[Desktop]:
    async with Desktop(1280, 800) as env:
        yield env


@pytest.fixture(scope="session")
async def desktop_page(desktop: Desktop) -> AsyncIterator[Page]:
    """The page of a real Chromium in kiosk mode on the desktop, reached over DevTools for reading."""
    port = free_port()
    await desktop.launch_chromium("about:blank", debugging_port=port)
    await wait_for_url(f"http://127.0.0.1:{port}/json/version")
    async with async_playwright() as playwright:
        browser = await playwright.chromium.connect_over_cdp(f"http://127.0.0.1:{port}")
        context = browser.contexts[0]
        while not context.pages:
            await asyncio.sleep(0.05)
        yield context.pages[0]
        await browser.close()


@pytest.fixture(scope="session")
async def browser() -> AsyncIterator[Browser]:
    async with Browser(1280, 800, headless=True) as env:
        yield env


@dataclass
class Surface:
    """An environment plus the page it shows, so one test runs on Desktop and on Browser."""

    kind: str
    env: Desktop | Browser
    base_url: str
    control: Page | None = None
    """On the desktop: the kiosk Chromium's page over DevTools. In the browser: None (use env.page)."""

    @property
    def page(self) -> Page:
        return self.control if self.control is not None else self.env.page  # type: ignore[union-attr]

    async def load(self, path: str = "/pages/input.html") -> None:
        await self.page.goto(self.base_url + path)
        await self.page.wait_for_function("document.readyState === 'complete'")
        # Two frames, so the first paint is on screen before XTEST input arrives.
        await self.page.evaluate("new Promise(r => requestAnimationFrame(() => requestAnimationFrame(r)))")

    async def events(self, kind: str | None = None) -> list[dict[str, Any]]:
        events = await self.page.evaluate("window.__events")
        return [e for e in events if kind is None or e["type"] == kind]

    async def value(self, selector: str, expression: str = "el => el.value") -> Any:
        return await self.page.eval_on_selector(selector, expression)

    async def wait_for(self, expression: str, timeout: float = 5.0) -> Any:
        """Wait until a page expression is truthy; the page may lag a little behind X input."""
        handle = await self.page.wait_for_function(expression, timeout=timeout * 1000)
        return json.loads(json.dumps(await handle.json_value()))


@pytest.fixture
async def surface(
    request: pytest.FixtureRequest, page_server: str, desktop: Desktop, desktop_page: Page, browser: Browser
) -> Surface:
    if request.param == "desktop":
        result = Surface("desktop", desktop, page_server, control=desktop_page)
    else:
        result = Surface("browser", browser, page_server)
    await result.load()
    return result


@pytest.fixture
async def browser_surface(page_server: str, browser: Browser) -> Surface:
    result = Surface("browser", browser, page_server)
    await result.load()
    return result


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    explicit = any("surface" in str(m.args[0]) for m in metafunc.definition.iter_markers("parametrize"))
    if "surface" in metafunc.fixturenames and not explicit:
        metafunc.parametrize("surface", ["desktop", "browser"], indirect=True)
