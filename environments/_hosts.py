"""Host patterns: one meaning for the policy's domain lists, the browser's request guard and the
sandbox's proxy, so a host allowed in one place is allowed in all of them.

A pattern is an ``fnmatch`` pattern, case-insensitive, over the host (``example.com``,
``*.example.com``) or over ``host:port`` (``127.0.0.1:8080``, ``example.com:*``). A pattern
without a port matches every port. ``*.example.com`` does not match ``example.com`` itself: list
both. The port of a URL is its explicit one or its scheme's default, so ``example.com:443``
matches ``https://example.com/``. Brackets are literal, for IPv6 (``[::1]:8080``, or ``::1`` for
every port); ``*`` and ``?`` are the only wildcards.
"""

from __future__ import annotations

import fnmatch
from collections.abc import Iterable
from urllib.parse import urlsplit

__all__ = ["host_matches", "split_address"]

_DEFAULT_PORTS = {"http": 80, "https": 443, "ws": 80, "wss": 443}


def split_address(address: str) -> tuple[str, int | None]:
    """The host (lower case, no brackets, no trailing dot) and port of a URL or of ``host[:port]``.

    The port is None when neither given nor implied by the scheme; an unreadable one counts as
    absent. The trailing dot goes because ``example.com.`` is ``example.com`` to DNS: a deny-list
    must not be sidestepped by spelling.
    """
    parts = urlsplit(address if "//" in address else "//" + address)
    host = (parts.hostname or "").rstrip(".")
    try:
        port = parts.port
    except ValueError:
        port = None
    if port is None:
        port = _DEFAULT_PORTS.get(parts.scheme)
    return host, port


def host_matches(address: str, patterns: Iterable[str]) -> bool:
    """Does the host of ``address`` (a URL, or ``host[:port]``) match one of ``patterns``?"""
    host, port = split_address(address)
    if not host:
        return False
    names = [host]
    if port is not None:
        names.append(f"[{host}]:{port}" if ":" in host else f"{host}:{port}")
    return any(fnmatch.fnmatchcase(name, _pattern(p)) for p in patterns for name in names)


def _pattern(pattern: str) -> str:
    return pattern.lower().replace("[", "\0").replace("]", "[]]").replace("\0", "[[]")
