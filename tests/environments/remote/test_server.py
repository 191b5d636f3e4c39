"""``screenloop serve`` and ``Remote``: a real Desktop (Xvfb + kiosk Chromium) behind a real uvicorn
server, driven over real HTTP. The page records what it received; nothing is mocked."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import pytest

from actions import Click, TypeText, UserError, Zoom
from environments import Browser, Desktop, Remote, RemoteUnreachable
from environments.remote.server import bind_socket, create_app, uvicorn_server

from ...conftest import Surface, free_port

TOKEN = "test-token-0123456789"


@contextlib.asynccontextmanager
async def running(env: Desktop | Browser, port: int | None = None, **options: object) -> AsyncIterator[str]:
    """Serve an already started environment on loopback; yields the base URL."""
    sock = bind_socket("127.0.0.1", port or 0)
    server = uvicorn_server(create_app(env, TOKEN, manage=False, **options))  # type: ignore[arg-type]
    task = asyncio.create_task(server.serve(sockets=[sock]))
    try:
        for _ in range(200):
            if server.started or task.done():
                break
            await asyncio.sleep(0.02)
        assert server.started, "the test server did not start"
        yield f"http://127.0.0.1:{sock.getsockname()[1]}"
    finally:
        server.should_exit = True
        await asyncio.wait_for(task, 10)
        sock.close()


@pytest.fixture
async def server(desktop: Desktop) -> AsyncIterator[str]:
    async with running(desktop, max_body=4096) as url:
        yield url


@pytest.fixture
async def page(desktop_page, page_server: str, desktop: Desktop) -> Surface:  # type: ignore[no-untyped-def]
    surface = Surface("desktop", desktop, page_server, control=desktop_page)
    await surface.load()
    return surface


def auth(token: str = TOKEN) -> dict[str, str]:
    return {"authorization": f"Bearer {token}"}


@pytest.mark.parametrize("headers", [{}, auth("wrong-token"), {"authorization": TOKEN}], ids=["none", "wrong", "not-bearer"])
async def test_requests_without_the_token_are_refused(server: str, page: Surface, headers: dict[str, str]) -> None:
    async with httpx.AsyncClient(base_url=server, headers=headers) as client:
        for method, path, body in [("GET", "/health", None), ("GET", "/observe", None),
                                   ("POST", "/execute", b'{"type": "click", "x": 140, "y": 70}'),
                                   ("POST", "/launch", b'{"argv": ["true"]}'), ("GET", "/nowhere", None)]:
            response = await client.request(method, path, content=body)
            assert response.status_code == 401, (path, response.text)
            assert "token" in response.json()["detail"]
    await asyncio.sleep(0.2)
    assert await page.events("click") == []  # the refused click never reached the screen


@pytest.mark.parametrize(("body", "reason"), [
    (b'{"type": "click", "x": 1', "Invalid JSON"),
    (b'{"type": "clack", "x": 1, "y": 2}', "'clack'"),
    (b'{"type": "click", "y": 2}', "click.x: Field required"),
    (b'{"type": "click", "x": -4, "y": 2}', "click.x"),
    (b'[1, 2]', "invalid action"),
])
async def test_malformed_actions_get_422_with_the_reason(server: str, body: bytes, reason: str) -> None:
    async with httpx.AsyncClient(base_url=server, headers=auth()) as client:
        response = await client.post("/execute", content=body)
    assert response.status_code == 422
    assert reason in response.json()["detail"]


async def test_bodies_over_the_limit_get_413(server: str) -> None:
    big = TypeText(text="x" * 5000).model_dump_json().encode()
    async with httpx.AsyncClient(base_url=server, headers=auth()) as client:
        response = await client.post("/execute", content=big)

        async def chunks() -> AsyncIterator[bytes]:  # no Content-Length: counted while read
            for _ in range(5):
                yield b" " * 1000

        streamed = await client.post("/execute", content=chunks())
    assert response.status_code == 413 and "4096" in response.json()["detail"]
    assert streamed.status_code == 413


@pytest.mark.parametrize("image_format", ["raw", "png", "jpeg"])
async def test_observe_round_trip(server: str, desktop: Desktop, page: Surface, image_format: str) -> None:
    async with Remote(server, TOKEN, image_format=image_format) as remote:  # type: ignore[arg-type]
        assert remote.size == desktop.size and remote.kind == "desktop"
        observed = await remote.observe()
    local = await desktop.observe()
    assert (observed.width, observed.height) == desktop.size == observed.image.size
    assert observed.digest == local.digest  # the screen did not change in between
    assert observed.url is None
    if image_format in ("raw", "png"):
        assert observed.image.tobytes() == local.image.tobytes()
    else:
        corner = observed.image.getpixel((1000, 20))
        assert all(abs(a - b) <= 8 for a, b in zip(corner, local.image.getpixel((1000, 20))))


async def test_a_click_through_remote_lands_in_the_page(server: str, page: Surface) -> None:
    async with Remote(server, TOKEN) as remote:
        result = await remote.execute(Click(x=400, y=70))
        assert result.ok, result.error
        assert result.changed  # the page wrote "B clicked" in its status line
        off = await remote.execute(Click(x=5000, y=10))
    await page.wait_for("document.getElementById('status').textContent === 'B clicked'")
    clicks = await page.events("click")
    assert [(e["id"], e["x"], e["y"]) for e in clicks] == [("btn-b", 400, 70)]
    assert not off.ok and "outside the screen" in (off.error or "")


async def test_typing_and_zoom_through_remote(server: str, page: Surface, desktop: Desktop) -> None:
    async with Remote(server, TOKEN) as remote:
        assert (await remote.execute(Click(x=250, y=160))).ok
        assert (await remote.execute(TypeText(text="héllo wörld"))).ok
        zoom = await remote.execute(Zoom(region=(40, 140, 460, 180)))
    assert await page.value("#text") == "héllo wörld"
    assert zoom.ok and zoom.image is not None and zoom.image.size == (420, 40)


async def test_launch_runs_on_the_served_display(server: str, desktop: Desktop, tmp_path: Path) -> None:
    out = tmp_path / "display.txt"
    async with Remote(server, TOKEN) as remote:
        pid = await remote.launch(["sh", "-c", f'echo "$DISPLAY $GREETING" > {out}'], env={"GREETING": "hi"})
        with pytest.raises(UserError, match="no such program"):
            await remote.launch(["/nonexistent/program"])
    assert pid > 0
    for _ in range(100):
        if out.exists() and out.read_text().strip():
            break
        await asyncio.sleep(0.05)
    assert out.read_text().split() == [desktop.display, "hi"]


async def test_launch_needs_a_desktop(browser: Browser) -> None:
    async with running(browser) as url, Remote(url, TOKEN) as remote:
        assert remote.kind == "browser"
        with pytest.raises(UserError, match="needs a desktop"):
            await remote.launch(["true"])


async def test_remote_refuses_a_wrong_token_clearly(server: str) -> None:
    with pytest.raises(UserError, match="refused the token"):
        async with Remote(server, "wrong-token"):
            pass


async def test_remote_says_clearly_when_the_server_is_gone(desktop: Desktop) -> None:
    port = free_port()
    with pytest.raises(RemoteUnreachable, match="unreachable"):
        async with Remote(f"http://127.0.0.1:{port}", TOKEN, retries=1):
            pass
    async with running(desktop, port=port) as url:
        remote = Remote(url, TOKEN, retries=2, backoff=0.05)
        await remote.start()
        assert (await remote.observe()).width == desktop.size[0]
    try:
        with pytest.raises(RemoteUnreachable, match="is the server or its sandbox still running"):
            await remote.observe()
    finally:
        await remote.close()


async def test_remote_retries_while_the_server_comes_up(desktop: Desktop) -> None:
    port = free_port()
    remote = Remote(f"http://127.0.0.1:{port}", TOKEN)

    async def late_server() -> None:
        await asyncio.sleep(0.5)
        async with running(desktop, port=port):
            await asyncio.sleep(3)

    server_task = asyncio.create_task(late_server())
    try:
        await remote.wait_ready(timeout=10)
        assert remote.size == desktop.size
    finally:
        await remote.close()
        server_task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await server_task
