"""``screenloop demo`` (what ``make demo`` runs): the product in one minute, offline, for free.

It serves the small back-office app from ``examples/invoice_app`` on loopback, starts a virtual
desktop, opens Chromium on the app, and replays ``examples/invoice.yaml``: sign in, open a new
invoice, fill it in, confirm the dialog. No model is called and no API key or network is needed;
a run-level check reads the saved invoice back from the app's JSON endpoint, and the run's report
shows every step.
"""

from __future__ import annotations

import importlib
import sys
import time
from pathlib import Path

from rich.console import Console

from actions import UserError

from .launch import open_environment
from ..record.live import LiveView
from ..workflows.replayer import Replayer
from ..safety.secrets import Secrets
from ..workflows.workflow import load_workflow

__all__ = ["run_demo"]

ROOT = Path(__file__).resolve().parents[2]
WORKFLOW = ROOT / "examples" / "invoice.yaml"


def _invoice_app():  # type: ignore[no-untyped-def]
    """The demo app lives beside the packages, in examples/ (not installed with them)."""
    if not WORKFLOW.exists():
        raise UserError(f"the demo needs the repository's examples/ folder ({WORKFLOW} is missing)")
    if str(ROOT) not in sys.path:
        sys.path.insert(0, str(ROOT))
    return importlib.import_module("examples.invoice_app")


async def run_demo(variant: str = "standard", out: Path = Path("runs"), console: Console | None = None) -> int:
    console = console or Console(soft_wrap=True)
    app_module = _invoice_app()
    source = load_workflow(WORKFLOW)
    started = time.monotonic()
    with app_module.serve_app(variant) as app:
        inputs = {"base_url": app.url}
        workflow = source.rendered(inputs)
        console.print(f"[bold]screenloop demo[/]: the invoice app ({variant} variant) is on {app.url}; "
                      f"replaying {WORKFLOW.relative_to(ROOT)} ({len(workflow.steps)} steps) on a virtual desktop, "
                      "with no model")
        async with open_environment("desktop", width=workflow.environment.size[0],
                                    height=workflow.environment.size[1],
                                    start_url=workflow.environment.start_url) as env:
            replayer = Replayer(workflow, env, source=source, inputs=inputs,
                                secrets=Secrets({"APP_PASSWORD": app_module.DEMO_PASSWORD}), runs_dir=out,
                                config={"workflow_file": str(WORKFLOW), "demo_variant": variant},
                                listeners=[LiveView(console)])
            result = await replayer.run()
        saved = list(app.state.invoices)
    console.print()
    console.print(f"Replayed in {time.monotonic() - started:.1f} s end to end (desktop start included), "
                  f"with {result.model_calls} model calls.")
    for invoice in saved:
        console.print(f"The app saved invoice {invoice['id']}: {invoice['customer']}, {invoice['quantity']} x "
                      f"{invoice['item']} at ${invoice['unit_price']:.2f} = ${invoice['total']:.2f}")
    if not saved:
        console.print("The app saved no invoice.")
    console.print(f"Report: {result.run_dir / 'report.html'}")
    return result.exit_code
