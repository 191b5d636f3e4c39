"""The ``screenloop`` command: thin over the Python API.

Exit codes: 0 success, 1 failed, 2 unverified, 3 budget exceeded, 4 interrupted, 64 usage error.
"""

from __future__ import annotations

import asyncio
import sys
from pathlib import Path
from typing import Annotated, Optional

import typer
from rich.console import Console
from rich.table import Table

from actions import ScreenloopError, UserError

app = typer.Typer(no_args_is_help=True, add_completion=False, help="screenloop: a computer-use agent runtime.",
                  pretty_exceptions_enable=False)

USAGE_ERROR = 64
_CLICK_USAGE_EXIT = 2  # click exits usage errors with 2, which here means "unverified"
_chosen_exit: int | None = None


def _exit(code: int) -> typer.Exit:
    """The exit of a command that chose its code (so a 2 here is "unverified", not a usage error)."""
    global _chosen_exit
    _chosen_exit = code
    return typer.Exit(code)


@app.callback()
def _root() -> None:
    """screenloop: a computer-use agent runtime."""


@app.command()
def run(
    task: Annotated[str, typer.Argument(help="What to do, in plain words; or a workflow file to replay.")],
    model: Annotated[Optional[str], typer.Option(envvar="SCREENLOOP_MODEL", help=(
        "openai:gpt-5.4, anthropic:claude-sonnet-4-6, openai-compat:NAME@URL, replay:RUN_DIR"))] = None,
    env: Annotated[Optional[str], typer.Option(help=(
        "desktop, browser or sandbox (default: browser, or the workflow's). A sandbox has no network "
        "unless --allow-domain or the policy's domains.allow lists hosts."))] = None,
    start_url: Annotated[Optional[str], typer.Option(help="Open this URL first.")] = None,
    app_command: Annotated[Optional[str], typer.Option("--app", help="A desktop program to start.")] = None,
    effort: Annotated[str, typer.Option(help="none, low, medium, high or xhigh")] = "medium",
    max_steps: Annotated[int, typer.Option(help="Budget: model turns.")] = 30,
    max_cost: Annotated[Optional[float], typer.Option(help="Budget: US dollars.")] = None,
    max_time: Annotated[Optional[float], typer.Option(help="Budget: wall seconds.")] = None,
    policy: Annotated[Optional[Path], typer.Option(help="Policy file (YAML).")] = None,
    allow_domain: Annotated[Optional[list[str]], typer.Option(help=(
        "Host pattern the browser may load (repeat); with --env sandbox, the only hosts the sandbox "
        "can reach, through a proxy on this host (without any, it has no network)."))] = None,
    secret: Annotated[Optional[list[str]], typer.Option(help="NAME=env:VAR or NAME=file:PATH (repeat).")] = None,
    check: Annotated[Optional[list[str]], typer.Option(help="KIND:ARG, e.g. url_matches:/done (repeat).")] = None,
    out: Annotated[Path, typer.Option(help="Folder of run records.")] = Path("runs"),
    json_output: Annotated[bool, typer.Option("--json", help="One JSON result on stdout.")] = False,
    approve_all: Annotated[bool, typer.Option(help="Approve every confirmation (headless).")] = False,
    approver: Annotated[Optional[str], typer.Option(help="Command that approves (exit 0) a request on stdin.")] = None,
    width: Annotated[Optional[int], typer.Option(help="Screen width (default 1280).")] = None,
    height: Annotated[Optional[int], typer.Option(help="Screen height (default 800).")] = None,
    headed: Annotated[bool, typer.Option(help="Show the browser window (needs a display).")] = False,
    live: Annotated[bool, typer.Option(help="With --env sandbox: print the address to watch it live.")] = False,
    input_value: Annotated[Optional[list[str]], typer.Option("--input", help="Workflow input NAME=VALUE (repeat).")] = None,
) -> None:
    """Run a task with a model until checks pass, it fails, or a budget runs out."""
    from .runner import RunOptions, run_from_options

    options = RunOptions(
        task=task, model=model, env=env, start_url=start_url, app=app_command, effort=effort,
        max_steps=max_steps, max_cost=max_cost, max_time=max_time, policy=policy,
        allow_domains=allow_domain or [], secrets=secret or [], checks=check or [], out=out,
        approve_all=approve_all, approver=approver, width=width, height=height, headed=headed,
        interactive=sys.stdin.isatty() and not json_output, inputs=input_value or [], live=live,
    )
    console = Console(stderr=json_output, soft_wrap=True)
    result = asyncio.run(run_from_options(options, console=console, live=True))
    if json_output:
        print(result.model_dump_json())
    else:
        console.print(f"report: {result.run_dir / 'report.html'}")
    raise _exit(result.exit_code)


@app.command()
def runs(out: Annotated[Path, typer.Option(help="Folder of run records.")] = Path("runs")) -> None:
    """List recorded runs, newest first."""
    from ..record.events import RunFinished, RunStarted, read_events

    table = Table()
    for column in ("run", "status", "steps", "cost", "task"):
        table.add_column(column)
    folders = sorted((p for p in out.glob("*") if (p / "run.jsonl").exists()), reverse=True) if out.exists() else []
    for folder in folders:
        started = finished = None
        for event in read_events(folder):
            if isinstance(event, RunStarted):
                started = event
            elif isinstance(event, RunFinished):
                finished = event
        table.add_row(folder.name, finished.status if finished else "incomplete",
                      str(finished.steps) if finished else "?",
                      f"${finished.usage.cost_usd:.4f}" if finished else "?", started.task[:70] if started else "")
    Console().print(table if folders else f"no runs in {out}")


@app.command()
def report(
    run_ref: Annotated[str, typer.Argument(metavar="RUN", help="A run folder, or a run id under --out.")],
    out: Annotated[Path, typer.Option(help="Folder of run records.")] = Path("runs"),
) -> None:
    """Render (or re-render) a run's report.html, also for a run that was killed."""
    from ..record.report import write_report

    folder = Path(run_ref) if Path(run_ref).is_dir() else out / run_ref
    if not (folder / "run.jsonl").exists():
        raise UserError(f"no run at {folder} (no run.jsonl)")
    print(write_report(folder))


@app.command()
def export(
    run_ref: Annotated[str, typer.Argument(metavar="RUN", help="A run folder, or a run id under --out.")],
    as_: Annotated[str, typer.Option("--as", help="workflow or playwright")] = "workflow",
    output: Annotated[Optional[Path], typer.Option("-o", "--output", help="File to write (default: in the run folder).")] = None,
    out: Annotated[Path, typer.Option(help="Folder of run records.")] = Path("runs"),
    force: Annotated[bool, typer.Option(help="Export a run that did not succeed.")] = False,
) -> None:
    """Turn a run that worked into a workflow (zero-model replays) or a standalone Playwright script."""
    folder = Path(run_ref) if Path(run_ref).is_dir() else out / run_ref
    if not (folder / "run.jsonl").exists():
        raise UserError(f"no run at {folder} (no run.jsonl)")
    if as_ == "workflow":
        from ..workflows.export import export_workflow

        workflow = asyncio.run(export_workflow(folder, allow_unsuccessful=force))
        path = workflow.save(output or folder / "workflow.yaml")
    elif as_ == "playwright":
        from ..workflows.export_playwright import export_playwright

        path = output or folder / "replay_playwright.py"
        path.write_text(export_playwright(folder, allow_unsuccessful=force), encoding="utf-8")
    else:
        raise UserError(f"--as must be workflow or playwright, got {as_!r}")
    print(path)


@app.command()
def demo(
    variant: Annotated[str, typer.Option(help="standard, moved or renamed: the app the workflow meets.")] = "standard",
    out: Annotated[Path, typer.Option(help="Folder of run records.")] = Path("runs"),
) -> None:
    """Replay the invoice workflow on the demo app in a virtual desktop: no API key, no network."""
    from .demo import run_demo

    raise _exit(asyncio.run(run_demo(variant=variant, out=out)))


@app.command()
def selfcheck() -> None:
    """Open a Desktop, launch Chromium on a local page, click, and print what the page saw."""
    from .selfcheck import run_selfcheck

    raise _exit(asyncio.run(run_selfcheck()))


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
    proxy: str = typer.Option(None, help="Browser only: send every request through this HTTP proxy."),
) -> None:
    """Expose one environment over HTTP for `environments.Remote` (the sandbox runs this)."""
    import os
    import secrets
    import sys

    from environments.remote.server import bind_socket, create_app, environment_for, serve as serve_app

    token = os.environ.get(token_env, "")
    if not token:
        token = secrets.token_urlsafe(32)
        print(f"screenloop serve: {token_env} is not set; this server's token (shown once): {token}", file=sys.stderr)
    if uds is None and host not in ("127.0.0.1", "::1", "localhost"):
        print(f"screenloop serve: binding {host}: anyone who can reach it and has the token drives this screen",
              file=sys.stderr)
    environment = environment_for(env, width, height, display=display, start_url=start_url,  # type: ignore[arg-type]
                                  proxy=proxy)
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
    """Entry point: usage errors exit 64 (not click's 2, which means "unverified" here)."""
    try:
        app()
    except SystemExit as exc:
        code = exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 1)
        if code == _CLICK_USAGE_EXIT and _chosen_exit != code:
            code = USAGE_ERROR
        sys.exit(code)
    except UserError as exc:
        Console(stderr=True).print(f"[red]error:[/] {exc}")
        sys.exit(USAGE_ERROR)
    except ScreenloopError as exc:
        Console(stderr=True).print(f"[red]error:[/] {exc}")
        sys.exit(1)
