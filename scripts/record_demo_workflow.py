"""Record examples/invoice.yaml: drive the demo app on a virtual desktop with a scripted model,
export the run as a workflow, and turn the typed values into inputs.

    .venv/bin/python scripts/record_demo_workflow.py

The scripted turns below are what a model did once; from then on the workflow replays without one.
"""

from __future__ import annotations

import asyncio
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from actions import TypeText  # noqa: E402
from agent.checks import CommandCheck  # noqa: E402
from agent.workflows.export import export_workflow  # noqa: E402
from agent.app.launch import open_environment  # noqa: E402
from agent.loop import Agent  # noqa: E402
from agent.models import ReplayModel  # noqa: E402
from agent.safety.secrets import Secrets  # noqa: E402
from agent.workflows.workflow import InputSpec  # noqa: E402
from examples.invoice_app import DEMO_PASSWORD, serve_app  # noqa: E402
from examples.invoice_app.script import DEFAULT_INPUTS as INPUTS, demo_turns  # noqa: E402

CHECK = (
    "python3 -c \"import json, sys, urllib.request; "
    "rows = json.load(urllib.request.urlopen('{{ inputs.base_url }}/api/invoices'))['invoices']; "
    "sys.exit(0 if any(r['customer'] == '{{ inputs.customer }}' and r['quantity'] == {{ inputs.quantity }} "
    "and r['total'] == {{ inputs.quantity }} * {{ inputs.unit_price }} for r in rows) else 1)\""
)


async def main() -> None:
    with serve_app("standard") as app:
        url = app.url + "/login"
        async with open_environment("desktop", start_url=url) as env:
            agent = Agent(ReplayModel(demo_turns()), env, secrets=Secrets({"APP_PASSWORD": DEMO_PASSWORD}),
                          runs_dir=ROOT / "runs", config={"environment": "desktop", "start_url": url,
                                                          "size": [1280, 800], "model": "scripted"})
            result = await agent.run("Create invoice for ACME: 3 x Widget at $40")
        if not app.state.invoices:
            raise SystemExit(f"the scripted run did not create the invoice: {result.reason}")
    workflow = await export_workflow(result.run_dir, name="create-invoice")
    for step in workflow.steps:  # typed values become inputs
        for i, action in enumerate(step.actions):
            for name, value in INPUTS.items():
                if isinstance(action, TypeText) and action.text == value:
                    step.actions[i] = TypeText(text=f"{{{{ inputs.{name} }}}}")
                    step.goal = step.goal.replace(repr(value), f"the {name.replace('_', ' ')}")
    workflow.description = "Sign in to the Acme back office and create an invoice."
    workflow.environment.start_url = "{{ inputs.base_url }}/login"
    workflow.inputs = {
        "base_url": InputSpec(description="Where the app runs", default="http://127.0.0.1:8080"),
        **{name: InputSpec(description=f"Invoice {name.replace('_', ' ')}", default=value)
           for name, value in INPUTS.items()},
    }
    workflow.checks = [CommandCheck(command=CHECK)]
    path = workflow.save(ROOT / "examples" / "invoice.yaml")
    print(f"wrote {path} ({len(workflow.steps)} steps) from run {result.run_dir}")


if __name__ == "__main__":
    asyncio.run(main())
