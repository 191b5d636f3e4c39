"""``Remote``: the Environment contract over HTTP, to a ``screenloop serve`` somewhere else.

The loop runs on the host and the screen in a sandbox; to the loop, a ``Remote`` is one more
environment. One keep-alive connection (TCP or a Unix socket) carries every call, so a call costs
a request, not a handshake.

Retries: a request that never reached the server (connection refused, socket file missing,
connect timeout) is retried a bounded number of times with a short backoff, because a server
that is starting or restarting answers a moment later. A request that broke *after* it was sent
is retried only when it is idempotent (observe, health): retrying an ``execute`` could click
twice, so that becomes a ``RemoteUnreachable`` that says the action may or may not have run.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import time
from collections.abc import Mapping, Sequence
from typing import Any

import httpx

from actions import Action, HoldKey, RunScript, UserError, Wait

from ._wire import (
    FRAME_HEADER,
    FRAME_NAME,
    OBSERVATION_HEADER,
    ErrorReply,
    ExecuteReply,
    Health,
    ImageFormat,
    LaunchReply,
    LaunchRequest,
    observation_from_wire,
)
from ..base import ActionResult, Lifecycle, Observation
from ..errors import BrowserCrashed, DisplayError, EnvironmentClosed, EnvironmentFailure, RemoteUnreachable

__all__ = ["Remote"]

_FAILURES: dict[str, type[EnvironmentFailure]] = {
    cls.__name__: cls for cls in (DisplayError, BrowserCrashed, EnvironmentClosed, RemoteUnreachable)
}
_NEVER_SENT = (httpx.ConnectError, httpx.ConnectTimeout, httpx.PoolTimeout)
_BROKEN_AFTER_SEND = (httpx.RemoteProtocolError, httpx.ReadError, httpx.WriteError)


class Remote(Lifecycle):
    """An environment served by ``screenloop serve`` at ``url`` (or over the Unix socket ``uds``)."""

    def __init__(
        self,
        url: str,
        token: str,
        *,
        uds: str | None = None,
        frames_dir: str | None = None,
        image_format: ImageFormat = "raw",
        quality: int = 80,
        connect_timeout: float = 5.0,
        timeout: float = 30.0,
        retries: int = 3,
        backoff: float = 0.1,
    ) -> None:
        super().__init__()
        if not token:
            raise UserError("Remote needs the server's token")
        self.url = url.rstrip("/")
        self.uds = uds
        self.frames_dir = frames_dir
        """A directory shared with the server (a local sandbox's run dir): frames come through it."""
        self.image_format = image_format
        self.quality = quality
        self.timeout = timeout
        self.retries = retries
        self.backoff = backoff
        self.size: tuple[int, int] = (0, 0)
        """Screen pixels, known once started."""
        self.kind: str | None = None
        """'desktop' or 'browser', as the server reports it."""
        self._token = token
        self._connect_timeout = connect_timeout
        self._client: httpx.AsyncClient | None = None

    def __repr__(self) -> str:
        return f"Remote({self.url!r}{f', uds={self.uds!r}' if self.uds else ''})"

    # lifecycle (start/close/async with from Lifecycle) -------------------------------------
    async def _start(self) -> None:
        """Connect and read the screen size from ``/health``; ``RemoteUnreachable`` if no answer."""
        transport = httpx.AsyncHTTPTransport(uds=self.uds) if self.uds else None
        self._client = httpx.AsyncClient(
            base_url=self.url, transport=transport, headers={"authorization": f"Bearer {self._token}"},
            timeout=httpx.Timeout(self.timeout, connect=self._connect_timeout),
            limits=httpx.Limits(max_keepalive_connections=4, keepalive_expiry=60),
        )
        await self._read_health()

    async def _close(self) -> None:
        """Drop the connection. The server and its environment keep running (the sandbox owns them)."""
        if self._client is not None:
            await self._client.aclose()

    async def wait_ready(self, timeout: float, alive: Any = None) -> None:
        """Start, retrying until the server answers or ``timeout`` seconds pass. ``alive()``, if
        given, is checked between tries: when it returns a reason, waiting stops with that reason."""
        deadline = time.monotonic() + timeout
        last: Exception | None = None
        while time.monotonic() < deadline:
            if alive is not None and (reason := alive()):
                raise RemoteUnreachable(f"{self!r} will not answer: {reason}")
            probe = Remote(self.url, self._token, uds=self.uds, connect_timeout=1.0, timeout=5.0, retries=0)
            try:
                async with probe:
                    break
            except (RemoteUnreachable, EnvironmentFailure) as exc:
                last = exc
            await asyncio.sleep(0.05)
        else:
            raise RemoteUnreachable(f"{self!r} did not become ready within {timeout:g} s: {last}")
        await self.start()

    # the contract -------------------------------------------------------------------------
    async def health(self) -> Health:
        self._require_open()
        return await self._read_health()

    async def _read_health(self) -> Health:
        response = await self._request("GET", "/health", idempotent=True)
        health = Health.model_validate_json(response.content)
        self.size, self.kind = (health.width, health.height), health.kind
        return health

    async def observe(self) -> Observation:
        """Capture the remote screen; the image comes back as a PIL image in screen pixels."""
        self._require_open()
        params = {"format": self.image_format, "quality": str(self.quality)}
        if self.frames_dir is not None:
            params = {"format": "raw", "via": "file"}
        response = await self._request("GET", "/observe", idempotent=True, params=params)
        try:
            data = response.content
            if self.frames_dir is not None:
                data = _take_frame(self.frames_dir, response.headers[FRAME_HEADER])
            return observation_from_wire(response.headers[OBSERVATION_HEADER], data,
                                         response.headers.get("content-type", ""))
        except (KeyError, ValueError) as exc:
            raise RemoteUnreachable(f"{self!r} sent an observation that cannot be read: {exc}") from exc

    async def execute(self, action: Action, *, settle: bool = True) -> ActionResult:
        """Run one action remotely; the server settles (unless told not to) and reports."""
        self._require_open()
        body = action.model_dump_json().encode()
        path = "/execute" if settle else "/execute?settle=0"
        response = await self._request("POST", path, idempotent=False, content=body,
                                       headers={"content-type": "application/json"},
                                       timeout=self.timeout + _action_seconds(action))
        if response.status_code in (413, 422):
            return ActionResult(ok=False, error=_detail(response))
        return ExecuteReply.model_validate_json(response.content).result()

    async def launch(self, argv: Sequence[str], env: Mapping[str, str] | None = None) -> int:
        """Start a program on the remote desktop; returns its pid there."""
        self._require_open()
        request = LaunchRequest(argv=list(argv), env=dict(env or {}))
        response = await self._request("POST", "/launch", idempotent=False,
                                       content=request.model_dump_json().encode(),
                                       headers={"content-type": "application/json"})
        if response.status_code != 200:
            raise UserError(f"launch {argv[0]!r} refused: {_detail(response)}")
        return LaunchReply.model_validate_json(response.content).pid

    # plumbing -----------------------------------------------------------------------------
    async def _request(self, method: str, path: str, *, idempotent: bool, timeout: float | None = None,
                       **kwargs: Any) -> httpx.Response:
        assert self._client is not None
        if timeout is not None:
            kwargs["timeout"] = httpx.Timeout(timeout, connect=self._connect_timeout)
        delay = self.backoff
        for attempt in range(self.retries + 1):
            last = attempt == self.retries
            try:
                response = await self._client.request(method, path, **kwargs)
                break
            except _NEVER_SENT as exc:
                if last:
                    raise self._unreachable(path, exc, attempt + 1) from exc
            except _BROKEN_AFTER_SEND as exc:
                if not idempotent:
                    raise RemoteUnreachable(
                        f"{self!r}: the connection broke during {path} ({_describe(exc)}); "
                        "the action may or may not have run"
                    ) from exc
                if last:
                    raise self._unreachable(path, exc, attempt + 1) from exc
            except httpx.TimeoutException as exc:
                raise RemoteUnreachable(f"{self!r} did not answer {path} in time ({_describe(exc)})") from exc
            await asyncio.sleep(delay)
            delay *= 2
        return self._check(response, path)

    def _check(self, response: httpx.Response, path: str) -> httpx.Response:
        status = response.status_code
        if status == 200:
            return response
        detail = _detail(response)
        if status == 401:
            raise UserError(f"{self!r} refused the token: {detail}")
        if status == 503:
            error = ErrorReply.model_validate_json(response.content).error or ""
            raise _FAILURES.get(error, EnvironmentFailure)(f"remote environment: {detail}")
        if (path == "/execute" and status in (413, 422)) or (path == "/launch" and 400 <= status < 500):
            return response  # the caller turns these into a failed result or a UserError
        raise EnvironmentFailure(f"{self!r} answered {path} with HTTP {status}: {detail}")

    def _unreachable(self, path: str, exc: Exception, attempts: int) -> RemoteUnreachable:
        return RemoteUnreachable(
            f"{self!r} is unreachable ({path}, {attempts} attempt{'s' * (attempts > 1)}): {_describe(exc)}; "
            "is the server or its sandbox still running?"
        )



def _take_frame(directory: str, name: str) -> bytes:
    """Read and delete a frame the server wrote into the shared directory."""
    if not FRAME_NAME.fullmatch(name):
        raise ValueError(f"unexpected frame name {name!r}")
    path = os.path.join(directory, name)
    fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW)
    try:
        with os.fdopen(fd, "rb", closefd=False) as stream:
            data = stream.read()
    finally:
        os.close(fd)
        os.unlink(path)
    return data


def _action_seconds(action: Action) -> float:
    """How long an action may legitimately take on top of the normal timeout."""
    match action:
        case Wait() | HoldKey():
            return action.seconds
        case RunScript():
            return action.timeout
        case _:
            return 0.0


def _detail(response: httpx.Response) -> str:
    with contextlib.suppress(ValueError):
        detail = response.json().get("detail")
        if isinstance(detail, str):
            return detail
        if detail is not None:
            return str(detail)
    return response.text[:500] or f"HTTP {response.status_code}"


def _describe(exc: Exception) -> str:
    return f"{type(exc).__name__}: {exc}" if str(exc) else type(exc).__name__
