"""Browser specifics on a real headless Chromium: navigation, tabs, guards, code mode, crashes."""

from __future__ import annotations

import asyncio
import contextlib
import os
import signal
from pathlib import Path

import pytest

from actions import Click, KeyPress, Navigate, RunScript, TypeText, Zoom
from environments import Browser, BrowserCrashed

from ..conftest import Surface, free_port



async def test_navigate_changes_the_url(browser_surface: Surface) -> None:
    target = browser_surface.base_url + "/pages/other.html"
    result = await browser_surface.env.execute(Navigate(url=target))
    assert result.ok and result.changed
    observation = await browser_surface.env.observe()
    assert observation.url == target
    assert await browser_surface.page.text_content("#title") == "The other page"


async def test_navigate_to_a_dead_port_is_an_error_for_the_model(browser_surface: Surface) -> None:
    result = await browser_surface.env.execute(Navigate(url=f"http://127.0.0.1:{free_port()}/"))
    assert not result.ok
    assert "ERR_CONNECTION_REFUSED" in (result.error or "")
    assert (await browser_surface.env.execute(Navigate(url=browser_surface.base_url + "/pages/other.html"))).ok


async def test_a_tab_opened_by_the_page_becomes_the_active_page(browser_surface: Surface) -> None:
    assert isinstance(browser_surface.env, Browser)
    first = browser_surface.env.page
    result = await browser_surface.env.execute(Click(x=80, y=488))
    assert result.ok
    assert browser_surface.env.page is not first
    observation = await browser_surface.env.observe()
    assert observation.url is not None and observation.url.endswith("other.html?tab=new")
    await browser_surface.env.page.close()
    assert browser_surface.env.page is first


async def test_settle_waits_for_the_request_a_click_started(browser_surface: Surface) -> None:
    result = await browser_surface.env.execute(Click(x=660, y=70))  # fetches /slow?ms=400, then shows it
    assert result.ok and result.changed
    assert await browser_surface.value("#status", "el => el.textContent") == "saved"
    assert result.settle_ms >= 300


async def test_run_script_in_python_and_javascript(browser_surface: Surface) -> None:
    result = await browser_surface.env.execute(RunScript(code="await page.fill('#text', 'from code')\nreturn await page.title()"))
    assert result.ok, result.error
    assert result.output == "screenloop input test page"
    assert await browser_surface.value("#text") == "from code"
    result = await browser_surface.env.execute(RunScript(code="document.querySelectorAll('button').length", language="javascript"))
    assert result.output == "4"


async def test_a_failing_or_slow_script_is_an_error_for_the_model(browser_surface: Surface) -> None:
    broken = await browser_surface.env.execute(RunScript(code="await page.click('#missing', timeout=200)"))
    assert not broken.ok and "TimeoutError" in (broken.error or "")
    slow = await browser_surface.env.execute(RunScript(code="import asyncio\nawait asyncio.sleep(5)", timeout=0.3))
    assert not slow.ok and "did not finish within 0.3 s" in (slow.error or "")


async def test_zoom_returns_the_region_at_full_resolution(browser_surface: Surface) -> None:
    result = await browser_surface.env.execute(Zoom(region=(40, 40, 240, 100)))
    assert result.ok and result.image is not None
    assert result.image.size == (200, 60)


async def test_keys_and_text_reach_the_page(browser_surface: Surface) -> None:
    await browser_surface.env.execute(Click(x=250, y=160))
    await browser_surface.env.execute(TypeText(text="abc"))
    await browser_surface.env.execute(KeyPress(keys=["BackSpace"]))
    assert await browser_surface.value("#text") == "ab"


async def test_request_guard_blocks_navigation_and_names_the_reason(page_server: str) -> None:
    def guard(url: str) -> str | None:
        return None if url.startswith(page_server) else "not on the allow-list"

    async with Browser(request_guard=guard) as env:
        assert (await env.execute(Navigate(url=page_server + "/pages/other.html"))).ok
        blocked = await env.execute(Navigate(url="http://localhost:1/secret"))
        assert not blocked.ok
        assert "blocked: not on the allow-list" in (blocked.error or "")
        assert env.page.url == page_server + "/pages/other.html"


def chromium_pids() -> set[int]:
    pids = set()
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                if b"playwright_chromiumdev_profile" in (entry / "cmdline").read_bytes():
                    pids.add(int(entry.name))
            except OSError:
                pass
    return pids


async def test_a_killed_browser_gives_a_clear_error_and_closes_cleanly() -> None:
    before = chromium_pids()
    env = Browser()
    await env.start()
    try:
        for pid in chromium_pids() - before:
            os.kill(pid, signal.SIGKILL)
        with pytest.raises(BrowserCrashed, match="browser is gone"):
            for _ in range(50):
                await env.execute(Click(x=10, y=10))
                await asyncio.sleep(0.05)
    finally:
        await env.close()


async def test_a_crashed_page_gives_a_clear_error() -> None:
    async with Browser() as env:
        with contextlib.suppress(Exception):
            await env.page.goto("chrome://crash", timeout=5000)
        with pytest.raises(BrowserCrashed, match="crashed|stopped responding"):
            await env.observe()
