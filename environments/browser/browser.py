"""A Chromium browser driven through Playwright, headless or on a Desktop's display.

The browser is Debian's ``chromium`` by default (Playwright's own browser download is not assumed
to work), overridable with ``executable_path=`` or ``SCREENLOOP_CHROMIUM``. Input goes through
``page.mouse``/``page.keyboard`` in CSS pixels of a viewport the size of the screen, so screen
pixels and page pixels are the same thing.

Settling: a browser screenshot costs 30-50 ms, too much to poll. Instead a tiny script injected in
every document counts DOM activity (mutations, input, scroll), and the probe is that count plus
the URL, scroll position, focused element and selection length, made "busy" while document/fetch
requests are in flight or finite CSS animations run. It costs about a millisecond. It does not see pixels drawn
into a canvas without DOM changes; for such pages use a Desktop.
"""

from __future__ import annotations

import asyncio
import base64
import contextlib
import io
import os
import textwrap
import time
import zlib
from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Any

from PIL import Image
from playwright.async_api import Browser as PlaywrightBrowser
from playwright.async_api import BrowserContext, Page, Playwright, Request, Route, async_playwright
from playwright.async_api import Error as PlaywrightError

from actions import (
    Action,
    ActionError,
    Click,
    Done,
    Drag,
    Fail,
    HoldKey,
    KeyPress,
    MouseDown,
    MouseUp,
    Move,
    Navigate,
    RunScript,
    Screenshot,
    Scroll,
    TypeSecret,
    TypeText,
    UnsupportedAction,
    Wait,
    Zoom,
)
from actions.keys import playwright_key

from .._text import typable_runs
from ..base import BaseEnvironment, Observation
from .chromium import CHROMIUM_ARGS, find_chromium
from ..errors import BrowserCrashed
from ..settle import SettlePolicy

__all__ = ["Browser", "RequestGuard"]

BROWSER_SETTLE = SettlePolicy(interval=0.010, quiet=0.040, timeout=3.0)
"""The DOM probe sees every mutation and tracks requests in flight, so a shorter quiet window than
a pixel digest needs is enough in a browser."""

RequestGuard = Callable[[str], str | None]
"""Called with every request URL; returns a reason to block it, or None to let it through."""

_ACTIVITY_JS = """
(() => {
  if (window.__screenloop) return;
  const state = { n: 0 };
  const bump = () => { state.n++; };
  new MutationObserver(bump).observe(document, {subtree: true, childList: true, attributes: true, characterData: true});
  for (const name of ['input', 'change', 'scroll', 'resize', 'load'])
    document.addEventListener(name, bump, true);
  Object.defineProperty(window, '__screenloop', {value: state, enumerable: false});
})();
"""

_PROBE_JS = """
() => {
  const s = window.__screenloop;
  let animating = false;
  try {
    animating = document.getAnimations().some(a => a.playState === 'running'
      && a.effect && isFinite(a.effect.getComputedTiming().endTime));
  } catch (e) {}
  const active = document.activeElement;
  const focus = active ? active.tagName + '#' + active.id : '';
  const selection = String(getSelection ? getSelection() : '').length;
  return [s ? s.n : -1, location.href, scrollX, scrollY, document.readyState, focus, selection, animating];
}
"""

_BUSY_RESOURCES = frozenset({"document", "xhr", "fetch"})


class Browser(BaseEnvironment):
    """Playwright Chromium; ``page`` is the active tab (a tab the page opens becomes active)."""

    def __init__(
        self,
        width: int = 1280,
        height: int = 800,
        headless: bool = True,
        start_url: str | None = None,
        *,
        executable_path: str | None = None,
        display: str | None = None,
        request_guard: RequestGuard | None = None,
        settle: SettlePolicy | None = None,
        navigation_timeout: float = 30.0,
        extra_args: tuple[str, ...] = (),
        proxy: str | None = None,
    ) -> None:
        super().__init__(width, height, settle or BROWSER_SETTLE)
        self.headless = headless
        self.start_url = start_url
        self.executable_path = executable_path
        self.display = display
        self.request_guard = request_guard
        self.navigation_timeout = navigation_timeout
        self.extra_args = extra_args
        self.proxy = proxy
        """An HTTP proxy for every request, loopback included (a sandbox's allow-list), or None."""
        self.blocked: list[tuple[str, str]] = []
        """Requests refused by ``request_guard``: (url, reason)."""
        self._playwright: Playwright | None = None
        self._browser: PlaywrightBrowser | None = None
        self._context: BrowserContext | None = None
        self._pages: list[Page] = []
        self._inflight: set[Request] = set()
        self._crashed: str | None = None
        self._cdp: Any = None
        self._cdp_page: Page | None = None

    @property
    def page(self) -> Page:
        """The active Playwright page, for code mode and for tests."""
        self._require_open()
        if not self._pages:
            raise BrowserCrashed("the browser has no open page")
        return self._pages[-1]

    @property
    def context(self) -> BrowserContext:
        self._require_open()
        assert self._context is not None
        return self._context

    # lifecycle ----------------------------------------------------------------------------
    async def _start(self) -> None:
        executable = find_chromium(self.executable_path)
        self._playwright = await async_playwright().start()
        env = {**os.environ, "DISPLAY": self.display} if self.display else None
        try:
            self._browser = await self._playwright.chromium.launch(
                executable_path=executable,
                headless=self.headless,
                args=[*CHROMIUM_ARGS, "--force-device-scale-factor=1", *self.extra_args],
                env=env,
                proxy={"server": self.proxy} if self.proxy else None,  # Playwright adds <-loopback>
                timeout=30_000,
            )
        except PlaywrightError as exc:
            where = executable or "Playwright's bundled Chromium"
            raise BrowserCrashed(f"could not launch Chromium ({where}): {_first_line(exc)}") from exc
        self._browser.on("disconnected", lambda _: self._mark_crashed("Chromium disconnected"))
        width, height = self.size
        self._context = await self._browser.new_context(
            viewport={"width": width, "height": height}, device_scale_factor=1, screen={"width": width, "height": height}
        )
        self._context.set_default_navigation_timeout(self.navigation_timeout * 1000)
        await self._context.add_init_script(_ACTIVITY_JS)
        if self.request_guard is not None:
            await self._context.route("**/*", self._route)
        self._context.on("page", self._adopt)
        self._context.on("request", self._request_started)
        self._context.on("requestfinished", self._request_ended)
        self._context.on("requestfailed", self._request_ended)
        page = await self._context.new_page()
        if self.start_url:
            await self._goto(page, self.start_url)

    async def _close(self) -> None:
        for closer in (
            self._context.close if self._context else None,
            self._browser.close if self._browser else None,
            self._playwright.stop if self._playwright else None,
        ):
            if closer is not None:
                with contextlib.suppress(Exception):
                    await asyncio.wait_for(closer(), 10)

    def _adopt(self, page: Page) -> None:
        self._pages.append(page)
        page.on("close", self._forget)
        page.on("crash", lambda _: self._mark_crashed("the page crashed"))

    def _forget(self, page: Page) -> None:
        if page in self._pages:
            self._pages.remove(page)

    def _mark_crashed(self, reason: str) -> None:
        if self.state.value == "opened":
            self._crashed = self._crashed or reason

    def _request_started(self, request: Request) -> None:
        if request.resource_type in _BUSY_RESOURCES:
            self._inflight.add(request)

    def _request_ended(self, request: Request) -> None:
        self._inflight.discard(request)

    async def _route(self, route: Route) -> None:
        assert self.request_guard is not None
        url = route.request.url
        reason = self.request_guard(url)
        if reason is None:
            await route.continue_()
        else:
            self.blocked.append((url, reason))
            await route.abort("blockedbyclient")

    # observe ------------------------------------------------------------------------------
    async def _observe(self) -> Observation:
        async with self._errors("observe"):
            page = self.page
            if self._cdp_page is not page:
                self._cdp = await page.context.new_cdp_session(page)
                self._cdp_page = page
            shot = await self._capture()
            image = Image.open(io.BytesIO(base64.b64decode(shot["data"]))).convert("RGB")
            if image.size != self.size:  # the window may be larger on a headed display
                image = image.crop((0, 0, *self.size))
            return Observation(
                image=image, width=image.width, height=image.height, url=page.url,
                timestamp=time.time(), digest=f"{zlib.crc32(image.tobytes()):08x}",
            )

    async def _capture(self, attempts: int = 5) -> dict[str, Any]:
        """A screenshot over DevTools; a page between two documents refuses one for a moment."""
        for attempt in range(attempts):
            try:
                return await asyncio.wait_for(
                    self._cdp.send("Page.captureScreenshot", {"format": "png", "optimizeForSpeed": True}), 30)
            except PlaywrightError as exc:
                if "Unable to capture screenshot" not in str(exc) or attempt == attempts - 1:
                    raise
                await asyncio.sleep(0.1 * (attempt + 1))
        raise AssertionError("unreachable")

    async def _probe(self) -> str:
        async with self._errors("probe"):
            page = self.page
            try:
                state = await asyncio.wait_for(page.evaluate(_PROBE_JS), 5)
            except PlaywrightError:
                # A navigation destroyed the context mid-evaluate: that is activity, not failure.
                return f"navigating|{time.monotonic()}"
            busy = bool(self._inflight) or state[-1]
            return f"{len(self._pages)}|{state[:-1]}" + (f"|busy{time.monotonic()}" if busy else "")

    # execute ------------------------------------------------------------------------------
    async def _perform(self, action: Action) -> tuple[str | None, Image.Image | None] | None:
        async with self._errors(action.type):
            page = self.page
            mouse, keyboard = page.mouse, page.keyboard
            match action:
                case Click(button="back" | "forward"):
                    async with self._holding(action.keys):
                        await mouse.move(action.x, action.y)
                        for _ in range(action.count):
                            await (page.go_back() if action.button == "back" else page.go_forward())
                case Click():
                    async with self._holding(action.keys):
                        await mouse.click(action.x, action.y, button=action.button, click_count=action.count)
                case Move():
                    await mouse.move(action.x, action.y)
                case Drag():
                    _pointer_button(action.button)
                    async with self._holding(action.keys):
                        first = action.path[0]
                        await mouse.move(first.x, first.y)
                        await mouse.down(button=action.button)
                        try:
                            for start, end in zip(action.path, action.path[1:]):
                                await mouse.move(end.x, end.y, steps=max(1, _distance(start, end) // 12))
                        finally:
                            await mouse.up(button=action.button)
                case Scroll():
                    async with self._holding(action.keys):
                        await mouse.move(action.x, action.y)
                        await mouse.wheel(action.dx, action.dy)
                case TypeText():
                    for chunk, ascii_only in typable_runs(action.text):
                        await (keyboard.type(chunk) if ascii_only else keyboard.insert_text(chunk))
                case KeyPress():
                    async with self._holding(action.keys):
                        pass
                case MouseDown():
                    if action.x is not None and action.y is not None:
                        await mouse.move(action.x, action.y)
                    await mouse.down(button=_pointer_button(action.button))
                case MouseUp():
                    if action.x is not None and action.y is not None:
                        await mouse.move(action.x, action.y)
                    await mouse.up(button=_pointer_button(action.button))
                case HoldKey():
                    async with self._holding(action.keys):
                        await asyncio.sleep(action.seconds)
                case Wait():
                    await asyncio.sleep(action.seconds)
                case Navigate():
                    await self._goto(page, action.url)
                case RunScript():
                    return await self._run_script(action), None
                case Zoom():
                    return None, (await self._observe()).image.crop(action.region)
                case Screenshot() | Done() | Fail():
                    pass
                case TypeSecret():
                    raise UnsupportedAction("type_secret is resolved by the agent, which types the value")
        return None

    async def _goto(self, page: Page, url: str) -> None:
        blocked_before = len(self.blocked)
        try:
            await page.goto(url, wait_until="domcontentloaded")
        except PlaywrightError as exc:
            # Chromium goes on to load its error page; let it, or the next navigation is interrupted.
            message = str(exc)
            if "net::ERR_" in message and not any(c in message for c in ("ERR_ABORTED", "ERR_BLOCKED_BY_CLIENT")):
                with contextlib.suppress(PlaywrightError):
                    await page.wait_for_url(lambda u: u.startswith("chrome-error:"), timeout=2000)
            if len(self.blocked) > blocked_before:
                url_blocked, reason = self.blocked[-1]
                raise ActionError(f"navigation to {url_blocked} was blocked: {reason}") from exc
            if self._crashed or not (self._browser and self._browser.is_connected()):
                raise
            raise ActionError(f"navigation to {url} failed: {_first_line(exc)}") from exc

    @contextlib.asynccontextmanager
    async def _holding(self, keys: tuple[str, ...]):  # type: ignore[no-untyped-def]
        keyboard = self.page.keyboard
        pressed: list[str] = []
        try:
            for key in keys:
                name = playwright_key(key)
                await keyboard.down(name)
                pressed.append(name)
            yield
        finally:
            for name in reversed(pressed):
                with contextlib.suppress(PlaywrightError):
                    await keyboard.up(name)

    async def _run_script(self, action: RunScript) -> str:
        """Code mode: run the model's script against the active page, with a time limit."""
        page = self.page
        try:
            if action.language == "javascript":
                result = await asyncio.wait_for(page.evaluate(action.code), action.timeout)
            else:
                source = "async def __script(page, context):\n" + textwrap.indent(action.code, "    ")
                namespace: dict[str, Any] = {}
                exec(compile(source, "<run_script>", "exec"), namespace)  # noqa: S102 - code mode, see DESIGN
                script: Callable[..., Awaitable[Any]] = namespace["__script"]
                result = await asyncio.wait_for(script(page, page.context), action.timeout)
        except TimeoutError as exc:
            raise ActionError(f"the script did not finish within {action.timeout:g} s") from exc
        except (PlaywrightError, SyntaxError, NameError, TypeError, ValueError, AttributeError,
                KeyError, IndexError, RuntimeError) as exc:
            if isinstance(exc, PlaywrightError) and self._crashed:
                raise
            raise ActionError(f"the script failed: {type(exc).__name__}: {_first_line(exc)}") from exc
        return "" if result is None else str(result)

    @contextlib.asynccontextmanager
    async def _errors(self, what: str) -> AsyncIterator[None]:
        """Translate Playwright errors: a dead browser or page is ``BrowserCrashed``, the rest are
        the action's fault and go back to the model."""
        if self._crashed:
            raise BrowserCrashed(f"the browser is gone ({self._crashed}); cannot {what}")
        try:
            yield
        except PlaywrightError as exc:
            if await self._gone():
                raise BrowserCrashed(
                    f"the browser is gone ({self._crashed or 'disconnected'}): {_first_line(exc)}"
                ) from exc
            raise ActionError(f"{what} failed: {_first_line(exc)}") from exc

    async def _gone(self) -> bool:
        """After an error: is the browser or the active page dead? (A crash event can arrive late.)"""
        if self._crashed or not (self._browser and self._browser.is_connected()):
            return True
        try:
            await asyncio.wait_for(self.page.evaluate("1"), 2)
        except (PlaywrightError, TimeoutError, BrowserCrashed):
            self._crashed = self._crashed or "the page stopped responding"
            return True
        return False


def _pointer_button(button: str) -> Any:
    if button not in ("left", "right", "middle"):
        raise UnsupportedAction(f"the browser has no {button!r} mouse button for press/drag")
    return button


def _distance(a: Any, b: Any) -> int:
    return int(max(abs(a.x - b.x), abs(a.y - b.y)))




def _first_line(exc: BaseException) -> str:
    text = str(exc).strip()
    return text.splitlines()[0] if text else type(exc).__name__
