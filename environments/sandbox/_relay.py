"""A byte relay between a TCP port and a Unix socket, for the live view of a sandbox with no network.

The sandbox has no network interface to publish a port on, so the live view crosses the boundary
the way the API does, through a socket in the shared run dir: inside, ``unix:live.sock ->
tcp:127.0.0.1:6080`` (websockify with noVNC); on the host, ``tcp:127.0.0.1:<free port> ->
unix:live.sock``, which is the address a person opens. WebSocket upgrades pass through unchanged,
since the relay copies bytes and reads none of them.

    python -m environments._relay unix:/run/screenloop/live.sock tcp:127.0.0.1:6080
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import sys

__all__ = ["pump", "start_relay"]

_CHUNK = 1 << 16


def _parse(address: str) -> tuple[str, str, int]:
    kind, _, rest = address.partition(":")
    if kind == "unix" and rest:
        return kind, rest, 0
    if kind == "tcp":
        host, _, port = rest.rpartition(":")
        if host and port.isdigit():
            return kind, host, int(port)
    raise ValueError(f"address must be unix:PATH or tcp:HOST:PORT, got {address!r}")


async def _open(address: str) -> tuple[asyncio.StreamReader, asyncio.StreamWriter]:
    kind, where, port = _parse(address)
    if kind == "unix":
        return await asyncio.wait_for(asyncio.open_unix_connection(where), 5)
    return await asyncio.wait_for(asyncio.open_connection(where, port), 5)


async def pump(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
    """Copy until end of file or a broken connection, then close ``writer``."""
    try:
        while data := await reader.read(_CHUNK):
            writer.write(data)
            await writer.drain()
    except (ConnectionError, OSError):
        pass
    finally:
        with contextlib.suppress(Exception):
            writer.close()


async def start_relay(listen: str, target: str) -> asyncio.Server:
    """Listen on ``listen`` and copy every connection both ways to a new connection to ``target``.

    A ``tcp:HOST:0`` listen address picks a free port (read it from ``server.sockets``); a Unix
    socket is made connectable by any user who can reach its directory.
    """

    async def handle(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            upstream_reader, upstream_writer = await _open(target)
        except (OSError, TimeoutError):
            writer.close()
            return
        await asyncio.gather(pump(reader, upstream_writer), pump(upstream_reader, writer))

    kind, where, port = _parse(listen)
    if kind == "unix":
        with contextlib.suppress(FileNotFoundError):
            os.unlink(where)
        server = await asyncio.start_unix_server(handle, where)
        os.chmod(where, 0o666)
        return server
    return await asyncio.start_server(handle, where, port)


async def _main(listen: str, target: str) -> None:
    server = await start_relay(listen, target)
    async with server:
        await server.serve_forever()


if __name__ == "__main__":
    if len(sys.argv) != 3:
        sys.exit("usage: python -m environments._relay LISTEN TARGET  (unix:PATH or tcp:HOST:PORT)")
    with contextlib.suppress(KeyboardInterrupt):
        asyncio.run(_main(sys.argv[1], sys.argv[2]))
