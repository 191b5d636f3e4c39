"""A local HTTP server that speaks the model providers' wire formats, for tests.

The real ``openai`` and ``anthropic`` SDK clients talk to it through ``base_url``; nothing is
mocked. A test queues the replies the "model" will give, runs the code under test, then reads
every request the SDK sent (body and headers)::

    wire.script_openai(openai_response(computer_call(Click(x=10, y=20))),
                       openai_response(openai_message("done")))
    model = OpenAIResponsesModel("gpt-5.4", base_url=wire.openai_url, api_key="test")
    turn = await model.turn(...)
    assert wire.requests_to("openai")[0].json["tools"] == [{"type": "computer"}]

Routes: ``POST /v1/responses`` (OpenAI Responses), ``POST /v1/messages`` (Anthropic Messages),
``POST /v1/chat/completions`` (OpenAI-compatible chat). A queued item is a JSON body (served with
200), a ``Reply`` (any status, headers, body) or a ``Drop`` (the connection is closed in the middle
of the response). A request with nothing queued gets a 400 whose message says so, and is listed in
``unexpected``; ``assert_consumed()`` fails when replies are left over.

The server runs its own event loop in a thread, bound to 127.0.0.1 only, so it serves any test's
event loop and any number of tests in a session (``reset()`` between them).
"""

from __future__ import annotations

import asyncio
import itertools
import json
import threading
from collections import deque
from dataclasses import dataclass, field
from typing import Any

from actions import Action, Frame, to_anthropic, to_openai

__all__ = [
    "Drop",
    "Recorded",
    "Reply",
    "WireServer",
    "anthropic_error",
    "anthropic_message",
    "chat_completion",
    "computer_call",
    "openai_error",
    "openai_message",
    "openai_reasoning",
    "openai_response",
    "text_block",
    "thinking_block",
    "tool_use",
]

ROUTES = {"openai": "/v1/responses", "anthropic": "/v1/messages", "chat": "/v1/chat/completions"}
_ids = itertools.count(1)


@dataclass
class Reply:
    """A scripted HTTP response."""

    body: Any = None
    status: int = 200
    headers: dict[str, str] = field(default_factory=dict)
    delay: float = 0.0
    """Seconds to wait before answering (to make a client time out)."""


@dataclass
class Drop:
    """Send the status line, the headers and part of the body, then close the connection."""

    fraction: float = 0.5


@dataclass
class Recorded:
    """One request as the server received it."""

    method: str
    path: str
    headers: dict[str, str]
    """Header names in lower case."""
    raw: bytes

    @property
    def json(self) -> Any:
        return json.loads(self.raw) if self.raw else None


class WireServer:
    """Serves scripted provider replies on 127.0.0.1 and records every request."""

    def __init__(self) -> None:
        self._queues: dict[str, deque[Any]] = {kind: deque() for kind in ROUTES}
        self._lock = threading.Lock()
        self.requests: list[Recorded] = []
        self.unexpected: list[Recorded] = []
        self._loop = asyncio.new_event_loop()
        self._ready = threading.Event()
        self._thread = threading.Thread(target=self._run, name="wire-server", daemon=True)
        self.port = 0

    # lifecycle --------------------------------------------------------------------------------
    def start(self) -> WireServer:
        self._thread.start()
        if not self._ready.wait(10):
            raise RuntimeError("the wire server did not start within 10 s")
        return self

    def stop(self) -> None:
        """Close open connections, stop the loop and join the thread."""
        asyncio.run_coroutine_threadsafe(self._shutdown(), self._loop).result(10)
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(10)

    def _run(self) -> None:
        asyncio.set_event_loop(self._loop)
        self._server = self._loop.run_until_complete(asyncio.start_server(self._serve, "127.0.0.1", 0))
        self.port = self._server.sockets[0].getsockname()[1]
        self._ready.set()
        try:
            self._loop.run_forever()
        finally:
            self._loop.close()

    async def _shutdown(self) -> None:
        self._server.close()
        handlers = [t for t in asyncio.all_tasks() if t is not asyncio.current_task()]
        for task in handlers:
            task.cancel()
        await asyncio.gather(*handlers, return_exceptions=True)
        await self._server.wait_closed()

    # the test-facing API ------------------------------------------------------------------------
    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def openai_url(self) -> str:
        """``base_url`` for the OpenAI SDK (Responses and chat completions)."""
        return self.url + "/v1"

    @property
    def anthropic_url(self) -> str:
        """``base_url`` for the Anthropic SDK (it appends ``/v1/messages`` itself)."""
        return self.url

    def script(self, kind: str, *replies: Any) -> None:
        """Queue replies for one route: ``openai``, ``anthropic`` or ``chat``.

        Replies are given one per argument, or as one list: ``script_openai(a, b)`` is
        ``script_openai([a, b])``.
        """
        if len(replies) == 1 and isinstance(replies[0], list):
            replies = tuple(replies[0])
        with self._lock:
            self._queues[kind].extend(replies)

    def script_openai(self, *replies: Any) -> None:
        self.script("openai", *replies)

    def script_anthropic(self, *replies: Any) -> None:
        self.script("anthropic", *replies)

    def script_chat(self, *replies: Any) -> None:
        self.script("chat", *replies)

    def requests_to(self, kind: str) -> list[Recorded]:
        return [r for r in self.requests if r.path == ROUTES[kind]]

    def remaining(self) -> dict[str, int]:
        with self._lock:
            return {kind: len(queue) for kind, queue in self._queues.items() if queue}

    def assert_consumed(self) -> None:
        """Fail when a scripted reply was never asked for, or a request found no reply."""
        if self.remaining() or self.unexpected:
            raise AssertionError(f"wire server: unused replies {self.remaining()}, "
                                 f"unexpected requests {[r.path for r in self.unexpected]}")

    def reset(self) -> None:
        with self._lock:
            for queue in self._queues.values():
                queue.clear()
            self.requests.clear()
            self.unexpected.clear()

    # HTTP -------------------------------------------------------------------------------------
    async def _serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            while (request := await _read_request(reader)) is not None:
                self.requests.append(request)
                reply = self._next(request)
                if isinstance(reply, Drop):
                    body = json.dumps({"partial": "x" * 64}).encode()
                    writer.write(_head(200, {}, len(body)) + body[: int(len(body) * reply.fraction)])
                    await writer.drain()
                    return
                if reply.delay:
                    await asyncio.sleep(reply.delay)
                body = json.dumps(reply.body).encode() if reply.body is not None else b""
                writer.write(_head(reply.status, reply.headers, len(body)) + body)
                await writer.drain()
        except (ConnectionError, asyncio.IncompleteReadError, asyncio.CancelledError):
            pass  # the client went away, or the server is shutting down: nothing left to answer
        finally:
            writer.close()

    def _next(self, request: Recorded) -> Reply | Drop:
        kind = next((k for k, path in ROUTES.items() if path == request.path), None)
        if request.method != "POST" or kind is None:
            return Reply({"error": {"message": f"wire server: no route {request.method} {request.path}"}}, 404)
        with self._lock:
            queued = self._queues[kind].popleft() if self._queues[kind] else None
        if queued is None:
            self.unexpected.append(request)
            message = f"wire server: no scripted reply left for POST {request.path}"
            return Reply({"type": "error", "error": {"type": "invalid_request_error", "message": message}}, 400)
        return queued if isinstance(queued, (Reply, Drop)) else Reply(queued)


async def _read_request(reader: asyncio.StreamReader) -> Recorded | None:
    try:
        head = await reader.readuntil(b"\r\n\r\n")
    except asyncio.IncompleteReadError:
        return None
    lines = head.decode("latin-1").split("\r\n")
    method, path, _ = lines[0].split(" ", 2)
    headers = {}
    for line in lines[1:]:
        if ":" in line:
            name, value = line.split(":", 1)
            headers[name.strip().lower()] = value.strip()
    if headers.get("transfer-encoding", "").lower() == "chunked":
        body = b""
        while size := int((await reader.readuntil(b"\r\n")).strip(), 16):
            body += await reader.readexactly(size)
            await reader.readexactly(2)
        await reader.readuntil(b"\r\n")
    else:
        body = await reader.readexactly(int(headers.get("content-length", "0")))
    return Recorded(method, path.split("?")[0], headers, body)


def _head(status: int, headers: dict[str, str], length: int) -> bytes:
    lines = [f"HTTP/1.1 {status} {_REASONS.get(status, 'Status')}", "content-type: application/json",
             f"content-length: {length}", f"request-id: req_{next(_ids)}",
             *(f"{k}: {v}" for k, v in headers.items())]
    return ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1")


_REASONS = {200: "OK", 400: "Bad Request", 401: "Unauthorized", 404: "Not Found", 429: "Too Many Requests",
            500: "Internal Server Error", 503: "Service Unavailable", 529: "Overloaded"}


# replies shaped as the providers document them ------------------------------------------------------
def openai_response(*output: dict[str, Any], model: str = "gpt-5.4", id: str | None = None,
                    usage: dict[str, Any] | None = None) -> dict[str, Any]:
    """A Responses API ``response`` object."""
    return {
        "id": id or f"resp_{next(_ids)}", "object": "response", "created_at": 1_760_000_000,
        "status": "completed", "model": model, "output": list(output), "parallel_tool_calls": True,
        "tool_choice": "auto", "tools": [],
        "usage": usage or {"input_tokens": 1000, "input_tokens_details": {"cached_tokens": 0},
                           "output_tokens": 50, "output_tokens_details": {"reasoning_tokens": 0},
                           "total_tokens": 1050},
    }


def computer_call(*actions: Action | dict[str, Any], call_id: str | None = None, batched: bool = True,
                  safety_checks: list[dict[str, Any]] | None = None, frame: Frame | None = None) -> dict[str, Any]:
    """A ``computer_call`` item: GA ``actions`` (batched) or preview ``action`` (one)."""
    shapes = [to_openai(a, frame) if not isinstance(a, dict) else a for a in actions]
    shapes = [{k: v for k, v in shape.items() if v is not None} for shape in shapes]
    item: dict[str, Any] = {"type": "computer_call", "id": f"cu_{next(_ids)}",
                            "call_id": call_id or f"call_{next(_ids)}", "status": "completed",
                            "pending_safety_checks": safety_checks or []}
    if batched:
        item["actions"] = shapes
    else:
        (item["action"],) = shapes
    return item


def openai_message(text: str) -> dict[str, Any]:
    return {"type": "message", "id": f"msg_{next(_ids)}", "role": "assistant", "status": "completed",
            "content": [{"type": "output_text", "text": text, "annotations": []}]}


def openai_reasoning(summary: str) -> dict[str, Any]:
    return {"type": "reasoning", "id": f"rs_{next(_ids)}", "summary": [{"type": "summary_text", "text": summary}]}


def openai_error(status: int, message: str, headers: dict[str, str] | None = None) -> Reply:
    kind = {400: "invalid_request_error", 401: "invalid_request_error", 429: "rate_limit_exceeded"}
    return Reply({"error": {"message": message, "type": kind.get(status, "server_error"), "param": None,
                            "code": None}}, status, headers or {})


def anthropic_message(*content: dict[str, Any], model: str = "claude-sonnet-4-6",
                      stop_reason: str | None = None, usage: dict[str, Any] | None = None) -> dict[str, Any]:
    """A Messages API ``message``; ``stop_reason`` is ``tool_use`` when there is a tool call."""
    uses_tool = any(block.get("type") == "tool_use" for block in content)
    return {"id": f"msg_{next(_ids)}", "type": "message", "role": "assistant", "model": model,
            "content": list(content), "stop_reason": stop_reason or ("tool_use" if uses_tool else "end_turn"),
            "stop_sequence": None,
            "usage": usage or {"input_tokens": 1200, "output_tokens": 60, "cache_creation_input_tokens": 0,
                               "cache_read_input_tokens": 0}}


def tool_use(action: Action | dict[str, Any], *, id: str | None = None, frame: Frame | None = None) -> dict[str, Any]:
    """A ``tool_use`` block of the computer tool, from an action or a raw tool input."""
    data = action if isinstance(action, dict) else to_anthropic(action, frame)
    return {"type": "tool_use", "id": id or f"toolu_{next(_ids)}", "name": "computer", "input": data}


def text_block(text: str) -> dict[str, Any]:
    return {"type": "text", "text": text}


def thinking_block(thinking: str, signature: str = "sig") -> dict[str, Any]:
    return {"type": "thinking", "thinking": thinking, "signature": signature}


def anthropic_error(status: int, message: str, headers: dict[str, str] | None = None) -> Reply:
    kind = {400: "invalid_request_error", 401: "authentication_error", 429: "rate_limit_error",
            500: "api_error", 529: "overloaded_error"}
    return Reply({"type": "error", "error": {"type": kind.get(status, "api_error"), "message": message}},
                 status, headers or {})


def chat_completion(text: str, *, model: str = "ui-tars-1.5", usage: dict[str, Any] | None = None) -> dict[str, Any]:
    """A chat-completions reply, as vLLM, Ollama and LM Studio send it."""
    return {"id": f"chatcmpl-{next(_ids)}", "object": "chat.completion", "created": 1_760_000_000,
            "model": model, "choices": [{"index": 0, "finish_reason": "stop",
                                         "message": {"role": "assistant", "content": text}}],
            "usage": usage or {"prompt_tokens": 900, "completion_tokens": 40, "total_tokens": 940}}
