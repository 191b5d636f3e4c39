"""How long a 10-step browser workflow takes to replay, next to the same job done by the agent loop.

    .venv/bin/python scripts/bench/replay.py [--n 5]

The job: sign in to the demo invoice app, open a new invoice, fill four fields, save, confirm
(10 steps). "agent loop" runs it with a scripted model answering instantly, so its figure is the
runtime's own cost plus 11 model calls; a real model adds its latency to each of those calls.
"replay" runs the exported workflow: zero model calls. Both include starting headless Chromium
("end to end") and are also shown without it. Medians and p95 in seconds; nothing is asserted.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
import tempfile
import time
from pathlib import Path

from rich.console import Console
from rich.table import Table

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from _stats import Timing  # noqa: E402

from agent.workflows.export import export_workflow  # noqa: E402
from agent.loop import Agent  # noqa: E402
from agent.models import ReplayModel  # noqa: E402
from agent.workflows.replayer import Replayer  # noqa: E402
from agent.safety.secrets import Secrets  # noqa: E402
from agent.workflows.workflow import Workflow  # noqa: E402
from environments import Browser  # noqa: E402
from examples.invoice_app import DEMO_PASSWORD, serve_app  # noqa: E402
from examples.invoice_app.script import demo_turns  # noqa: E402

SECRETS = Secrets({"APP_PASSWORD": DEMO_PASSWORD})


async def agent_run(runs: Path) -> tuple[float, float, Path, int]:
    with serve_app() as app:
        began = time.perf_counter()
        async with Browser(start_url=app.url + "/login") as env:
            ready = time.perf_counter()
            result = await Agent(ReplayModel(demo_turns()), env, secrets=SECRETS, runs_dir=runs,
                                 config={"environment": "browser", "start_url": app.url + "/login"}).run("invoice")
            done = time.perf_counter()
        assert app.state.invoices, result.reason
    return done - began, done - ready, result.run_dir, result.model_calls


async def replay_run(workflow: Workflow, runs: Path) -> tuple[float, float, int, int]:
    with serve_app() as app:
        text = workflow.dump_yaml().replace(workflow.environment.start_url.rsplit("/login", 1)[0], app.url)  # type: ignore[union-attr]
        import yaml

        target = Workflow.model_validate(yaml.safe_load(text))
        began = time.perf_counter()
        async with Browser(start_url=app.url + "/login") as env:
            ready = time.perf_counter()
            result = await Replayer(target.rendered(), env, secrets=SECRETS, runs_dir=runs).run()
            done = time.perf_counter()
        assert app.state.invoices, result.reason
    return done - began, done - ready, result.model_calls, len(target.steps)


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--n", type=int, default=5)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        runs = Path(folder)
        agent_total, agent_loop, calls = [], [], 0
        run_dir = None
        for _ in range(args.n):
            total, loop, run_dir, calls = await agent_run(runs)
            agent_total.append(total)
            agent_loop.append(loop)
        assert run_dir is not None
        workflow = await export_workflow(run_dir)
        replay_total, replay_loop, replay_calls, steps = [], [], 0, 0
        for _ in range(args.n):
            total, loop, replay_calls, steps = await replay_run(workflow, runs)
            replay_total.append(total)
            replay_loop.append(loop)
    table = Table(title=f"{steps}-step browser workflow (demo invoice app), seconds, n={args.n}")
    for column in ("way", "model calls", "end to end median", "p95", "after browser start median", "p95"):
        table.add_column(column, justify="left" if column == "way" else "right")
    for name, model_calls, total, loop in (("agent loop, instant scripted model", calls, agent_total, agent_loop),
                                           ("workflow replay", replay_calls, replay_total, replay_loop)):
        t, l = Timing(total), Timing(loop)
        table.add_row(name, str(model_calls), f"{t.median:.2f}", f"{t.p95:.2f}", f"{l.median:.2f}", f"{l.p95:.2f}")
    Console().print(table)
    Console().print(f"A real model adds its own latency to each of the {calls} calls of the agent loop; "
                    "the replay makes none.")


if __name__ == "__main__":
    asyncio.run(main())
