"""Desktop lifecycle on real Xvfb: displays, concurrency, stale locks, dead servers, cleanup."""

from __future__ import annotations

import asyncio
import os
import signal
from pathlib import Path

import pytest

from actions import Click, Navigate, TypeText
from environments import Desktop, DisplayError, EnvironmentClosed

from ..conftest import Surface


def alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    # A zombie is dead for our purposes.
    status = Path(f"/proc/{pid}/status")
    return status.exists() and "zombie" not in status.read_text()


async def test_two_desktops_run_side_by_side_on_different_displays() -> None:
    async with Desktop(640, 480) as first, Desktop(800, 600) as second:
        assert first.display != second.display
        a, b = await asyncio.gather(first.observe(), second.observe())
        assert (a.width, a.height) == (640, 480)
        assert (b.width, b.height) == (800, 600)


async def test_concurrent_starts_get_distinct_displays() -> None:
    desktops = [Desktop(320, 240, window_manager=None) for _ in range(3)]
    try:
        await asyncio.gather(*(d.start() for d in desktops))
        assert len({d.display for d in desktops}) == 3
    finally:
        await asyncio.gather(*(d.close() for d in desktops))


async def test_stale_lock_files_of_dead_servers_do_not_stop_a_start() -> None:
    # Lock files naming a process that no longer exists, on the next free display numbers.
    dead = await asyncio.create_subprocess_exec("true")
    await dead.wait()
    planted = []
    for number in range(0, 40):
        lock = Path(f"/tmp/.X{number}-lock")
        if not lock.exists() and len(planted) < 3:
            lock.write_text(f"{dead.pid:>10}\n")
            planted.append(lock)
    try:
        async with Desktop(320, 240, window_manager=None) as desktop:
            assert (await desktop.observe()).width == 320
    finally:
        for lock in planted:
            if lock.exists() and lock.read_text().strip() == str(dead.pid):
                lock.unlink()


async def test_closing_leaves_no_process_behind() -> None:
    desktop = Desktop(320, 240)
    await desktop.start()
    app = await desktop.launch(["sleep", "300"])
    pids = [app.pid, desktop._xvfb.pid, desktop._wm.pid]  # type: ignore[union-attr]
    assert all(alive(pid) for pid in pids)
    await desktop.close()
    assert not any(alive(pid) for pid in pids)
    with pytest.raises(EnvironmentClosed, match="closed"):
        await desktop.observe()


async def test_a_killed_x_server_gives_a_clear_error_quickly() -> None:
    async with Desktop(320, 240) as desktop:
        await desktop.observe()
        os.kill(desktop._xvfb.pid, signal.SIGKILL)  # type: ignore[union-attr]
        started = asyncio.get_running_loop().time()
        with pytest.raises(DisplayError, match=f"{desktop.display}"):
            for _ in range(50):  # the very next call should fail; allow the OS a moment to reap
                await desktop.execute(Click(x=10, y=10))
                await asyncio.sleep(0.05)
        assert asyncio.get_running_loop().time() - started < 10
        with pytest.raises(DisplayError):
            await desktop.observe()


async def test_using_a_desktop_before_start_says_how() -> None:
    with pytest.raises(EnvironmentClosed, match="async with Desktop"):
        await Desktop().observe()


async def test_navigate_on_a_bare_desktop_is_an_error_for_the_model(desktop: Desktop) -> None:
    result = await desktop.execute(Navigate(url="http://example.com"))
    assert not result.ok and "needs a browser" in (result.error or "")


@pytest.mark.parametrize("surface", ["desktop"], indirect=True)
async def test_pyautogui_backend_drives_the_same_display(surface: Surface) -> None:
    assert isinstance(surface.env, Desktop)
    async with Desktop(display=surface.env.display, input_backend="pyautogui") as host:
        assert host.size == (1280, 800)
        await host.execute(Click(x=250, y=160))
        await host.execute(TypeText(text="via pyautogui"))
        await host.execute(Click(x=400, y=70, button="right"))
    await surface.wait_for("document.getElementById('text').value === 'via pyautogui'")
    downs = [(e["id"], e["button"]) for e in await surface.events("mousedown")]
    assert downs == [("text", 0), ("btn-b", 2)]


@pytest.mark.parametrize("surface", ["desktop"], indirect=True)
async def test_attaching_to_a_display_starts_and_stops_nothing(surface: Surface) -> None:
    assert isinstance(surface.env, Desktop)
    async with Desktop(display=surface.env.display) as attached:
        assert attached._xvfb is None and attached._wm is None
        await attached.execute(Click(x=140, y=70))
    # The desktop it attached to still works.
    assert (await surface.env.execute(Click(x=400, y=70))).ok
    await surface.wait_for("window.__events.filter(e => e.type === 'click').length === 2")
