"""The ``screenloop`` command: thin over the Python API."""

from __future__ import annotations

import typer

app = typer.Typer(no_args_is_help=True, add_completion=False, help="screenloop: a computer-use agent runtime.")


@app.callback()
def _root() -> None:
    """screenloop: a computer-use agent runtime."""


@app.command()
def selfcheck() -> None:
    """Open a Desktop, launch Chromium on a local page, click, and print what the page saw."""
    import asyncio

    from .selfcheck import run_selfcheck

    raise typer.Exit(asyncio.run(run_selfcheck()))


@app.command()
def serve(
    env: str = typer.Option("desktop", help="The environment to expose: desktop or browser."),
    display: str = typer.Option(None, help="Attach to this X display (e.g. :99) instead of starting an Xvfb."),
    width: int = typer.Option(1280, help="Screen width in pixels (when starting a display)."),
    height: int = typer.Option(800, help="Screen height in pixels (when starting a display)."),
    host: str = typer.Option("127.0.0.1", help="Address to bind. Anything but loopback exposes the screen."),
    port: int = typer.Option(8765, help="TCP port to bind."),
    uds: str = typer.Option(None, help="Listen on this Unix socket instead of TCP."),
    frames_dir: str = typer.Option(None, help="A directory the client also sees: observe?via=file writes frames there."),
    token_env: str = typer.Option("SCREENLOOP_TOKEN", help="Read the token from this variable; if unset, one is generated and printed once."),
    max_body: int = typer.Option(1 << 20, help="Largest request body, in bytes."),
    start_url: str = typer.Option(None, help="Browser only: the page to open first."),
) -> None:
    """Expose one environment over HTTP for `environments.Remote` (the sandbox runs this)."""
    import os
    import secrets
    import sys

    from environments.server import bind_socket, create_app, environment_for, serve as serve_app

    token = os.environ.get(token_env, "")
    if not token:
        token = secrets.token_urlsafe(32)
        print(f"screenloop serve: {token_env} is not set; this server's token (shown once): {token}", file=sys.stderr)
    if uds is None and host not in ("127.0.0.1", "::1", "localhost"):
        print(f"screenloop serve: binding {host}: anyone who can reach it and has the token drives this screen",
              file=sys.stderr)
    environment = environment_for(env, width, height, display=display, start_url=start_url)  # type: ignore[arg-type]
    sock = bind_socket(host, port, uds)
    where = uds or f"{host}:{sock.getsockname()[1]}"
    print(f"screenloop serve: {env} on {where}", file=sys.stderr, flush=True)
    _run_fast(serve_app(create_app(environment, token, max_body=max_body, frames_dir=frames_dir), sock))


def _run_fast(coroutine) -> None:  # type: ignore[no-untyped-def]
    """Run on uvloop where it is installed (a lower per-request cost), else on asyncio's loop."""
    import asyncio

    try:
        import uvloop
    except ImportError:
        asyncio.run(coroutine)
        return
    with asyncio.Runner(loop_factory=uvloop.new_event_loop) as runner:
        runner.run(coroutine)


def main() -> None:
    app()
