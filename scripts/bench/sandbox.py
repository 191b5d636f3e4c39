"""What the sandbox costs: start-to-ready time, and observe/click through ``Remote`` beside the
same calls on a local Desktop.

    .venv/bin/python scripts/bench/sandbox.py [--n 40] [--starts 3] [--no-container]

Rows, all 1280x800 with nothing drawn (an idle Xvfb + openbox):
- local: ``Desktop.observe()`` / ``Desktop.execute(Click)`` in this process;
- Remote over TCP: ``screenloop serve --display`` in a subprocess on loopback, attached to the
  same display as the local row, raw frames in the body;
- Remote into the bubblewrap sandbox and into the container: Unix socket, frames through the
  shared run dir (tmpfs).
A click includes the server's settle wait (about 60 ms, the same locally), so the column that
matters is "added": the wall time of the remote call minus the time the server reports for the
execute itself. Prints medians and p95 in milliseconds; nothing here is asserted.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import secrets
import sys
import time
from pathlib import Path

from rich.console import Console
from rich.table import Table

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from _stats import Timing, measure  # noqa: E402

from actions import Click  # noqa: E402
from environments import Desktop, Remote, Sandbox  # noqa: E402
from environments._process import spawn, stop  # noqa: E402
from environments.remote.server import bind_socket  # noqa: E402


def point(i: int) -> tuple[int, int]:
    # Distinct spots, so no two clicks merge into a double click.
    return 100 + (i % 20) * 50, 200 + (i // 20 % 10) * 40


async def bench_env(env: Desktop | Remote, n: int) -> tuple[Timing, Timing, Timing | None]:
    async def observe_once(i: int) -> None:
        await env.observe()

    observe = await measure(observe_once, n)
    added: list[float] = []

    async def click(i: int) -> None:
        started = time.perf_counter()
        result = await env.execute(Click(x=point(i)[0], y=point(i)[1]))
        if i >= 0:
            added.append((time.perf_counter() - started) * 1000 - result.elapsed_ms)

    clicks = await measure(click, n)
    return observe, clicks, (Timing(added) if isinstance(env, Remote) else None)


async def remote_over_tcp(n: int, display: str) -> tuple[Timing, Timing, Timing | None]:
    token = secrets.token_urlsafe(16)
    sock = bind_socket("127.0.0.1", 0)
    port = sock.getsockname()[1]
    sock.close()
    server = await spawn([os.path.join(os.path.dirname(sys.executable), "screenloop"), "serve", "--port", str(port),
                          "--display", display],
                         env={**os.environ, "SCREENLOOP_TOKEN": token}, cwd=str(Path(__file__).parents[2]))
    try:
        remote = Remote(f"http://127.0.0.1:{port}", token)
        await remote.wait_ready(30, alive=lambda: server.returncode is not None and f"exited {server.returncode}")
        async with remote:
            return await bench_env(remote, n)
    finally:
        await stop(server)


async def start_times(engine: str, starts: int) -> Timing:
    samples = []
    for _ in range(starts):
        started = time.perf_counter()
        async with Sandbox(engine=engine, live_view=True) as remote:  # type: ignore[arg-type]
            samples.append((time.perf_counter() - started) * 1000)
            await remote.observe()
    return Timing(samples)


async def in_sandbox(engine: str, n: int) -> tuple[Timing, Timing, Timing | None]:
    async with Sandbox(engine=engine, live_view=False) as remote:  # type: ignore[arg-type]
        return await bench_env(remote, n)


def cell(timing: Timing | None) -> str:
    return "-" if timing is None else f"{timing.median:.2f} / {timing.p95:.2f}"


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--n", type=int, default=40)
    parser.add_argument("--starts", type=int, default=3)
    parser.add_argument("--no-container", action="store_true")
    args = parser.parse_args()
    console = Console()
    engines = ["bwrap"] + ([] if args.no_container else ["podman"])

    async with Desktop(1280, 800) as desktop:  # the TCP server attaches to this same display
        local = await bench_env(desktop, args.n)
        rows = [("local Desktop", local),
                ("Remote, TCP loopback (raw body)", await remote_over_tcp(args.n, str(desktop.display)))]
    starts = Table(title="Start to ready (Sandbox.start() until /health answers), ms")
    for column in ("sandbox", "median / p95"):
        starts.add_column(column)
    for engine in engines:
        starts.add_row(engine, cell(await start_times(engine, args.starts)))
    console.print(starts)

    for engine in engines:
        rows.append((f"Remote into {engine} (Unix socket, shared frames)", await in_sandbox(engine, args.n)))

    table = Table(title=f"observe and click, ms (median / p95 of {args.n})")
    for column in ("where", "observe", "observe added", "click (incl. settle)", "click added"):
        table.add_column(column)
    for name, (observe, click, added) in rows:
        observe_added = None if added is None else Timing([s - local[0].median for s in observe.samples])
        table.add_row(name, cell(observe), cell(observe_added), cell(click), cell(added))
    console.print(table)


if __name__ == "__main__":
    asyncio.run(main())
