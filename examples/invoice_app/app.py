"""The invoice app's server: standard library HTTP, jinja2 pages, data in memory."""

from __future__ import annotations

import contextlib
import json
import secrets
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.cookies import SimpleCookie
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlparse

from jinja2 import Environment, FileSystemLoader, select_autoescape

DEMO_USER = "demo"
DEMO_PASSWORD = "Invoices-2026!"
VARIANTS = ("standard", "moved", "renamed")

_pages = Environment(loader=FileSystemLoader(Path(__file__).parent / "pages"),
                     autoescape=select_autoescape(["html"]))


@dataclass
class AppState:
    variant: str = "standard"
    invoices: list[dict[str, Any]] = field(default_factory=list)
    sessions: set[str] = field(default_factory=set)
    lock: threading.Lock = field(default_factory=threading.Lock)


class _Handler(BaseHTTPRequestHandler):
    state: AppState

    # routing ------------------------------------------------------------------------------
    def do_GET(self) -> None:  # noqa: N802 - http.server's naming
        path = urlparse(self.path).path
        if path == "/api/invoices":
            with self.state.lock:
                return self._json({"invoices": self.state.invoices})
        if path == "/":
            return self._redirect("/invoices" if self._signed_in() else "/login")
        if path == "/login":
            error = "error" in parse_qs(urlparse(self.path).query)
            return self._page("login.html", error=error)
        if not self._signed_in():
            return self._redirect("/login")
        if path == "/invoices":
            highlight = parse_qs(urlparse(self.path).query).get("created", [""])[0]
            with self.state.lock:
                invoices = list(self.state.invoices)
            return self._page("invoices.html", invoices=invoices, highlight=highlight)
        if path == "/invoices/new":
            return self._page("new_invoice.html")
        self.send_error(404)

    def do_POST(self) -> None:  # noqa: N802
        path = urlparse(self.path).path
        body = self.rfile.read(min(int(self.headers.get("Content-Length") or 0), 65536))
        if path == "/login":
            form = {k: v[0] for k, v in parse_qs(body.decode()).items()}
            if form.get("username") == DEMO_USER and form.get("password") == DEMO_PASSWORD:
                token = secrets.token_hex(16)
                with self.state.lock:
                    self.state.sessions.add(token)
                return self._redirect("/invoices", cookie=token)
            return self._redirect("/login?error=1")
        if path == "/api/invoices" and self._signed_in():
            data = json.loads(body or b"{}")
            try:
                quantity, price = int(data["quantity"]), float(data["unit_price"])
                invoice = {"customer": str(data["customer"]).strip(), "item": str(data["item"]).strip(),
                           "quantity": quantity, "unit_price": price, "total": round(quantity * price, 2)}
            except (KeyError, ValueError) as exc:
                return self._json({"error": f"invalid invoice: {exc}"}, status=422)
            with self.state.lock:
                invoice["id"] = 1040 + len(self.state.invoices) + 1
                self.state.invoices.append(invoice)
            return self._json(invoice, status=201)
        self.send_error(404 if self._signed_in() else 401)

    # helpers ------------------------------------------------------------------------------
    def _signed_in(self) -> bool:
        cookie = SimpleCookie(self.headers.get("Cookie") or "")
        token = cookie.get("session")
        with self.state.lock:
            return token is not None and token.value in self.state.sessions

    def _page(self, name: str, **context: Any) -> None:
        html = _pages.get_template(name).render(variant=self.state.variant, **context).encode()
        self.send_response(200)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(html)))
        self.end_headers()
        self.wfile.write(html)

    def _json(self, data: Any, status: int = 200) -> None:
        payload = json.dumps(data).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)

    def _redirect(self, location: str, cookie: str | None = None) -> None:
        self.send_response(303)
        self.send_header("Location", location)
        if cookie:
            self.send_header("Set-Cookie", f"session={cookie}; Path=/; HttpOnly; SameSite=Lax")
        self.send_header("Content-Length", "0")
        self.end_headers()

    def log_message(self, *args: Any) -> None:
        pass


class AppServer:
    """A running app: ``url``, ``state`` (the saved invoices) and ``stop()``."""

    def __init__(self, variant: str = "standard", host: str = "127.0.0.1", port: int = 0) -> None:
        if variant not in VARIANTS:
            raise ValueError(f"variant must be one of {', '.join(VARIANTS)}, got {variant!r}")
        self.state = AppState(variant=variant)
        handler = type("Handler", (_Handler,), {"state": self.state})
        self._server = ThreadingHTTPServer((host, port), handler)
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True, name="invoice-app")
        self._thread.start()
        self.url = f"http://{host}:{self._server.server_address[1]}"

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()


@contextlib.contextmanager
def serve_app(variant: str = "standard", port: int = 0) -> Iterator[AppServer]:
    server = AppServer(variant, port=port)
    try:
        yield server
    finally:
        server.stop()
