"""The sandbox's proxy (``environments/_proxy.py``) on its own, on the host: real sockets, the real
page server behind it, requests written the way a proxied client writes them."""

from __future__ import annotations

import asyncio
import json
import shutil
import tempfile
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from pathlib import Path

import pytest

from environments.sandbox._proxy import HostProxy

from ...conftest import free_port

Start = Callable[..., Awaitable[HostProxy]]


@pytest.fixture
def short_dir() -> Iterator[Path]:
    """A directory with a short path: a Unix socket's path is limited to 107 bytes."""
    path = Path(tempfile.mkdtemp(prefix="sl-proxy-"))
    yield path
    shutil.rmtree(path, ignore_errors=True)


@pytest.fixture
async def start(short_dir: Path) -> AsyncIterator[Start]:
    proxies: list[HostProxy] = []

    async def started(allow: list[str], deny: tuple[str, ...] = ()) -> HostProxy:
        proxy = HostProxy(allow, deny, log_path=str(short_dir / "proxy.log"))
        await proxy.start(str(short_dir / "proxy.sock"))
        proxies.append(proxy)
        return proxy

    yield started
    for proxy in proxies:
        await proxy.close()


async def ask(proxy_dir: Path, request: str) -> tuple[str, bytes, asyncio.StreamReader, asyncio.StreamWriter]:
    """Send a request to the proxy; the status line, the rest of the response head, and the stream."""
    reader, writer = await asyncio.open_unix_connection(str(proxy_dir / "proxy.sock"))
    writer.write(request.encode())
    head = await asyncio.wait_for(reader.readuntil(b"\r\n\r\n"), 15)
    status, _, rest = head.partition(b"\r\n")
    return status.decode(), rest, reader, writer


async def body_of(reader: asyncio.StreamReader) -> str:
    return (await asyncio.wait_for(reader.read(), 15)).decode()


def port_of(page_server: str) -> int:
    return int(page_server.rsplit(":", 1)[1])


async def test_a_get_to_an_allowed_host_is_forwarded(start: Start, short_dir: Path, page_server: str,
                                                     page_requests: list[str]) -> None:
    proxy = await start([f"127.0.0.1:{port_of(page_server)}"])
    path = f"/pages/other.html?{uuid.uuid4().hex}"
    status, _, reader, writer = await ask(short_dir, f"GET {page_server}{path} HTTP/1.1\r\nHost: x\r\n"
                                                     "Proxy-Connection: keep-alive\r\n\r\n")
    assert status.split()[1] == "200"
    assert "The other page" in await body_of(reader)  # and the proxy closed the connection after it
    writer.close()
    assert path in page_requests
    assert [(r.method, r.host, r.allowed) for r in proxy.records] == [("GET", "127.0.0.1", True)]


async def test_a_post_carries_its_body(start: Start, short_dir: Path, page_server: str, submissions: list) -> None:
    await start([f"127.0.0.1:{port_of(page_server)}"])
    body = json.dumps({"customer": "through the proxy"})
    status, _, reader, writer = await ask(short_dir, f"POST {page_server}/submit HTTP/1.1\r\nHost: x\r\n"
                                                     f"Content-Type: application/json\r\nContent-Length: {len(body)}"
                                                     f"\r\n\r\n{body}")
    assert status.split()[1] == "200"
    assert json.loads(await body_of(reader)) == {"id": 1}
    writer.close()
    assert submissions == [{"customer": "through the proxy"}]


async def test_a_host_off_the_list_gets_403_with_the_reason_and_never_reaches_the_server(
        start: Start, short_dir: Path, page_server: str, page_requests: list[str]) -> None:
    port = port_of(page_server)
    proxy = await start([f"127.0.0.1:{port}"])
    path = f"/pages/other.html?{uuid.uuid4().hex}"
    # The same server by another name: the list names 127.0.0.1, not localhost.
    status, _, reader, writer = await ask(short_dir, f"GET http://localhost:{port}{path} HTTP/1.1\r\n\r\n")
    assert status.split()[1] == "403"
    assert f"localhost:{port} is not on the sandbox's allow-list (127.0.0.1:{port})" in await body_of(reader)
    writer.close()
    status, _, reader, writer = await ask(short_dir, "CONNECT example.com:443 HTTP/1.1\r\n\r\n")
    assert status.split()[1] == "403"
    writer.close()
    assert path not in page_requests
    assert [(r.host, r.allowed) for r in proxy.records] == [("localhost", False), ("example.com", False)]
    logged = [json.loads(line) for line in (short_dir / "proxy.log").read_text().splitlines()]
    assert [(entry["host"], entry["port"], entry["allowed"]) for entry in logged] == [
        ("localhost", port, False), ("example.com", 443, False)]


async def test_connect_opens_a_tunnel_and_close_ends_it(start: Start, short_dir: Path, page_server: str) -> None:
    proxy = await start(["127.0.0.1:*"])
    status, _, reader, writer = await ask(short_dir, f"CONNECT 127.0.0.1:{port_of(page_server)} HTTP/1.1\r\n\r\n")
    assert status == "HTTP/1.1 200 Connection established"
    writer.write(b"GET /pages/other.html HTTP/1.0\r\n\r\n")
    assert "The other page" in await body_of(reader)  # HTTP/1.0: the server closed the tunnel
    writer.close()
    # A tunnel that stays open ends when the proxy closes.
    status, _, reader, writer = await ask(short_dir, f"CONNECT 127.0.0.1:{port_of(page_server)} HTTP/1.1\r\n\r\n")
    assert status.endswith("200 Connection established")
    await proxy.close()
    assert await asyncio.wait_for(reader.read(), 10) == b""
    writer.close()


async def test_the_deny_list_wins(start: Start, short_dir: Path, page_server: str) -> None:
    await start(["127.0.0.1:*"], deny=(f"127.0.0.1:{port_of(page_server)}",))
    status, _, reader, writer = await ask(short_dir, f"CONNECT 127.0.0.1:{port_of(page_server)} HTTP/1.1\r\n\r\n")
    assert status.split()[1] == "403"
    assert "is on the sandbox's deny-list" in await body_of(reader)
    writer.close()


@pytest.mark.parametrize("host", ["127.0.0.1", "localhost", "0.0.0.0"])
async def test_a_wildcard_does_not_open_this_machines_loopback(start: Start, short_dir: Path, page_server: str,
                                                                host: str) -> None:
    await start(["*"])
    status, _, reader, writer = await ask(short_dir, f"CONNECT {host}:{port_of(page_server)} HTTP/1.1\r\n\r\n")
    assert status.split()[1] == "403"
    assert "this machine's own" in await body_of(reader)
    writer.close()


@pytest.mark.parametrize("request_text, reason", [
    ("GET /pages/other.html HTTP/1.1\r\n\r\n", "absolute http:// URL"),
    ("GET https://example.com/ HTTP/1.1\r\n\r\n", "absolute http:// URL"),
    ("CONNECT example.com HTTP/1.1\r\n\r\n", "no host:port"),
    ("CONNECT exa mple.com:443 HTTP/1.1\r\n\r\n", "not an HTTP/1 request line"),
    ("CONNECT a\x01b:443 HTTP/1.1\r\n\r\n", "no host:port"),
    ("hello\r\n\r\n", "not an HTTP/1 request line"),
])
async def test_what_is_not_a_proxy_request_is_400(start: Start, short_dir: Path, request_text: str,
                                                  reason: str) -> None:
    proxy = await start(["*"])
    status, _, reader, writer = await ask(short_dir, request_text)
    assert status.split()[1] == "400"
    assert reason in await body_of(reader)
    writer.close()
    assert not proxy.records


async def test_an_allowed_host_that_does_not_answer_is_502(start: Start, short_dir: Path) -> None:
    port = free_port()
    proxy = await start([f"127.0.0.1:{port}"])
    status, _, reader, writer = await ask(short_dir, f"CONNECT 127.0.0.1:{port} HTTP/1.1\r\n\r\n")
    assert status.split()[1] == "502"
    assert "cannot connect to 127.0.0.1" in await body_of(reader)
    writer.close()
    assert proxy.records[-1].allowed and "cannot connect" in proxy.records[-1].reason


async def test_a_forwarded_response_always_says_connection_close(start: Start, short_dir: Path) -> None:
    """Even from a server that keeps the connection open: the client must not send its next
    request, perhaps for another host, down a connection that leads to this one."""
    seen: list[bytes] = []

    async def keep_alive(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        seen.append(await reader.readuntil(b"\r\n\r\n"))
        writer.write(b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\nConnection: keep-alive\r\n"
                     b"Keep-Alive: timeout=60\r\n\r\nok")
        await writer.drain()
        await reader.read()  # stays open until the other side closes
        writer.close()

    server = await asyncio.start_server(keep_alive, "127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]
    async with server:
        await start([f"127.0.0.1:{port}"])
        status, rest, reader, writer = await ask(short_dir, f"GET http://127.0.0.1:{port}/x?y HTTP/1.1\r\n"
                                                            "Host: ignored\r\nProxy-Connection: keep-alive\r\n\r\n")
        assert status == "HTTP/1.1 200 OK"
        assert rest.lower().count(b"connection:") == 1 and b"Connection: close" in rest and b"Keep-Alive" not in rest
        assert await asyncio.wait_for(reader.readexactly(2), 10) == b"ok"
        writer.close()
    # What the server got: the origin form, the real host, no proxy headers, and close.
    assert seen[0].decode().split("\r\n")[:3] == ["GET /x?y HTTP/1.1", f"Host: 127.0.0.1:{port}", "Connection: close"]


async def test_the_log_stops_at_its_limit(short_dir: Path) -> None:
    proxy = HostProxy(["127.0.0.1:1"], log_path=str(short_dir / "proxy.log"), max_log_bytes=500)
    await proxy.start(str(short_dir / "proxy.sock"))
    try:
        for _ in range(10):
            status, _, reader, writer = await ask(short_dir, "CONNECT example.com:443 HTTP/1.1\r\n\r\n")
            await body_of(reader)
            writer.close()
    finally:
        await proxy.close()
    lines = (short_dir / "proxy.log").read_text().splitlines()
    assert len(proxy.records) == 10
    assert 1 < len(lines) < 10 and "truncated" in lines[-1]
