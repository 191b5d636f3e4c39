"""The host side of a sandbox's allow-list: a small filtering HTTP proxy on a Unix socket.

A sandbox with an allow-list still has no network interface. Its programs reach out only through
this proxy, which runs on the host, out of the sandbox's reach: inside, a relay carries
``127.0.0.1:3128`` to ``run/proxy.sock`` (``scripts/start-desktop.sh``), and programs find it in
``HTTP_PROXY``/``HTTPS_PROXY`` (Chromium in ``--proxy-server``). A proxied client sends one of two
requests, and this proxy understands exactly those:

- ``CONNECT host:port``: a byte tunnel (HTTPS, WebSockets, any TCP);
- an absolute-form request, ``GET http://host:port/path``: forwarded once, ``Connection: close``
  both ways, so a client never sends its next request (maybe for another host) down a connection
  that leads to this one.

The host and port are checked against the allow-list, then the deny-list, with the patterns of
``_hosts.py``; a refusal is a ``403`` whose body says why. The proxy resolves the name itself and
connects to an address it checked, so what was checked is what is reached. The host's loopback,
``0.0.0.0`` and link-local addresses (where a cloud's metadata service lives) are reached only
when an allow pattern names the host literally (``127.0.0.1:8080``, ``localhost``): ``*``, or a
name that merely resolves there, does not open the machine the sandbox was meant to protect.

Every decision is a ``ProxyRecord``, kept in memory (the latest 10,000) and written as one JSON
line to a log the sandbox cannot write (up to 16 MiB, then one line saying it was truncated). Waits are bounded (the request head, name resolution, the connection);
tunnels live until either end closes them or ``close()``, which ends every connection.
"""

from __future__ import annotations

import asyncio
import contextlib
import ipaddress
import os
import re
import socket
import time
from collections import deque
from collections.abc import Sequence
from http import HTTPStatus
from typing import IO
from urllib.parse import urlsplit

from pydantic import BaseModel, ConfigDict

from .._hosts import host_matches, split_address
from ._relay import pump

__all__ = ["HostProxy", "ProxyRecord"]

_MAX_HEAD = 32 * 1024
_HOST = re.compile(r"[a-z0-9_.-]+")  # a DNS name or an IPv4 address (IPv6 is checked apart)
_HOP_BY_HOP = {"connection", "keep-alive", "proxy-connection", "proxy-authorization", "host"}


class ProxyRecord(BaseModel):
    """One request through the proxy, allowed or not."""

    model_config = ConfigDict(frozen=True)

    time: float
    """When it was decided, in seconds since the epoch."""
    method: str
    """``CONNECT`` for a tunnel, else the HTTP method of the forwarded request."""
    host: str
    port: int
    allowed: bool
    """Did the allow-list let it through (it may still have failed to connect: see ``reason``)."""
    reason: str
    """Why it was refused, or why an allowed connection failed; empty when it went through."""


class _Refused(Exception):
    """The request is not allowed; the message says why (for the 403 and the log)."""


class HostProxy:
    """A filtering HTTP proxy on a Unix socket: ``await proxy.start(path)``, ``await proxy.close()``."""

    def __init__(self, allow: Sequence[str], deny: Sequence[str] = (), *, log_path: str | None = None,
                 max_connections: int = 256, head_timeout: float = 30.0, connect_timeout: float = 10.0,
                 keep: int = 10_000, max_log_bytes: int = 16 << 20) -> None:
        self.allow, self.deny = tuple(allow), tuple(deny)
        self.max_connections = max_connections
        self.head_timeout, self.connect_timeout = head_timeout, connect_timeout
        self.records: deque[ProxyRecord] = deque(maxlen=keep)
        """The latest decisions, oldest first (the log file has them all)."""
        self._log_path = log_path
        self._log: IO[str] | None = None
        self._log_room = max_log_bytes  # a sandbox must not fill the host's tmpfs by asking
        self._server: asyncio.Server | None = None
        self._tasks: set[asyncio.Task[None]] = set()

    async def start(self, path: str) -> None:
        """Listen on the Unix socket ``path``, connectable by any user who can reach its directory
        (the sandbox's user is not ours)."""
        if self._log_path is not None:
            self._log = open(self._log_path, "a", buffering=1)  # noqa: SIM115 - closed in close()
        with contextlib.suppress(FileNotFoundError):
            os.unlink(path)
        self._server = await asyncio.start_unix_server(self._handle, path, limit=_MAX_HEAD)
        os.chmod(path, 0o666)

    async def close(self) -> None:
        """Stop listening and end every connection, tunnels included."""
        if self._server is not None:
            self._server.close()
        for task in list(self._tasks):
            task.cancel()
        if self._tasks:
            await asyncio.wait(list(self._tasks), timeout=5)
        if self._log is not None:
            self._log.close()
            self._log = None

    def refusal(self, host: str, port: int) -> str | None:
        """Why ``host:port`` may not be reached, or None."""
        address = _address(host, port)
        if not host_matches(address, self.allow):
            return f"{address} is not on the sandbox's allow-list ({', '.join(self.allow)})"
        if host_matches(address, self.deny):
            return f"{address} is on the sandbox's deny-list"
        return None

    # one connection ------------------------------------------------------------------------
    async def _handle(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        task = asyncio.current_task()
        assert task is not None
        self._tasks.add(task)  # type: ignore[arg-type]
        try:
            if len(self._tasks) > self.max_connections:
                await _reply(writer, 503, f"more than {self.max_connections} connections through the sandbox's proxy")
                return
            await self._serve(reader, writer)
        except Exception:  # noqa: BLE001 - one broken connection must not reach the event loop's log
            pass
        finally:
            writer.close()
            self._tasks.discard(task)  # type: ignore[arg-type]

    async def _serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            raw = await asyncio.wait_for(reader.readuntil(b"\r\n\r\n"), self.head_timeout)
        except asyncio.LimitOverrunError:
            await _reply(writer, 431, f"the request head is larger than {_MAX_HEAD} bytes")
            return
        except (asyncio.IncompleteReadError, TimeoutError, ConnectionError):
            return  # nothing (complete) was asked: nothing to answer
        try:
            method, host, port, head = _parse(raw)
        except ValueError as exc:
            await _reply(writer, 400, str(exc))
            return
        reason = self.refusal(host, port)
        if reason is None:
            try:
                upstream_reader, upstream_writer = await self._connect(host, port)
            except _Refused as exc:
                reason = str(exc)
            except (OSError, TimeoutError) as exc:
                failure = f"cannot connect to {_address(host, port)}: {_describe(exc)}"
                self._record(method, host, port, True, failure)
                await _reply(writer, 502, failure)
                return
        if reason is not None:
            self._record(method, host, port, False, reason)
            await _reply(writer, 403, reason)
            return
        self._record(method, host, port, True, "")
        if head is None:
            writer.write(b"HTTP/1.1 200 Connection established\r\n\r\n")
            answer = pump(upstream_reader, writer)
        else:
            upstream_writer.write(head)
            answer = _respond(upstream_reader, writer)
        try:
            await asyncio.gather(pump(reader, upstream_writer), answer)
        finally:
            upstream_writer.close()

    async def _connect(self, host: str, port: int) -> tuple[asyncio.StreamReader, asyncio.StreamWriter]:
        """Resolve, check the addresses, and connect to the first that answers."""
        infos = await asyncio.wait_for(
            asyncio.get_running_loop().getaddrinfo(host, port, type=socket.SOCK_STREAM), self.connect_timeout)
        addresses = list(dict.fromkeys(str(info[4][0]) for info in infos))
        inside = [a for a in addresses if _on_this_machine(a)]
        if inside and not self._named(host, port):
            raise _Refused(f"{_address(host, port)} leads to {inside[0]}, this machine's own (or link-local) "
                           "address; only an allow-list entry naming the host itself, without a wildcard, "
                           "reaches it")
        failure: Exception = OSError(f"{host} has no address")
        for address in addresses:
            try:
                return await asyncio.wait_for(asyncio.open_connection(address, port), self.connect_timeout)
            except (OSError, TimeoutError) as exc:
                failure = exc
        raise failure

    def _named(self, host: str, port: int) -> bool:
        """Does an allow pattern that admits ``host:port`` spell the host out, with no wildcard?"""
        address = _address(host, port)
        return any(split_address(p)[0] == host and host_matches(address, [p]) for p in self.allow
                   if not any(c in split_address(p)[0] for c in "*?"))

    def _record(self, method: str, host: str, port: int, allowed: bool, reason: str) -> None:
        record = ProxyRecord(time=time.time(), method=method, host=host, port=port, allowed=allowed, reason=reason)
        self.records.append(record)
        if self._log is not None and self._log_room > 0:
            line = record.model_dump_json() + "\n"
            self._log_room -= len(line)
            if self._log_room <= 0:
                line = '{"truncated": "the log reached its size limit; later requests are only in memory"}\n'
            with contextlib.suppress(OSError, ValueError):
                self._log.write(line)


def _parse(raw: bytes) -> tuple[str, str, int, bytes | None]:
    """Method, host, port, and the head to send on (None for a tunnel), from a proxy request."""
    line, *fields = raw.decode("latin-1")[:-4].split("\r\n")
    parts = line.split(" ")
    if len(parts) != 3 or not parts[2].startswith("HTTP/1."):
        raise ValueError(f"not an HTTP/1 request line: {line[:100]!r}")
    method, target, version = parts
    url = urlsplit("//" + target if method == "CONNECT" else target)
    if method != "CONNECT" and (url.scheme != "http" or not url.netloc):
        raise ValueError(f"this proxy takes CONNECT host:port or an absolute http:// URL, got {method} {target[:100]}")
    try:
        port = url.port or (None if method == "CONNECT" else 80)
    except ValueError as exc:
        raise ValueError(f"bad port in {target[:100]!r}") from exc
    host = (url.hostname or "").rstrip(".")
    if port is None or not _valid_host(host):
        raise ValueError(f"no host:port to reach in {target[:100]!r}")
    if method == "CONNECT":
        return method, host, port, None
    headers = [f for f in fields if f.split(":", 1)[0].strip().lower() not in _HOP_BY_HOP]
    upgrade = any(f.split(":", 1)[0].strip().lower() == "upgrade" for f in fields)
    path = (url.path or "/") + (f"?{url.query}" if url.query else "")
    authority = _address(host, port) if url.port else (f"[{host}]" if ":" in host else host)
    head = [f"{method} {path} {version}", f"Host: {authority}", *headers,
            "Connection: Upgrade" if upgrade else "Connection: close"]
    return method, host, port, ("\r\n".join(head) + "\r\n\r\n").encode("latin-1")


async def _respond(upstream: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
    """Pass a forwarded request's response on, with ``Connection: close`` in its head (interim
    ``1xx`` heads and a ``101`` upgrade unchanged), then its body."""
    try:
        while True:
            head = await upstream.readuntil(b"\r\n\r\n")
            status = head.split(b" ", 2)[1] if head.count(b" ") >= 1 else b""
            if status.startswith(b"1") and status != b"101":
                writer.write(head)
                continue
            writer.write(head if status == b"101" else _closing(head))
            break
    except (asyncio.IncompleteReadError, asyncio.LimitOverrunError, ConnectionError):
        writer.close()
        return
    await pump(upstream, writer)


def _closing(head: bytes) -> bytes:
    status, *fields = head.decode("latin-1")[:-4].split("\r\n")
    kept = [f for f in fields if f.split(":", 1)[0].strip().lower() not in ("connection", "keep-alive")]
    return "\r\n".join([status, *kept, "Connection: close"]).encode("latin-1") + b"\r\n\r\n"


def _valid_host(host: str) -> bool:
    if ":" in host:
        with contextlib.suppress(ValueError):
            return isinstance(ipaddress.ip_address(host), ipaddress.IPv6Address)
        return False
    return bool(_HOST.fullmatch(host))


def _address(host: str, port: int) -> str:
    return f"[{host}]:{port}" if ":" in host else f"{host}:{port}"


def _on_this_machine(address: str) -> bool:
    ip = ipaddress.ip_address(address.split("%", 1)[0])
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    return ip.is_loopback or ip.is_unspecified or ip.is_link_local


def _describe(exc: BaseException) -> str:
    if isinstance(exc, TimeoutError):
        return "timed out"
    return getattr(exc, "strerror", None) or str(exc) or type(exc).__name__


async def _reply(writer: asyncio.StreamWriter, status: int, reason: str) -> None:
    body = (reason + "\n").encode()
    head = (f"HTTP/1.1 {status} {HTTPStatus(status).phrase}\r\nContent-Type: text/plain; charset=utf-8\r\n"
            f"Content-Length: {len(body)}\r\nConnection: close\r\n\r\n")
    writer.write(head.encode() + body)
    with contextlib.suppress(Exception):
        await asyncio.wait_for(writer.drain(), 5)
