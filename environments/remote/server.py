"""``screenloop serve``: one Environment over HTTP, so the loop runs outside the sandbox.

The loop stays on the host (with the model's API key); the screen lives in a container or a
bubblewrap sandbox that holds no secret. ``Remote`` (``environments/remote.py``) is the client.

Endpoints (the protocol is in ``environments/_wire.py``):

- ``GET /health``: the environment is started; its kind and size.
- ``GET /observe?format=raw|png|jpeg&quality=80``: the image bytes, metadata in a header;
  ``via=file`` writes a raw frame into the directory shared with the client (``frames_dir``).
- ``POST /execute``: an ``Action`` as JSON -> an ``ActionResult`` as JSON. Malformed JSON or an
  unknown action type is 422 with the reason, worded for the model.
- ``POST /launch``: start a program on the desktop (a Desktop only).

Every request carries ``Authorization: Bearer <token>``, compared in constant time; otherwise 401.
Bodies are limited (1 MiB by default: an action is a few hundred bytes, a script a few KiB).
One lock serializes the environment: two clients acting at once would interleave their input.
"""

from __future__ import annotations

import asyncio
import contextlib
import hmac
import itertools
import os
import secrets
import socket
from collections.abc import AsyncIterator, Awaitable, Callable, MutableMapping
from typing import Any, Literal

from fastapi import FastAPI, Request
from fastapi.responses import Response

from actions import ActionParseError, UserError, parse_action

from ._wire import (
    FRAME_HEADER,
    OBSERVATION_HEADER,
    ErrorReply,
    ExecuteReply,
    Health,
    ImageFormat,
    LaunchReply,
    LaunchRequest,
    content_type,
    encode_image,
    observation_header,
)
from ..base import BaseEnvironment
from ..browser.browser import Browser
from ..desktop.desktop import Desktop
from ..errors import EnvironmentFailure

__all__ = ["MAX_BODY_BYTES", "bind_socket", "create_app", "environment_for", "serve", "uvicorn_server"]

MAX_BODY_BYTES = 1 << 20
"""Largest request body the server reads; larger ones get 413 before the handler runs."""

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]


def create_app(env: BaseEnvironment, token: str, *, max_body: int = MAX_BODY_BYTES, manage: bool = True,
               frames_dir: str | None = None) -> Any:
    """The ASGI app exposing ``env``. With ``manage``, it starts the environment when the server
    starts and closes it when the server stops; without, the caller owns its lifecycle.
    ``frames_dir`` is a directory the client also sees, for ``observe?via=file``."""
    if not token:
        raise UserError("the server needs a non-empty token")

    @contextlib.asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        if manage:
            await env.start()
        try:
            yield
        finally:
            if manage:
                await env.close()

    app = FastAPI(title="screenloop", docs_url=None, redoc_url=None, openapi_url=None, lifespan=lifespan)
    lock = asyncio.Lock()
    frame_numbers = itertools.count()
    kind = "browser" if isinstance(env, Browser) else "desktop"

    @app.get("/health")
    async def health() -> Response:
        env._require_open()
        width, height = env.size
        body = Health(kind=kind, width=width, height=height, display=getattr(env, "display", None))
        return _json(body)

    @app.get("/observe")
    async def observe(format: ImageFormat = "raw", quality: int = 80,  # noqa: A002
                      via: Literal["body", "file"] = "body") -> Response:
        if not 1 <= quality <= 95:
            return _error(422, f"quality must be in 1..95, got {quality}")
        if via == "file" and frames_dir is None:
            return _error(422, "this server shares no frames directory: use via=body")
        async with lock:
            observation = await env.observe()
        headers = {OBSERVATION_HEADER: observation_header(observation)}
        if via == "file":
            assert frames_dir is not None
            name = f"frame-{next(frame_numbers)}-{secrets.token_hex(4)}.rgb"
            _write_frame(os.path.join(frames_dir, name), encode_image(observation.image, "raw"))
            headers[FRAME_HEADER] = name
            return Response(b"", media_type=content_type("raw"), headers=headers)
        if format == "raw":
            data = encode_image(observation.image, format)
        else:
            data = await asyncio.to_thread(encode_image, observation.image, format, quality)
        return Response(data, media_type=content_type(format), headers=headers)

    @app.post("/execute")
    async def execute(request: Request) -> Response:
        try:
            action = parse_action(await request.body())
        except ActionParseError as exc:
            return _error(422, str(exc))
        settle = request.query_params.get("settle", "1") != "0"
        async with lock:
            result = await env.execute(action, settle=settle)
        return _json(ExecuteReply.of(result))

    @app.post("/launch")
    async def launch(request: Request) -> Response:
        if not isinstance(env, Desktop):
            return _error(409, f"launch needs a desktop environment; this server runs a {kind}")
        try:
            body = LaunchRequest.model_validate_json(await request.body())
        except ValueError as exc:
            return _error(422, f"invalid launch request: {exc}")
        try:
            async with lock:
                process = await env.launch(body.argv, env=body.env or None)
        except UserError as exc:
            return _error(400, str(exc))
        return _json(LaunchReply(pid=process.pid))

    @app.exception_handler(EnvironmentFailure)
    async def broken(_: Request, exc: EnvironmentFailure) -> Response:
        return _error(503, str(exc), type(exc).__name__)

    return _Guard(app, token, max_body)


class _Guard:
    """Pure ASGI middleware: the token check and the body limit, before any routing.

    Pure ASGI rather than Starlette's ``BaseHTTPMiddleware``, which adds a task and a queue per
    request (about a millisecond); this adds a header lookup.
    """

    def __init__(self, app: ASGIApp, token: str, max_body: int) -> None:
        self.app = app
        self.expected = b"Bearer " + token.encode()
        self.max_body = max_body

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = dict(scope["headers"])
        if not hmac.compare_digest(headers.get(b"authorization", b""), self.expected):
            await _send(send, 401, "missing or wrong token: send 'Authorization: Bearer <token>'",
                        {b"www-authenticate": b"Bearer"})
            return
        length = headers.get(b"content-length")
        if length is not None and (not length.isdigit() or int(length) > self.max_body):
            await _send(send, 413, f"request body larger than {self.max_body} bytes")
            return
        # Read the whole body here, counting, before any handler runs: an over-long chunked body
        # is refused with 413 instead of failing inside a handler. Bodies are small by design.
        body = bytearray()
        while True:
            message = await receive()
            if message["type"] == "http.disconnect":
                return
            body += message.get("body", b"")
            if len(body) > self.max_body:
                await _send(send, 413, f"request body larger than {self.max_body} bytes")
                return
            if not message.get("more_body", False):
                break
        replayed = False

        async def replay() -> Message:
            nonlocal replayed
            if not replayed:
                replayed = True
                return {"type": "http.request", "body": bytes(body), "more_body": False}
            return await receive()

        await self.app(scope, replay, send)


async def _send(send: Send, status: int, detail: str, extra: dict[bytes, bytes] | None = None) -> None:
    body = ErrorReply(detail=detail).model_dump_json(exclude_none=True).encode()
    headers = [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode())]
    headers += list((extra or {}).items())
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": body})


def _write_frame(path: str, data: bytes) -> None:
    # O_EXCL | O_NOFOLLOW: never follow or reuse a name someone planted in the shared directory.
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW, 0o644)
    try:
        os.write(fd, data)
    finally:
        os.close(fd)


def _json(model: Any) -> Response:
    return Response(model.model_dump_json(), media_type="application/json")


def _error(status: int, detail: str, error: str | None = None) -> Response:
    return Response(ErrorReply(detail=detail, error=error).model_dump_json(exclude_none=True),
                    status_code=status, media_type="application/json")


def environment_for(kind: Literal["desktop", "browser"], width: int, height: int,
                    display: str | None = None, start_url: str | None = None,
                    proxy: str | None = None) -> BaseEnvironment:
    """The environment ``screenloop serve --env`` names. A browser on a display runs headed on it
    (so the live view shows it); without a display it runs headless. ``proxy`` is for the browser
    (a desktop's programs find it in ``HTTP_PROXY``, set by whoever starts the server)."""
    if kind == "desktop":
        return Desktop(width, height, display=display)
    if kind == "browser":
        return Browser(width, height, headless=display is None, display=display, start_url=start_url, proxy=proxy)
    raise UserError(f"--env must be 'desktop' or 'browser', got {kind!r}")


def bind_socket(host: str = "127.0.0.1", port: int = 0, uds: str | None = None) -> socket.socket:
    """A listening socket: TCP on ``host:port`` (port 0 picks a free one), or a Unix socket at
    ``uds``, made connectable by any local user of the mount (the token still guards it)."""
    if uds is not None:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(uds)
        sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        sock.bind(uds)
        os.chmod(uds, 0o666)
    else:
        family = socket.AF_INET6 if ":" in host else socket.AF_INET
        sock = socket.socket(family, socket.SOCK_STREAM)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind((host, port))
    sock.listen(128)
    sock.setblocking(False)
    return sock


def uvicorn_server(app: Any) -> Any:
    """A quiet uvicorn server for the app; ``await server.serve(sockets=[sock])`` runs it, and
    ``server.should_exit = True`` stops it gracefully (closing a managed environment)."""
    import uvicorn

    config = uvicorn.Config(app, log_level="warning", access_log=False, lifespan="on",
                            http="httptools", timeout_graceful_shutdown=5)
    return uvicorn.Server(config)


async def serve(app: Any, sock: socket.socket) -> None:
    """Serve the app on a bound socket in the running loop until cancelled or signalled."""
    server = uvicorn_server(app)
    await server.serve(sockets=[sock])
    if not server.started:
        raise EnvironmentFailure("the server did not start: its environment failed to start (see the log above)")
